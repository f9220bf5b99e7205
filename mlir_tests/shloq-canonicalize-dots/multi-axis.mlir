// DenseGeneral-style kernels. A [in, heads, dim] kernel becomes [in, heads*dim]: the bias add
// ([heads, dim], now a [heads*dim] vector) moves before the reshape to [.., heads, dim].
// RUN: shloq-opt -p shloq-canonicalize-dots --split-input-file %s | FileCheck %s

// CHECK-LABEL: func.func @split_output
// CHECK: %[[D:.*]] = stablehlo.dot_general %arg0, %{{.*}}, contracting_dims = [2] x [0] : (tensor<2x3x4xf32>, tensor<4x6xf32>) -> tensor<2x3x6xf32>
// CHECK: %[[B:.*]] = stablehlo.broadcast_in_dim %{{.*}}, dims = [2] : (tensor<6xf32>) -> tensor<2x3x6xf32>
// CHECK: %[[A:.*]] = stablehlo.add %[[D]], %[[B]] : tensor<2x3x6xf32>
// CHECK: %[[R:.*]] = stablehlo.reshape %[[A]] : (tensor<2x3x6xf32>) -> tensor<2x3x2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @split_output(%x: tensor<2x3x4xf32>) -> tensor<2x3x2x3xf32> {
  %w = stablehlo.constant dense<1.0> : tensor<4x2x3xf32>
  %b = stablehlo.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [2] x [0] : (tensor<2x3x4xf32>, tensor<4x2x3xf32>) -> tensor<2x3x2x3xf32>
  %1 = stablehlo.broadcast_in_dim %b, dims = [2, 3] : (tensor<2x3xf32>) -> tensor<2x3x2x3xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x3x2x3xf32>
  return %2 : tensor<2x3x2x3xf32>
}

// -----

// einsum('abcd,decf->abef'): contracting [2, 3] x [2, 0], which the converter pairs wrongly. The
// activation is reshaped to [a, b, c*d] and the kernel folded to [c*d, e*f] in that pairing.
// CHECK-LABEL: func.func @two_contracting_axes
// CHECK: %[[X:.*]] = stablehlo.reshape %arg0 : (tensor<1x2x3x4xf32>) -> tensor<1x2x12xf32>
// CHECK: %[[D:.*]] = stablehlo.dot_general %[[X]], %{{.*}}, contracting_dims = [2] x [0] : (tensor<1x2x12xf32>, tensor<12x10xf32>) -> tensor<1x2x10xf32>
// CHECK: stablehlo.reshape %[[D]] : (tensor<1x2x10xf32>) -> tensor<1x2x2x5xf32>
func.func @two_contracting_axes(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x2x5xf32> {
  %w = stablehlo.constant dense<1.0> : tensor<4x2x3x5xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [2, 3] x [2, 0] : (tensor<1x2x3x4xf32>, tensor<4x2x3x5xf32>) -> tensor<1x2x2x5xf32>
  return %0 : tensor<1x2x2x5xf32>
}
