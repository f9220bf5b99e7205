// A ReLU of a dense layer whose result is also returned gets a copy of the dense (and its bias) of its own, fused
// into one unit, as LiteRT's converter builds it (a second FULLY_CONNECTED with the ReLU fused). A conv keeps one
// kernel and a separate ReLU unit, as the converter does.
// RUN: shloq-opt --split-input-file -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {{.*}}shloq.op = "input"
// CHECK-NEXT: %[[DOT:.*]] = stablehlo.dot_general %[[X]], %{{.*}}
// CHECK-NEXT: %[[BIAS:.*]] = stablehlo.broadcast_in_dim
// CHECK-NEXT: %[[ADD:.*]] = stablehlo.add %[[DOT]], %[[BIAS]]
// CHECK-NEXT: %[[H:.*]] = stablehlo.custom_call @shloq.site(%[[ADD]]) {{.*}}shloq.op = "dense", shloq.site = 3 : i64}
// CHECK-NEXT: %[[DOT2:.*]] = stablehlo.dot_general %[[X]], %{{.*}}
// CHECK-NEXT: %[[ADD2:.*]] = stablehlo.add %[[DOT2]], %[[BIAS]]
// CHECK-NEXT: %[[RELU:.*]] = stablehlo.maximum %[[ADD2]]
// CHECK-NEXT: %[[OUT:.*]] = stablehlo.custom_call @shloq.site(%[[RELU]]) {{.*}}shloq.op = "dense", shloq.site = 4 : i64}
// CHECK-NEXT: return %[[OUT]], %[[H]]
func.func @main(%x: tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %w = stablehlo.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [1.0, -1.0, 0.5], [0.0, 1.0, 2.0]]> : tensor<4x3xf32>
  %b = stablehlo.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x3xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x3xf32>
  %3 = stablehlo.maximum %2, %zero : tensor<2x3xf32>
  return %3, %2 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----
// Two ReLUs and nothing else: the first gets a copy, the last reads the dense itself; no dense is left unfused.
// CHECK-LABEL: func.func @main
// CHECK-COUNT-2: stablehlo.dot_general
// CHECK-NOT: stablehlo.dot_general
// CHECK-NOT: shloq.op = "relu
// CHECK: return
func.func @main(%x: tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %w = stablehlo.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [1.0, -1.0, 0.5], [0.0, 1.0, 2.0]]> : tensor<4x3xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x3xf32>
  %six = stablehlo.constant dense<6.0> : tensor<2x3xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.maximum %0, %zero : tensor<2x3xf32>
  %2 = stablehlo.clamp %zero, %0, %six : tensor<2x3xf32>
  return %1, %2 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----
// A conv: one CONV_2D, then a RELU unit of its own on the returned conv output.
// CHECK-LABEL: func.func @main
// CHECK: %[[C:.*]] = stablehlo.convolution
// CHECK-NOT: stablehlo.convolution
// CHECK: %[[H:.*]] = stablehlo.custom_call @shloq.site(%[[C]]) {{.*}}shloq.op = "conv"
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[H]]
// CHECK-NEXT: stablehlo.custom_call @shloq.site(%[[R]]) {{.*}}shloq.op = "relu"
func.func @main(%x: tensor<1x3x3x1xf32>) -> (tensor<1x3x3x2xf32>, tensor<1x3x3x2xf32>) {
  %w = stablehlo.constant dense<[[[[1.0, -1.0]]]]> : tensor<1x1x1x2xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<1x3x3x2xf32>
  %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [1, 1]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x3x3x1xf32>, tensor<1x1x1x2xf32>) -> tensor<1x3x3x2xf32>
  %1 = stablehlo.maximum %0, %zero : tensor<1x3x3x2xf32>
  return %1, %0 : tensor<1x3x3x2xf32>, tensor<1x3x3x2xf32>
}
