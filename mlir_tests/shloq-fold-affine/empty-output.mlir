// A dense with an empty output (a batch of 0) and a per-channel scale after it: nothing to fold, the pass
// leaves it as it is instead of reading a channel row that does not exist.
// RUN: shloq-opt -p shloq-fold-affine %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: stablehlo.dot_general
// CHECK: stablehlo.multiply
func.func @main(%x: tensor<0x2xf32>) -> tensor<0x2xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %k = stablehlo.constant dense<2.0> : tensor<0x2xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<0x2xf32>, tensor<2x2xf32>) -> tensor<0x2xf32>
  %1 = stablehlo.multiply %0, %k : tensor<0x2xf32>
  return %1 : tensor<0x2xf32>
}
