// A dot of two activations whose rhs is a softmax output (JAX's einsum('bhqk,bkhd->bqhd') emits
// `V x P`) gets its operands swapped, the result transposed back, so P (zero point -128) is the
// first BATCH_MATMUL operand and V, which shloq-mark-sites makes symmetric, the second: XNNPACK
// runs int8 BATCH_MATMUL only then. A softmax lhs, or two plain activations, keep their order.
// RUN: shloq-opt -p shloq-canonicalize-dots --split-input-file %s | FileCheck %s

// CHECK-LABEL: func.func @softmax_rhs
// CHECK: %[[P:.*]] = stablehlo.divide
// CHECK: %[[D:.*]] = stablehlo.dot_general %[[P]], %arg1, batching_dims = [0, 1] x [0, 2], contracting_dims = [3] x [1] : (tensor<2x3x4x4xf32>, tensor<2x4x3x5xf32>) -> tensor<2x3x4x5xf32>
// CHECK: %[[T:.*]] = stablehlo.transpose %[[D]], dims = [0, 1, 3, 2] : (tensor<2x3x4x5xf32>) -> tensor<2x3x5x4xf32>
// CHECK: return %[[T]]
func.func @softmax_rhs(%s: tensor<2x3x4x4xf32>, %v: tensor<2x4x3x5xf32>) -> tensor<2x3x5x4xf32> {
  %cst = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %cst0 = stablehlo.constant dense<0.0> : tensor<f32>
  %m = stablehlo.reduce(%s init: %cst) applies stablehlo.maximum across dimensions = [3] : (tensor<2x3x4x4xf32>, tensor<f32>) -> tensor<2x3x4xf32>
  %mb = stablehlo.broadcast_in_dim %m, dims = [0, 1, 2] : (tensor<2x3x4xf32>) -> tensor<2x3x4x4xf32>
  %d = stablehlo.subtract %s, %mb : tensor<2x3x4x4xf32>
  %e = stablehlo.exponential %d : tensor<2x3x4x4xf32>
  %t = stablehlo.reduce(%e init: %cst0) applies stablehlo.add across dimensions = [3] : (tensor<2x3x4x4xf32>, tensor<f32>) -> tensor<2x3x4xf32>
  %tb = stablehlo.broadcast_in_dim %t, dims = [0, 1, 2] : (tensor<2x3x4xf32>) -> tensor<2x3x4x4xf32>
  %p = stablehlo.divide %e, %tb : tensor<2x3x4x4xf32>
  %0 = stablehlo.dot_general %v, %p, batching_dims = [0, 2] x [0, 1], contracting_dims = [1] x [3] : (tensor<2x4x3x5xf32>, tensor<2x3x4x4xf32>) -> tensor<2x3x5x4xf32>
  return %0 : tensor<2x3x5x4xf32>
}

// -----

// CHECK-LABEL: func.func @logistic_lhs
// CHECK: %[[G:.*]] = stablehlo.logistic %arg0
// CHECK-NOT: stablehlo.transpose
// CHECK: stablehlo.dot_general %[[G]], %arg1, contracting_dims = [1] x [0]
func.func @logistic_lhs(%x: tensor<3x4xf32>, %y: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %g = stablehlo.logistic %x : tensor<3x4xf32>
  %0 = stablehlo.dot_general %g, %y, contracting_dims = [1] x [0] : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// CHECK-LABEL: func.func @logistic_rhs
// CHECK: %[[G:.*]] = stablehlo.logistic %arg1
// CHECK: %[[D:.*]] = stablehlo.dot_general %[[G]], %arg0, contracting_dims = [0] x [1] : (tensor<4x5xf32>, tensor<3x4xf32>) -> tensor<5x3xf32>
// CHECK: stablehlo.transpose %[[D]], dims = [1, 0]
func.func @logistic_rhs(%x: tensor<3x4xf32>, %y: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %g = stablehlo.logistic %y : tensor<4x5xf32>
  %0 = stablehlo.dot_general %x, %g, contracting_dims = [1] x [0] : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}
