// The softmax input's site carries shloq.softmax_axis, the size of the normalized last dimension, on every marker of
// that site (here the add producing the input), so calibration can bound the input's useful range.
// RUN: shloq-opt --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG: stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-DAG: stablehlo.custom_call @shloq.site(%arg1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64}
// CHECK: %[[A:.*]] = stablehlo.add
// CHECK-NEXT: %[[AM:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64, shloq.softmax_axis = 5 : i64} : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
// CHECK-NEXT: stablehlo.reduce(%[[AM]]
// CHECK: %[[D:.*]] = stablehlo.divide
// CHECK-NEXT: %[[DM:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "softmax", shloq.scale = 3.906250e-03 : f32, shloq.site = 3 : i64, shloq.zero_point = -128 : i64}
// CHECK-NEXT: return %[[DM]]
// CHECK-NOT: shloq.softmax_axis = 5 : i64} : (tensor<2x3xf32>)
func.func @main(%x: tensor<2x3x5xf32>, %y: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %a = stablehlo.add %x, %y : tensor<2x3x5xf32>
  %0 = stablehlo.reduce(%a init: %ninf) applies stablehlo.maximum across dimensions = [2] : (tensor<2x3x5xf32>, tensor<f32>) -> tensor<2x3xf32>
  %1 = stablehlo.broadcast_in_dim %0, dims = [0, 1] : (tensor<2x3xf32>) -> tensor<2x3x5xf32>
  %2 = stablehlo.subtract %a, %1 : tensor<2x3x5xf32>
  %3 = stablehlo.exponential %2 : tensor<2x3x5xf32>
  %4 = stablehlo.reduce(%3 init: %zero) applies stablehlo.add across dimensions = [2] : (tensor<2x3x5xf32>, tensor<f32>) -> tensor<2x3xf32>
  %5 = stablehlo.broadcast_in_dim %4, dims = [0, 1] : (tensor<2x3xf32>) -> tensor<2x3x5xf32>
  %6 = stablehlo.divide %3, %5 : tensor<2x3x5xf32>
  return %6 : tensor<2x3x5xf32>
}
