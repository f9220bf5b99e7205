// A reduce-add divided by anything but the element count is not a mean: it is a sum unit followed by a divide
// unit whose constant divisor gets its own marker (no errors in strict mode).
// RUN: shloq-opt --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NOT: shloq.op = "mean"
// CHECK-DAG: %[[N:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant", shloq.site = 1 : i64} : (tensor<2xf32>) -> tensor<2xf32>
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[R:.*]] = stablehlo.reduce(%[[X]] init: %{{.*}}) applies stablehlo.add
// CHECK-NEXT: %[[RM:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "sum", shloq.site = 2 : i64}
// CHECK-NEXT: %[[D:.*]] = stablehlo.divide %[[RM]], %[[N]]
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "divide", shloq.site = 3 : i64}
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: shloq.op = "mean"
func.func @main(%x: tensor<2x4xf32>) -> tensor<2xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %n = stablehlo.constant dense<3.0> : tensor<2xf32>
  %0 = stablehlo.reduce(%x init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = stablehlo.divide %0, %n : tensor<2xf32>
  return %1 : tensor<2xf32>
}
