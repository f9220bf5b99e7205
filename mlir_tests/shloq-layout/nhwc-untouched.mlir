// NHWC convs and pools are left as they are; so is a pool over the channel axis, which no LiteRT
// kernel computes in either layout.
// RUN: shloq-opt -p shloq-layout %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NOT: stablehlo.transpose
// CHECK: stablehlo.convolution(%arg0, %{{.*}}) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]
// CHECK: window_dimensions = array<i64: 1, 2, 2, 1>
// CHECK: window_dimensions = array<i64: 1, 1, 1, 2>
// CHECK-NOT: stablehlo.transpose
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x1xf32> {
  %w = stablehlo.constant dense<1.0> : tensor<1x1x2x2xf32>
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [1, 1]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x4x4x2xf32>
  %1 = "stablehlo.reduce_window"(%0, %ninf) <{window_dimensions = array<i64: 1, 2, 2, 1>, window_strides = array<i64: 1, 2, 2, 1>}> ({
  ^bb0(%a: tensor<f32>, %c: tensor<f32>):
    %m = stablehlo.maximum %a, %c : tensor<f32>
    stablehlo.return %m : tensor<f32>
  }) : (tensor<1x4x4x2xf32>, tensor<f32>) -> tensor<1x2x2x2xf32>
  %2 = "stablehlo.reduce_window"(%1, %ninf) <{window_dimensions = array<i64: 1, 1, 1, 2>, window_strides = array<i64: 1, 1, 1, 2>}> ({
  ^bb0(%a: tensor<f32>, %c: tensor<f32>):
    %m = stablehlo.maximum %a, %c : tensor<f32>
    stablehlo.return %m : tensor<f32>
  }) : (tensor<1x2x2x2xf32>, tensor<f32>) -> tensor<1x2x2x1xf32>
  return %2 : tensor<1x2x2x1xf32>
}
