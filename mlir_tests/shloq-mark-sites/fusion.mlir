// A dense layer's dot_general, bias add and ReLU form one unit: markers on its input, weight and after the ReLU only.
// RUN: shloq-opt -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 1 : i64}
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[DOT:.*]] = stablehlo.dot_general %[[X]], %[[W]]
// CHECK-NEXT: %[[BIAS:.*]] = stablehlo.broadcast_in_dim
// CHECK-NEXT: %[[ADD:.*]] = stablehlo.add %[[DOT]], %[[BIAS]]
// CHECK-NEXT: %[[RELU:.*]] = stablehlo.maximum %[[ADD]]
// CHECK-NEXT: %[[OUT:.*]] = stablehlo.custom_call @shloq.site(%[[RELU]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "dense", shloq.site = 2 : i64}
// CHECK-NEXT: return %[[OUT]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [1.0, -1.0, 0.5], [0.0, 1.0, 2.0]]> : tensor<4x3xf32>
  %b = stablehlo.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x3xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x3xf32>
  %3 = stablehlo.maximum %2, %zero : tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}
