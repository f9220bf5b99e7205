// An argument bound by its index name (argN) is removed from main and its uses read a constant of the bound value.
// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{'arg1': np.array([[1, 2], [3, 4]], np.float32)})"
// RUN: shloq-opt -p 'shloq-bind-params{file=%t.npz}' %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<2x2xf32>) -> tensor<2x2xf32> {
// CHECK-NEXT: %[[C:.*]] = stablehlo.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[C]] : tensor<2x2xf32>
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[M]], %[[C]] : tensor<2x2xf32>
// CHECK-NEXT: return %[[A]]
func.func @main(%x: tensor<2x2xf32>, %w: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = stablehlo.multiply %x, %w : tensor<2x2xf32>
  %1 = stablehlo.add %0, %w : tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}
