// A contraction whose weights are all zero, as given or after folding a zero scale (batch-norm with gamma 0), is its
// bias alone: the chain becomes that constant, in full shape, and what is computed from it alone folds too.
// RUN: shloq-opt --split-input-file -p shloq-fold-affine %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<2x2xf32>) -> tensor<2x3xf32> {
// CHECK-NEXT: %[[B:.*]] = stablehlo.constant dense<{{\[\[}}5.000000e-01, -5.000000e-01, 1.000000e+00], [5.000000e-01, -5.000000e-01, 1.000000e+00]]> : tensor<2x3xf32>
// CHECK-NEXT: return %[[B]]
func.func @main(%x: tensor<2x2xf32>) -> tensor<2x3xf32> {
  %w = stablehlo.constant dense<0.0> : tensor<2x3xf32>
  %b = stablehlo.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----
// (x @ w) * 0 + c: the scale folds the weights to zero, leaving c; the ReLU and the dense after it fold as well.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[C:.*]] = stablehlo.constant dense<{{\[\[}}3.000000e+00, 0.000000e+00], [3.000000e+00, 0.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @main(%x: tensor<2x1xf32>) -> tensor<2x2xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %k = stablehlo.constant dense<0.0> : tensor<2x2xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x2xf32>
  %c = stablehlo.constant dense<[[1.0, -2.0], [1.0, -2.0]]> : tensor<2x2xf32>
  %w2 = stablehlo.constant dense<[[3.0, 0.0], [1.0, 1.0]]> : tensor<2x2xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x1xf32>, tensor<1x2xf32>) -> tensor<2x2xf32>
  %1 = stablehlo.multiply %0, %k : tensor<2x2xf32>
  %2 = stablehlo.add %1, %c : tensor<2x2xf32>
  %3 = stablehlo.maximum %2, %zero : tensor<2x2xf32>
  %4 = stablehlo.dot_general %3, %w2, contracting_dims = [1] x [0] : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %4 : tensor<2x2xf32>
}

// -----
// A zero conv without a bias is zero; its other reader, an add with an activation, stays.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[Z:.*]] = stablehlo.constant dense<0.000000e+00> : tensor<1x3x3x2xf32>
// CHECK-NEXT: %[[S:.*]] = stablehlo.add %arg0, %[[Z]]
// CHECK-NEXT: return %[[Z]], %[[S]]
func.func @main(%x: tensor<1x3x3x2xf32>) -> (tensor<1x3x3x2xf32>, tensor<1x3x3x2xf32>) {
  %w = stablehlo.constant dense<0.0> : tensor<1x1x2x2xf32>
  %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [1, 1]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x3x3x2xf32>
  %1 = stablehlo.add %x, %0 : tensor<1x3x3x2xf32>
  return %0, %1 : tensor<1x3x3x2xf32>, tensor<1x3x3x2xf32>
}
