// Two activations: batch or contracting dimensions listed out of order on an operand get that
// operand transposed to [batch, free, contracting] (rhs: [batch, contracting, free]); dimensions
// already in ascending order are left alone.
// RUN: shloq-opt -p shloq-canonicalize-dots --split-input-file %s | FileCheck %s

// CHECK-LABEL: func.func @reordered
// CHECK: %[[L:.*]] = stablehlo.transpose %arg0, dims = [0, 3, 1, 2] : (tensor<2x3x4x5xf32>) -> tensor<2x5x3x4xf32>
// CHECK: %[[R:.*]] = stablehlo.transpose %arg1, dims = [0, 2, 1, 3] : (tensor<2x4x3x6xf32>) -> tensor<2x3x4x6xf32>
// CHECK: stablehlo.dot_general %[[L]], %[[R]], batching_dims = [0] x [0], contracting_dims = [2, 3] x [1, 2] : (tensor<2x5x3x4xf32>, tensor<2x3x4x6xf32>) -> tensor<2x5x6xf32>
func.func @reordered(%x: tensor<2x3x4x5xf32>, %y: tensor<2x4x3x6xf32>) -> tensor<2x5x6xf32> {
  %0 = stablehlo.dot_general %x, %y, batching_dims = [0] x [0], contracting_dims = [1, 2] x [2, 1] : (tensor<2x3x4x5xf32>, tensor<2x4x3x6xf32>) -> tensor<2x5x6xf32>
  return %0 : tensor<2x5x6xf32>
}

// -----

// CHECK-LABEL: func.func @ascending
// CHECK-NOT: stablehlo.transpose
// CHECK: stablehlo.dot_general %arg0, %arg1, batching_dims = [0, 2] x [0, 2], contracting_dims = [3] x [3]
func.func @ascending(%q: tensor<2x5x3x4xf32>, %k: tensor<2x6x3x4xf32>) -> tensor<2x3x5x6xf32> {
  %0 = stablehlo.dot_general %q, %k, batching_dims = [0, 2] x [0, 2], contracting_dims = [3] x [3] : (tensor<2x5x3x4xf32>, tensor<2x6x3x4xf32>) -> tensor<2x3x5x6xf32>
  return %0 : tensor<2x3x5x6xf32>
}
