// Batch-norm statistics rsqrt(var + eps) * scale fold to one constant; its broadcast into an activation op is kept.
// RUN: shloq-opt -p shloq-fold-constants %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
// CHECK-NEXT: %[[C:.*]] = stablehlo.constant dense<[1.000000e+00, 4.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-NEXT: %[[B:.*]] = stablehlo.broadcast_in_dim %[[C]], dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[B]] : tensor<2x3xf32>
// CHECK-NEXT: return %[[M]]
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %var = stablehlo.constant dense<[3.0, 0.0, 15.0]> : tensor<3xf32>
  %eps = stablehlo.constant dense<1.0> : tensor<3xf32>
  %scale = stablehlo.constant dense<[2.0, 4.0, 8.0]> : tensor<3xf32>
  %0 = stablehlo.add %var, %eps : tensor<3xf32>
  %1 = stablehlo.rsqrt %0 : tensor<3xf32>
  %2 = stablehlo.multiply %1, %scale : tensor<3xf32>
  %3 = stablehlo.broadcast_in_dim %2, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
  %4 = stablehlo.multiply %x, %3 : tensor<2x3xf32>
  return %4 : tensor<2x3xf32>
}
