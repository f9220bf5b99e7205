// An add after a dense whose static operand is built from iota (a mask varying along the channels only) is not part
// of the dense's bias chain, which holds only constant and parameter arithmetic (what shloq-fold-affine folds):
// the dense has its own output site and the mask add is an ADD unit with a constant.
// RUN: shloq-opt -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[D:.*]] = stablehlo.dot_general
// CHECK-NEXT: %[[DM:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {{.*}}shloq.op = "dense", shloq.site = 3 : i64}
// CHECK: %[[A:.*]] = stablehlo.add %[[DM]], %{{.*}}
// CHECK-NEXT: %[[AM:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {{.*}}shloq.op = "add", shloq.site = 4 : i64}
// CHECK-NEXT: return %[[AM]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [1.0, -1.0, 0.5], [0.0, 1.0, 2.0]]> : tensor<4x3xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<3xf32>
  %fill = stablehlo.constant dense<-1.0e4> : tensor<3xf32>
  %one = stablehlo.constant dense<1> : tensor<3xi32>
  %i = stablehlo.iota dim = 0 : tensor<3xi32>
  %keep = stablehlo.compare LT, %i, %one, SIGNED : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
  %mask = stablehlo.select %keep, %zero, %fill : tensor<3xi1>, tensor<3xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.broadcast_in_dim %mask, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}
