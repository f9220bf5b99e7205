// An NCHW conv (OIHW kernel) with a per-channel bias, ReLU and a 2x2 max pool over the last two
// axes: the conv and the pool run NHWC, the kernel folds into HWIO keeping its location, and the
// transposes between them cancel: one at the input, one at the output.
// RUN: shloq-opt -p shloq-layout --mlir-print-debuginfo %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.transpose %arg0, dims = [0, 2, 3, 1] : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
// CHECK: %[[K:.*]] = stablehlo.constant {{.*}} : tensor<1x1x2x3xf32> loc(#[[KLOC:loc[0-9]*]])
// CHECK: %[[C:.*]] = stablehlo.convolution(%[[X]], %[[K]]) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]
// CHECK-SAME: -> tensor<1x4x4x3xf32>
// CHECK: %[[B:.*]] = stablehlo.broadcast_in_dim %{{.*}}, dims = [3] : (tensor<3xf32>) -> tensor<1x4x4x3xf32>
// CHECK: %[[A:.*]] = stablehlo.add %[[C]], %[[B]] : tensor<1x4x4x3xf32>
// CHECK: %[[R:.*]] = stablehlo.maximum %[[A]], %{{.*}} : tensor<1x4x4x3xf32>
// CHECK: %[[P:.*]] = "stablehlo.reduce_window"(%[[R]], %{{.*}}) <{window_dimensions = array<i64: 1, 2, 2, 1>, window_strides = array<i64: 1, 2, 2, 1>}>
// CHECK: -> tensor<1x2x2x3xf32>
// CHECK: %[[T:.*]] = stablehlo.transpose %[[P]], dims = [0, 3, 1, 2] : (tensor<1x2x2x3xf32>) -> tensor<1x3x2x2xf32>
// CHECK-NEXT: return %[[T]]
// CHECK: #[[KLOC]] = loc("['conv']['weight']")
func.func @main(%x: tensor<1x2x4x4xf32>) -> tensor<1x3x2x2xf32> {
  %w = stablehlo.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]], [[[5.0]], [[6.0]]]]> : tensor<3x2x1x1xf32> loc("['conv']['weight']")
  %b = stablehlo.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<1x3x4x4xf32>
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, f, 0, 1]x[o, i, 0, 1]->[b, f, 0, 1], window = {stride = [1, 1]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32>
  %1 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %2 = stablehlo.add %0, %1 : tensor<1x3x4x4xf32>
  %3 = stablehlo.maximum %2, %zero : tensor<1x3x4x4xf32>
  %4 = "stablehlo.reduce_window"(%3, %ninf) <{window_dimensions = array<i64: 1, 1, 2, 2>, window_strides = array<i64: 1, 1, 2, 2>}> ({
  ^bb0(%a: tensor<f32>, %c: tensor<f32>):
    %m = stablehlo.maximum %a, %c : tensor<f32>
    stablehlo.return %m : tensor<f32>
  }) : (tensor<1x3x4x4xf32>, tensor<f32>) -> tensor<1x3x2x2xf32>
  return %4 : tensor<1x3x2x2xf32>
}
