// Elementwise chains that are none of the catalogue's activation functions are left as they are; in a chain of two
// inputs only a one-input part that is such a function is rewritten.
// RUN: shloq-opt --split-input-file -p shloq-recognize %s | FileCheck %s

// x * x + 1 is no activation function.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[C:.*]] = stablehlo.constant dense<1.000000e+00> : tensor<2x4xf32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %arg0 : tensor<2x4xf32>
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[M]], %[[C]] : tensor<2x4xf32>
// CHECK-NEXT: return %[[A]] : tensor<2x4xf32>
// CHECK-NOT: func.func
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %one = stablehlo.constant dense<1.0> : tensor<2x4xf32>
  %0 = stablehlo.multiply %x, %x : tensor<2x4xf32>
  %1 = stablehlo.add %0, %one : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----
// Softplus log(1 + exp(x)) and a lone tanh are not in the catalogue either.
// CHECK-LABEL: func.func @main
// CHECK: %[[E:.*]] = stablehlo.exponential %arg0
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[E]], %{{.*}}
// CHECK-NEXT: %[[L:.*]] = stablehlo.log %[[A]]
// CHECK-NEXT: %[[T:.*]] = stablehlo.tanh %[[L]]
// CHECK-NEXT: return %[[T]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %one = stablehlo.constant dense<1.0> : tensor<2x4xf32>
  %0 = stablehlo.exponential %x : tensor<2x4xf32>
  %1 = stablehlo.add %0, %one : tensor<2x4xf32>
  %2 = stablehlo.log %1 : tensor<2x4xf32>
  %3 = stablehlo.tanh %2 : tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}

// -----
// A chain of two inputs, x * sigmoid(y) (a gated unit): only its one-input part, the sigmoid of y, is rewritten.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[L:.*]] = stablehlo.logistic %arg1
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[L]]
// CHECK-NEXT: return %[[M]]
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %one = stablehlo.constant dense<1.0> : tensor<2x4xf32>
  %0 = stablehlo.negate %y : tensor<2x4xf32>
  %1 = stablehlo.exponential %0 : tensor<2x4xf32>
  %2 = stablehlo.add %one, %1 : tensor<2x4xf32>
  %3 = stablehlo.divide %one, %2 : tensor<2x4xf32>
  %4 = stablehlo.multiply %x, %3 : tensor<2x4xf32>
  return %4 : tensor<2x4xf32>
}
