// Leaky ReLU select(x >= 0, x, a * x) with a splat slope 0 < a < 1 becomes maximum(x, x * a); a ReLU, a slope
// outside (0, 1) and a per-channel slope (PReLU) are left alone.
// RUN: shloq-opt --split-input-file -p shloq-recognize %s | FileCheck %s

// jax.nn.leaky_relu (slope 0.01).
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[A:.*]] = stablehlo.constant dense<0.00999999977> : tensor<2x4xf32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[A]] : tensor<2x4xf32>
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %arg0, %[[M]] : tensor<2x4xf32>
// CHECK-NEXT: return %[[R]] : tensor<2x4xf32>
// CHECK-NOT: func.func
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %a = stablehlo.constant dense<0.00999999977> : tensor<f32>
  %zero = stablehlo.constant dense<0.000000e+00> : tensor<f32>
  %0 = stablehlo.broadcast_in_dim %zero, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %1 = stablehlo.compare GE, %x, %0, FLOAT : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xi1>
  %2 = stablehlo.broadcast_in_dim %a, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %3 = stablehlo.multiply %2, %x : tensor<2x4xf32>
  %4 = stablehlo.select %1, %x, %3 : tensor<2x4xi1>, tensor<2x4xf32>
  return %4 : tensor<2x4xf32>
}

// -----
// Slope 0.2, written as x > 0 ? x : 0.2 * x: the fitted slope is 0.2.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[A:.*]] = stablehlo.constant dense<2.000000e-01> : tensor<2x4xf32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[A]] : tensor<2x4xf32>
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %arg0, %[[M]] : tensor<2x4xf32>
// CHECK-NEXT: return %[[R]] : tensor<2x4xf32>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %a = stablehlo.constant dense<0.2> : tensor<2x4xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %0 = stablehlo.compare GT, %x, %zero, FLOAT : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xi1>
  %1 = stablehlo.multiply %x, %a : tensor<2x4xf32>
  %2 = stablehlo.select %0, %x, %1 : tensor<2x4xi1>, tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}

// -----
// A ReLU, maximum(x, 0), is no leaky ReLU (slope 0): unchanged.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[Z:.*]] = stablehlo.constant dense<0.000000e+00> : tensor<2x4xf32>
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %arg0, %[[Z]] : tensor<2x4xf32>
// CHECK-NEXT: return %[[R]] : tensor<2x4xf32>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %0 = stablehlo.maximum %x, %zero : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----
// Slope 2 is outside (0, 1): the select stays.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK: %[[C:.*]] = stablehlo.compare GE, %arg0
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0
// CHECK-NEXT: %[[S:.*]] = stablehlo.select %[[C]], %arg0, %[[M]]
// CHECK-NEXT: return %[[S]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %a = stablehlo.constant dense<2.0> : tensor<2x4xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %0 = stablehlo.compare GE, %x, %zero, FLOAT : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xi1>
  %1 = stablehlo.multiply %x, %a : tensor<2x4xf32>
  %2 = stablehlo.select %0, %x, %1 : tensor<2x4xi1>, tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}

// -----
// A per-channel slope (PReLU) is not a function of one scalar: the select stays.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NOT: stablehlo.maximum
// CHECK: %[[S:.*]] = stablehlo.select
// CHECK-NEXT: return %[[S]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %a = stablehlo.constant dense<[[0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]]> : tensor<2x4xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %0 = stablehlo.compare GE, %x, %zero, FLOAT : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xi1>
  %1 = stablehlo.multiply %x, %a : tensor<2x4xf32>
  %2 = stablehlo.select %0, %x, %1 : tensor<2x4xi1>, tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}
