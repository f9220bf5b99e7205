// A constant concatenated with activations shares their site, clamped (its values reach the output, whose marker
// the range then covers).
// RUN: shloq-opt -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[C:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant:clamped", shloq.site = 0 : i64} : (tensor<2x3xf32>)
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[K:.*]] = stablehlo.concatenate %[[X]], %[[C]], dim = 1
// CHECK-NEXT: %[[KM:.*]] = stablehlo.custom_call @shloq.site(%[[K]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "concatenate", shloq.site = 0 : i64}
// CHECK-NEXT: return %[[KM]]
// CHECK-NOT: shloq.site = 1
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x7xf32> {
  %c = stablehlo.constant dense<0.5> : tensor<2x3xf32>
  %0 = stablehlo.concatenate %x, %c, dim = 1 : (tensor<2x4xf32>, tensor<2x3xf32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}
