// A per-channel divide after an NCHW/OIHW conv scales the weight along its `o` axis (dim 0), with a zero bias.
// RUN: shloq-opt -p shloq-fold-affine %s | FileCheck %s

// w = [1, 2] along o, divided by [4, 5]: [0.25, 0.4].
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[W:.*]] = stablehlo.constant dense<{{\[\[\[\[}}2.500000e-01]]], {{\[\[\[}}4.000000e-01]]]]> : tensor<2x1x1x1xf32>
// CHECK-NEXT: %[[C:.*]] = stablehlo.convolution(%arg0, %[[W]]) dim_numbers = [b, f, 0, 1]x[o, i, 0, 1]->[b, f, 0, 1]
// CHECK-NEXT: %[[B:.*]] = stablehlo.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK-NEXT: %[[BB:.*]] = stablehlo.broadcast_in_dim %[[B]], dims = [1] : (tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[C]], %[[BB]]
// CHECK-NEXT: return %[[A]]
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = stablehlo.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %scale = stablehlo.constant dense<[4.0, 5.0]> : tensor<2xf32>
  %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, f, 0, 1]x[o, i, 0, 1]->[b, f, 0, 1], window = {stride = [1, 1]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %s = stablehlo.broadcast_in_dim %scale, dims = [1] : (tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %1 = stablehlo.divide %0, %s : tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}
