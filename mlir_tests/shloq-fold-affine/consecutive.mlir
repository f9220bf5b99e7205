// Two dense layers in a row, each with a per-channel scale and shift: both fold (the first fold's new ops are
// activations, so the second dense still has an activation input and a constant weight).
// RUN: shloq-opt -p shloq-fold-affine %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NOT: stablehlo.multiply
// CHECK: %[[D1:.*]] = stablehlo.dot_general %arg0
// CHECK: %[[A1:.*]] = stablehlo.add %[[D1]]
// CHECK: %[[D2:.*]] = stablehlo.dot_general %[[A1]]
// CHECK: %[[A2:.*]] = stablehlo.add %[[D2]]
// CHECK-NOT: stablehlo.multiply
// CHECK: return %[[A2]]
func.func @main(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %k = stablehlo.constant dense<[[2.0, 0.5], [2.0, 0.5]]> : tensor<2x2xf32>
  %c = stablehlo.constant dense<[[1.0, -1.0], [1.0, -1.0]]> : tensor<2x2xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %1 = stablehlo.multiply %0, %k : tensor<2x2xf32>
  %2 = stablehlo.add %1, %c : tensor<2x2xf32>
  %3 = stablehlo.dot_general %2, %w, contracting_dims = [1] x [0] : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %4 = stablehlo.multiply %3, %k : tensor<2x2xf32>
  %5 = stablehlo.add %4, %c : tensor<2x2xf32>
  return %5 : tensor<2x2xf32>
}
