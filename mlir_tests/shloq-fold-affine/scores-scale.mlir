// Attention's 1/sqrt(d): a scalar multiply (or divide) after the product of two activations moves
// up, through reshapes and transposes, to the dense computing the first operand (the query) and
// folds into its weights and bias; no multiply is left on the scores. Not into one slice of a fused dense.
// RUN: shloq-opt -p shloq-fold-affine --split-input-file %s | FileCheck %s

// Separate query dense with a bias, reshaped to heads; the scale multiplies the scores.
// CHECK-LABEL: func.func @query_dense
// CHECK: %[[W:.*]] = stablehlo.constant dense<{{\[\[}}5.000000e-01, 1.000000e+00], [1.500000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[Q:.*]] = stablehlo.dot_general %arg0, %[[W]]
// CHECK: stablehlo.constant dense<[5.000000e-01, -5.000000e-01]> : tensor<2xf32>
// CHECK: %[[QB:.*]] = stablehlo.add %[[Q]]
// CHECK: %[[R:.*]] = stablehlo.reshape %[[QB]]
// CHECK: %[[S:.*]] = stablehlo.dot_general %[[R]], %arg1
// CHECK-NOT: stablehlo.multiply
// CHECK: return %[[S]]
func.func @query_dense(%x: tensor<3x2xf32>, %k: tensor<3x1x5xf32>) -> tensor<3x2x5xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = stablehlo.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %c = stablehlo.constant dense<0.5> : tensor<3x2x5xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %1 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<2xf32>) -> tensor<3x2xf32>
  %2 = stablehlo.add %0, %1 : tensor<3x2xf32>
  %3 = stablehlo.reshape %2 : (tensor<3x2xf32>) -> tensor<3x2x1xf32>
  %4 = stablehlo.dot_general %3, %k, batching_dims = [0] x [0], contracting_dims = [2] x [1] : (tensor<3x2x1xf32>, tensor<3x1x5xf32>) -> tensor<3x2x5xf32>
  %5 = stablehlo.multiply %4, %c : tensor<3x2x5xf32>
  return %5 : tensor<3x2x5xf32>
}

// -----

// A fused QKV dense sliced in two: the query shares the dense's scale with the key, so the divide stays.
// CHECK-LABEL: func.func @fused_qkv
// CHECK: %[[S:.*]] = stablehlo.dot_general %{{.*}}, %{{.*}}, contracting_dims = [1] x [1]
// CHECK: stablehlo.divide %[[S]]
func.func @fused_qkv(%x: tensor<3x1xf32>) -> tensor<3x3xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %c = stablehlo.constant dense<2.0> : tensor<3x3xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<3x1xf32>, tensor<1x2xf32>) -> tensor<3x2xf32>
  %q = stablehlo.slice %0 [0:3, 0:1] : (tensor<3x2xf32>) -> tensor<3x1xf32>
  %k = stablehlo.slice %0 [0:3, 1:2] : (tensor<3x2xf32>) -> tensor<3x1xf32>
  %1 = stablehlo.dot_general %q, %k, contracting_dims = [1] x [1] : (tensor<3x1xf32>, tensor<3x1xf32>) -> tensor<3x3xf32>
  %2 = stablehlo.divide %1, %c : tensor<3x3xf32>
  return %2 : tensor<3x3xf32>
}

// -----

// No dense behind either operand, or a scores value read twice: the multiply stays.
// CHECK-LABEL: func.func @no_dense
// CHECK: %[[S:.*]] = stablehlo.dot_general %arg0, %arg1
// CHECK: stablehlo.multiply %[[S]]
func.func @no_dense(%q: tensor<3x2xf32>, %k: tensor<5x2xf32>) -> tensor<3x5xf32> {
  %c = stablehlo.constant dense<0.5> : tensor<3x5xf32>
  %0 = stablehlo.dot_general %q, %k, contracting_dims = [1] x [1] : (tensor<3x2xf32>, tensor<5x2xf32>) -> tensor<3x5xf32>
  %1 = stablehlo.multiply %0, %c : tensor<3x5xf32>
  return %1 : tensor<3x5xf32>
}

// -----

// CHECK-LABEL: func.func @scores_reused
// CHECK: %[[S:.*]] = stablehlo.dot_general %{{.*}}, %arg1
// CHECK: stablehlo.multiply %[[S]]
func.func @scores_reused(%x: tensor<3x2xf32>, %k: tensor<5x2xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>) {
  %w = stablehlo.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %c = stablehlo.constant dense<0.5> : tensor<3x5xf32>
  %q = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %0 = stablehlo.dot_general %q, %k, contracting_dims = [1] x [1] : (tensor<3x2xf32>, tensor<5x2xf32>) -> tensor<3x5xf32>
  %1 = stablehlo.multiply %0, %c : tensor<3x5xf32>
  return %1, %0 : tensor<3x5xf32>, tensor<3x5xf32>
}
