// A softmax input (shloq.softmax_axis) also gets `floor`: the lowest row maximum, less 8 + ln(row length), over the
// rows that are not constant. A constant row (every score masked, a padding query's under a query-and-key mask)
// gives the uniform distribution whatever its value; its maximum, the fill, would otherwise be the floor.
// RUN: shloq-opt -p shloq-instrument %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-SAME: shloq.stat = "floor"
// CHECK: %[[ROWMAX:.*]] = stablehlo.reduce(%[[F:.*]] init: %{{.*}}) applies stablehlo.maximum across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
// CHECK: %[[ROWMIN:.*]] = stablehlo.reduce(%[[F]] init: %{{.*}}) applies stablehlo.minimum across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
// CHECK-NEXT: %[[VARIES:.*]] = stablehlo.compare LT, %[[ROWMIN]], %[[ROWMAX]]
// CHECK-NEXT: %[[INF:.*]] = stablehlo.constant dense<0x7F800000> : tensor<2xf32>
// CHECK-NEXT: %[[KEPT:.*]] = stablehlo.select %[[VARIES]], %[[ROWMAX]], %[[INF]]
// CHECK: %[[LOWEST:.*]] = stablehlo.reduce(%[[KEPT]] init: %{{.*}}) applies stablehlo.minimum across dimensions = [0]
// CHECK: stablehlo.subtract %[[LOWEST]], %{{.*}} : tensor<f32>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.softmax_axis = 4 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
