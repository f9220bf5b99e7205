// ReLU6 as clamp(0, x, 6) or minimum(maximum(x, 0), 6), and conv + bias + ReLU, fuse into their contraction: one output marker, after the activation.
// RUN: shloq-opt --split-input-file -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %[[X]]
// CHECK-NEXT: %[[B:.*]] = stablehlo.broadcast_in_dim
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[D]], %[[B]]
// CHECK-NEXT: %[[C:.*]] = stablehlo.clamp %{{.*}}, %[[A]], %{{.*}}
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[C]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "dense", shloq.site = 2 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = stablehlo.constant dense<1.0> : tensor<4x3xf32>
  %b = stablehlo.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %six = stablehlo.constant dense<6.0> : tensor<f32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x3xf32>
  %3 = stablehlo.clamp %zero, %2, %six : (tensor<f32>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// -----
// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %[[X]]
// CHECK-NEXT: %[[MX:.*]] = stablehlo.maximum %[[D]]
// CHECK-NEXT: %[[MN:.*]] = stablehlo.minimum %[[MX]]
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[MN]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "dense", shloq.site = 2 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = stablehlo.constant dense<1.0> : tensor<4x3xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x3xf32>
  %six = stablehlo.constant dense<6.0> : tensor<2x3xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.maximum %0, %zero : tensor<2x3xf32>
  %2 = stablehlo.minimum %1, %six : tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.axis = 3 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "conv", shloq.site = 1 : i64}
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[C:.*]] = stablehlo.convolution(%[[X]], %[[W]])
// CHECK-NEXT: %[[B:.*]] = stablehlo.broadcast_in_dim
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[C]], %[[B]]
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[A]]
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "conv", shloq.site = 2 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32> {
  %w = stablehlo.constant dense<1.0> : tensor<3x3x1x2xf32>
  %b = stablehlo.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<1x4x4x2xf32>
  %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [1, 1], pad = [[1, 1], [1, 1]]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x4x4x1xf32>, tensor<3x3x1x2xf32>) -> tensor<1x4x4x2xf32>
  %1 = stablehlo.broadcast_in_dim %b, dims = [3] : (tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %2 = stablehlo.add %0, %1 : tensor<1x4x4x2xf32>
  %3 = stablehlo.maximum %2, %zero : tensor<1x4x4x2xf32>
  return %3 : tensor<1x4x4x2xf32>
}
