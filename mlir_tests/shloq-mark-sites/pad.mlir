// stablehlo.pad of an activation is a PADV2 unit sharing its input's site; the padding value, a constant, gets a
// clamped marker on that same site: it is quantized on the input's grid, saturating rather than widening its range.
// RUN: shloq-opt --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[V:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant:clamped", shloq.site = 1 : i64} : (tensor<f32>) -> tensor<f32>
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[A:.*]] = stablehlo.abs %[[X]]
// CHECK-NEXT: %[[AM:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "abs", shloq.site = 1 : i64}
// CHECK-NEXT: %[[P:.*]] = stablehlo.pad %[[AM]], %[[V]], low = [0, 1, 1, 0], high = [0, 1, 1, 0], interior = [0, 0, 0, 0]
// CHECK-NEXT: %[[PM:.*]] = stablehlo.custom_call @shloq.site(%[[P]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "pad", shloq.site = 1 : i64}
// CHECK-NEXT: return %[[PM]]
// CHECK-NOT: shloq.site = 2
func.func @main(%x: tensor<1x4x4x3xf32>) -> tensor<1x6x6x3xf32> {
  %pv = stablehlo.constant dense<0.5> : tensor<f32>
  %0 = stablehlo.abs %x : tensor<1x4x4x3xf32>
  %1 = stablehlo.pad %0, %pv, low = [0, 1, 1, 0], high = [0, 1, 1, 0], interior = [0, 0, 0, 0] : (tensor<1x4x4x3xf32>, tensor<f32>) -> tensor<1x6x6x3xf32>
  return %1 : tensor<1x6x6x3xf32>
}
