// profile=cpu-float-islands leaves the catalogue's XNNPACK-float-only ops (exp, rsqrt, sqrt, ...)
// without sites: their neighbours' sites quantize around them, so they run as DEQUANTIZE -> float
// op -> QUANTIZE. abs, tanh and logistic (int8 in XNNPACK) keep theirs. An unknown profile is an error.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p 'shloq-mark-sites{profile=cpu-float-islands}' %s | FileCheck %s
// RUN: not shloq-opt -p 'shloq-mark-sites{profile=xnnpack}' %s 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[E:.*]] = stablehlo.exponential %arg0
// CHECK-NEXT: %[[R:.*]] = stablehlo.rsqrt %[[E]]
// CHECK-NEXT: %[[S:.*]] = stablehlo.sqrt %[[R]]
// CHECK-NEXT: %[[SM:.*]] = stablehlo.custom_call @shloq.site(%[[S]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[A:.*]] = stablehlo.abs %[[SM]]
// CHECK-NEXT: %[[AM:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "abs", shloq.site = 1 : i64}
// CHECK-NEXT: %[[T:.*]] = stablehlo.tanh %[[AM]]
// CHECK-NEXT: %[[TM:.*]] = stablehlo.custom_call @shloq.site(%[[T]]) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "tanh"
// CHECK-NEXT: return %[[TM]]
// BAD-NOT: Traceback
// BAD: shloq-opt: error: unknown profile 'xnnpack' of 'shloq-mark-sites'; use one of full-integer, cpu-float-islands
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.exponential %x : tensor<2x4xf32>
  %1 = stablehlo.rsqrt %0 : tensor<2x4xf32>
  %2 = stablehlo.sqrt %1 : tensor<2x4xf32>
  %3 = stablehlo.abs %2 : tensor<2x4xf32>
  %4 = stablehlo.tanh %3 : tensor<2x4xf32>
  return %4 : tensor<2x4xf32>
}

// -----

// A float softmax's quantized input (here the masked scores' add) keeps the softmax_axis record, so
// calibration still floors masked scores instead of spanning the mask's -1e4.
// CHECK-LABEL: func.func @main
// CHECK: stablehlo.add
// CHECK-NEXT: stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64, shloq.softmax_axis = 4 : i64}
// CHECK-NOT: shloq.op = "softmax"
func.func @main(%s: tensor<2x4xf32>, %m: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %a = stablehlo.add %s, %m : tensor<2x4xf32>
  %cst = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %cst0 = stablehlo.constant dense<0.0> : tensor<f32>
  %mx = stablehlo.reduce(%a init: %cst) applies stablehlo.maximum across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %mb = stablehlo.broadcast_in_dim %mx, dims = [0] : (tensor<2xf32>) -> tensor<2x4xf32>
  %d = stablehlo.subtract %a, %mb : tensor<2x4xf32>
  %e = stablehlo.exponential %d : tensor<2x4xf32>
  %t = stablehlo.reduce(%e init: %cst0) applies stablehlo.add across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %tb = stablehlo.broadcast_in_dim %t, dims = [0] : (tensor<2xf32>) -> tensor<2x4xf32>
  %p = stablehlo.divide %e, %tb : tensor<2x4xf32>
  return %p : tensor<2x4xf32>
}
