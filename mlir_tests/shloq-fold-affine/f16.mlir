// In an f16 model the folded weight and the new bias are f16, like the contraction they feed.
// RUN: shloq-opt -p shloq-fold-affine %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[W:.*]] = stablehlo.constant dense<{{\[\[}}2.000000e+00, 6.000000e+00, 1.200000e+01], [8.000000e+00, 1.500000e+01, 2.400000e+01]]> : tensor<2x3xf16>
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %arg0, %[[W]]
// CHECK-NEXT: %[[B:.*]] = stablehlo.constant dense<1.000000e+00> : tensor<3xf16>
// CHECK-NEXT: %[[BB:.*]] = stablehlo.broadcast_in_dim %[[B]], dims = [1] : (tensor<3xf16>) -> tensor<2x3xf16>
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[D]], %[[BB]] : tensor<2x3xf16>
// CHECK-NEXT: return %[[A]]
func.func @main(%x: tensor<2x2xf16>) -> tensor<2x3xf16> {
  %w = stablehlo.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf16>
  %k = stablehlo.constant dense<[2.0, 3.0, 4.0]> : tensor<3xf16>
  %one = stablehlo.constant dense<1.0> : tensor<2x3xf16>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x2xf16>, tensor<2x3xf16>) -> tensor<2x3xf16>
  %1 = stablehlo.broadcast_in_dim %k, dims = [1] : (tensor<3xf16>) -> tensor<2x3xf16>
  %2 = stablehlo.multiply %0, %1 : tensor<2x3xf16>
  %3 = stablehlo.add %2, %one : tensor<2x3xf16>
  return %3 : tensor<2x3xf16>
}
