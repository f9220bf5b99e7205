// A softmax over a dimension other than the last is no LiteRT SOFTMAX: no fixed-scale unit; its ops are quantized
// one by one (REDUCE_MAX, SUB, EXP, SUM, DIV) and its input carries no shloq.softmax_axis.
// RUN: shloq-opt --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s
// CHECK-LABEL: func.func @main
// CHECK-NOT: shloq.kind = "fixed"
// CHECK-NOT: shloq.softmax_axis
// CHECK: stablehlo.reduce({{.*}}) applies stablehlo.maximum
// CHECK-NEXT: stablehlo.custom_call @shloq.site({{.*}}shloq.op = "reduce_max", shloq.site = 0 : i64}
// CHECK: stablehlo.subtract
// CHECK-NEXT: stablehlo.custom_call @shloq.site({{.*}}shloq.op = "subtract", shloq.site = 1 : i64}
// CHECK-NEXT: stablehlo.exponential
// CHECK-NEXT: stablehlo.custom_call @shloq.site({{.*}}shloq.op = "exp", shloq.site = 2 : i64}
// CHECK-NEXT: stablehlo.reduce({{.*}}) applies stablehlo.add
// CHECK-NEXT: stablehlo.custom_call @shloq.site({{.*}}shloq.op = "sum", shloq.site = 3 : i64}
// CHECK: %[[D:.*]] = stablehlo.divide
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {{{.*}}shloq.kind = "activation", shloq.op = "divide", shloq.site = 4 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %0 = stablehlo.reduce(%x init: %ninf) applies stablehlo.maximum across dimensions = [0] : (tensor<3x4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = stablehlo.broadcast_in_dim %0, dims = [1] : (tensor<4xf32>) -> tensor<3x4xf32>
  %2 = stablehlo.subtract %x, %1 : tensor<3x4xf32>
  %3 = stablehlo.exponential %2 : tensor<3x4xf32>
  %4 = stablehlo.reduce(%3 init: %zero) applies stablehlo.add across dimensions = [0] : (tensor<3x4xf32>, tensor<f32>) -> tensor<4xf32>
  %5 = stablehlo.broadcast_in_dim %4, dims = [1] : (tensor<4xf32>) -> tensor<3x4xf32>
  %6 = stablehlo.divide %3, %5 : tensor<3x4xf32>
  return %6 : tensor<3x4xf32>
}
