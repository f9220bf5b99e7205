// reduce-add followed by a divide by the reduced element count is a mean unit with its own output site.
// RUN: shloq-opt -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[R:.*]] = stablehlo.reduce(%[[X]] init: %{{.*}}) applies stablehlo.add across dimensions = [1, 2]
// CHECK-NEXT: %[[D:.*]] = stablehlo.divide %[[R]], %{{.*}}
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "mean", shloq.site = 1 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<2x3x4xf32>) -> tensor<2xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %n = stablehlo.constant dense<12.0> : tensor<2xf32>
  %0 = stablehlo.reduce(%x init: %zero) applies stablehlo.add across dimensions = [1, 2] : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = stablehlo.divide %0, %n : tensor<2xf32>
  return %1 : tensor<2xf32>
}
