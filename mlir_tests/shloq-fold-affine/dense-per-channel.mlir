// dot_general with an [out, in] weight: k * dot then c - (...) folds into weight rows scaled by -k and a bias of c.
// RUN: shloq-opt -p shloq-fold-affine %s | FileCheck %s

// w rows [1,2], [3,4], [5,6] times -k = [-2, 1, -0.5]; bias = [1, 1, 1] (splat).
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[W:.*]] = stablehlo.constant dense<{{\[\[}}-2.000000e+00, -4.000000e+00], [3.000000e+00, 4.000000e+00], [-2.500000e+00, -3.000000e+00]]> : tensor<3x2xf32>
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %arg0, %[[W]], contracting_dims = [1] x [1]
// CHECK-NEXT: %[[B:.*]] = stablehlo.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[BB:.*]] = stablehlo.broadcast_in_dim %[[B]], dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[D]], %[[BB]]
// CHECK-NEXT: return %[[A]]
func.func @main(%x: tensor<2x2xf32>) -> tensor<2x3xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %k = stablehlo.constant dense<[2.0, -1.0, 0.5]> : tensor<3xf32>
  %c = stablehlo.constant dense<[1.0, 1.0, 1.0]> : tensor<3xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [1] : (tensor<2x2xf32>, tensor<3x2xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.broadcast_in_dim %k, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
  %2 = stablehlo.multiply %1, %0 : tensor<2x3xf32>
  %3 = stablehlo.broadcast_in_dim %c, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
  %4 = stablehlo.subtract %3, %2 : tensor<2x3xf32>
  return %4 : tensor<2x3xf32>
}
