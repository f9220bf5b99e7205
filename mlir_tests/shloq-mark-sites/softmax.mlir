// The 7-op softmax pattern is one unit with a fixed output site: scale 1/256, zero point -128, and no markers inside;
// its input marker carries shloq.softmax_axis (the size of the normalized last dimension) for calibration.
// RUN: shloq-opt --split-input-file -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.softmax_axis = 4 : i64}
// CHECK-NEXT: stablehlo.reduce(%[[X]] init: %{{.*}}) applies stablehlo.maximum
// CHECK-NEXT: stablehlo.broadcast_in_dim
// CHECK-NEXT: stablehlo.subtract %[[X]]
// CHECK-NEXT: %[[E:.*]] = stablehlo.exponential
// CHECK-NEXT: stablehlo.reduce(%[[E]] init: %{{.*}}) applies stablehlo.add
// CHECK-NEXT: %[[S:.*]] = stablehlo.broadcast_in_dim
// CHECK-NEXT: %[[D:.*]] = stablehlo.divide %[[E]], %[[S]]
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "softmax", shloq.scale = 3.906250e-03 : f32, shloq.site = 1 : i64, shloq.zero_point = -128 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %0 = stablehlo.reduce(%x init: %ninf) applies stablehlo.maximum across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = stablehlo.broadcast_in_dim %0, dims = [0] : (tensor<2xf32>) -> tensor<2x4xf32>
  %2 = stablehlo.subtract %x, %1 : tensor<2x4xf32>
  %3 = stablehlo.exponential %2 : tensor<2x4xf32>
  %4 = stablehlo.reduce(%3 init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %5 = stablehlo.broadcast_in_dim %4, dims = [0] : (tensor<2xf32>) -> tensor<2x4xf32>
  %6 = stablehlo.divide %3, %5 : tensor<2x4xf32>
  return %6 : tensor<2x4xf32>
}

// -----
// jax.nn.softmax's variant with max(-inf, reduce_max(x)) (stop_gradient of the shift) is recognised as well.
// CHECK-LABEL: func.func @main
// CHECK: stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.softmax_axis = 4 : i64}
// CHECK-NOT: stablehlo.custom_call
// CHECK: %[[D:.*]] = stablehlo.divide
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "softmax", shloq.scale = 3.906250e-03 : f32, shloq.site = 1 : i64, shloq.zero_point = -128 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %ninf2 = stablehlo.constant dense<0xFF800000> : tensor<2xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %0 = stablehlo.reduce(%x init: %ninf) applies stablehlo.maximum across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %p = stablehlo.maximum %ninf2, %0 : tensor<2xf32>
  %1 = stablehlo.broadcast_in_dim %p, dims = [0] : (tensor<2xf32>) -> tensor<2x4xf32>
  %2 = stablehlo.subtract %x, %1 : tensor<2x4xf32>
  %3 = stablehlo.exponential %2 : tensor<2x4xf32>
  %4 = stablehlo.reduce(%3 init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %5 = stablehlo.broadcast_in_dim %4, dims = [0] : (tensor<2xf32>) -> tensor<2x4xf32>
  %6 = stablehlo.divide %3, %5 : tensor<2x4xf32>
  return %6 : tensor<2x4xf32>
}
