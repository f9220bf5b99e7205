// Sigmoid spelled 1 / (1 + exp(-x)) (as jax.nn.sigmoid exports) becomes stablehlo.logistic, and SiLU
// x * sigmoid(x) becomes x * logistic(x); the ops they replace are erased.
// RUN: shloq-opt --split-input-file -p shloq-recognize %s | FileCheck %s

// jax.nn.sigmoid.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[L:.*]] = stablehlo.logistic %arg0 : tensor<2x4xf32>
// CHECK-NEXT: return %[[L]] : tensor<2x4xf32>
// CHECK-NOT: func.func
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %one = stablehlo.constant dense<1.000000e+00> : tensor<f32>
  %0 = stablehlo.negate %x : tensor<2x4xf32>
  %1 = stablehlo.exponential %0 : tensor<2x4xf32>
  %2 = stablehlo.broadcast_in_dim %one, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %3 = stablehlo.add %2, %1 : tensor<2x4xf32>
  %4 = stablehlo.broadcast_in_dim %one, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %5 = stablehlo.divide %4, %3 : tensor<2x4xf32>
  return %5 : tensor<2x4xf32>
}

// -----
// jax.nn.silu.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[L:.*]] = stablehlo.logistic %arg0 : tensor<2x4xf32>
// CHECK-NEXT: %[[S:.*]] = stablehlo.multiply %arg0, %[[L]] : tensor<2x4xf32>
// CHECK-NEXT: return %[[S]] : tensor<2x4xf32>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %one = stablehlo.constant dense<1.000000e+00> : tensor<f32>
  %0 = stablehlo.negate %x : tensor<2x4xf32>
  %1 = stablehlo.exponential %0 : tensor<2x4xf32>
  %2 = stablehlo.broadcast_in_dim %one, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %3 = stablehlo.add %2, %1 : tensor<2x4xf32>
  %4 = stablehlo.broadcast_in_dim %one, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %5 = stablehlo.divide %4, %3 : tensor<2x4xf32>
  %6 = stablehlo.multiply %x, %5 : tensor<2x4xf32>
  return %6 : tensor<2x4xf32>
}

// -----
// Another spelling of the sigmoid, exp(x) / (exp(x) + 1), is recognised by its values all the same.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[L:.*]] = stablehlo.logistic %arg0 : tensor<2x4xf32>
// CHECK-NEXT: return %[[L]] : tensor<2x4xf32>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %one = stablehlo.constant dense<1.000000e+00> : tensor<2x4xf32>
  %0 = stablehlo.exponential %x : tensor<2x4xf32>
  %1 = stablehlo.add %0, %one : tensor<2x4xf32>
  %2 = stablehlo.divide %0, %1 : tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}

// -----
// A sigmoid whose intermediate exp(-x) is also returned is not a closed region: no logistic; its divide by an
// activation becomes a multiply by the reciprocal, as any.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
// CHECK-NOT: stablehlo.logistic
// CHECK: %[[N:.*]] = stablehlo.multiply %arg0
// CHECK-NEXT: %[[E:.*]] = stablehlo.exponential %[[N]]
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %{{.*}}, %[[E]]
// CHECK-NEXT: stablehlo.abs %[[A]]
// CHECK: stablehlo.multiply %[[A]],
// CHECK-NEXT: %[[D:.*]] = stablehlo.multiply
// CHECK-NEXT: return %[[D]], %[[E]]
func.func @main(%x: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %one = stablehlo.constant dense<1.000000e+00> : tensor<2x4xf32>
  %0 = stablehlo.negate %x : tensor<2x4xf32>
  %1 = stablehlo.exponential %0 : tensor<2x4xf32>
  %2 = stablehlo.add %one, %1 : tensor<2x4xf32>
  %3 = stablehlo.divide %one, %2 : tensor<2x4xf32>
  return %3, %1 : tensor<2x4xf32>, tensor<2x4xf32>
}
