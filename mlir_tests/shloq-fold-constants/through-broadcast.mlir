// An op on broadcast constants folds to a full-size constant (the broadcasts then die); ops on arguments are untouched.
// RUN: shloq-opt -p shloq-fold-constants %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<2x2xf32>) -> tensor<2x2xf32> {
// CHECK-NEXT: %[[C:.*]] = stablehlo.constant dense<{{\[\[}}1.100000e+01, 2.100000e+01], [1.200000e+01, 2.200000e+01]]> : tensor<2x2xf32>
// CHECK-NEXT: %[[N:.*]] = stablehlo.negate %arg0 : tensor<2x2xf32>
// CHECK-NEXT: %[[S:.*]] = stablehlo.subtract %[[N]], %[[C]] : tensor<2x2xf32>
// CHECK-NEXT: return %[[S]]
// CHECK-NOT: broadcast_in_dim
func.func @main(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %a = stablehlo.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = stablehlo.constant dense<[10.0, 20.0]> : tensor<2xf32>
  %0 = stablehlo.broadcast_in_dim %a, dims = [0] : (tensor<2xf32>) -> tensor<2x2xf32>
  %1 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<2xf32>) -> tensor<2x2xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x2xf32>
  %3 = stablehlo.negate %x : tensor<2x2xf32>
  %4 = stablehlo.subtract %3, %2 : tensor<2x2xf32>
  return %4 : tensor<2x2xf32>
}
