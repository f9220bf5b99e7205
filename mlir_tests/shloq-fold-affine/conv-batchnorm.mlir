// conv -> subtract mean -> multiply scale -> add beta becomes conv with weight w*scale and one bias add of beta - mean*scale.
// RUN: shloq-opt -p shloq-fold-affine --mlir-print-debuginfo %s | FileCheck %s

// w = [1, 2], mean = [1, 2], scale = [2, 0.5], beta = [3, -1]:
// new weight = [1*2, 2*0.5] = [2, 1]; bias = [3 - 1*2, -1 - 2*0.5] = [1, -2].
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[W:.*]] = stablehlo.constant dense<{{\[\[\[\[}}2.000000e+00, 1.000000e+00]]]]> : tensor<1x1x1x2xf32> loc(#[[KLOC:loc[0-9]*]])
// CHECK-NEXT: %[[C:.*]] = stablehlo.convolution(%arg0, %[[W]]) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]
// CHECK-NEXT: %[[B:.*]] = stablehlo.constant dense<[1.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: %[[BB:.*]] = stablehlo.broadcast_in_dim %[[B]], dims = [3] : (tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[C]], %[[BB]] : tensor<1x2x2x2xf32>
// CHECK-NEXT: return %[[A]]
// CHECK-NOT: stablehlo.subtract
// CHECK-NOT: stablehlo.multiply
// CHECK: #[[KLOC]] = loc("params/conv/kernel")
func.func @main(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = stablehlo.constant dense<[[[[1.0, 2.0]]]]> : tensor<1x1x1x2xf32> loc("params/conv/kernel")
  %mean = stablehlo.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %scale = stablehlo.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %beta = stablehlo.constant dense<[3.0, -1.0]> : tensor<2xf32>
  %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [1, 1]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x2x2x1xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  %m = stablehlo.broadcast_in_dim %mean, dims = [3] : (tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %1 = stablehlo.subtract %0, %m : tensor<1x2x2x2xf32>
  %s = stablehlo.broadcast_in_dim %scale, dims = [3] : (tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %2 = stablehlo.multiply %1, %s : tensor<1x2x2x2xf32>
  %b = stablehlo.broadcast_in_dim %beta, dims = [3] : (tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %3 = stablehlo.add %2, %b : tensor<1x2x2x2xf32>
  return %3 : tensor<1x2x2x2xf32>
}
