// A mean with keepdims (reduce, a broadcast that inserts the unit dim, divide) is one mean unit.
// RUN: shloq-opt -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0)
// CHECK-NEXT: %[[R:.*]] = stablehlo.reduce(%[[X]]
// CHECK-NEXT: %[[K:.*]] = stablehlo.broadcast_in_dim %[[R]]
// CHECK-NOT: @shloq.site
// CHECK: %[[D:.*]] = stablehlo.divide %[[K]]
// CHECK-NEXT: stablehlo.custom_call @shloq.site(%[[D]]) {{{.*}}shloq.op = "mean", shloq.site = 1 : i64}
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %0 = stablehlo.reduce(%x init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<2x3xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = stablehlo.broadcast_in_dim %0, dims = [0] : (tensor<2xf32>) -> tensor<2x1xf32>
  %n = stablehlo.constant dense<3.0> : tensor<2x1xf32>
  %2 = stablehlo.divide %1, %n : tensor<2x1xf32>
  return %2 : tensor<2x1xf32>
}
