// concatenate puts its inputs and its output on one site: the multiply's output site is reused by the other input's marker and the concat's output.
// RUN: shloq-opt -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[Y:.*]] = stablehlo.custom_call @shloq.site(%arg1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = {{"[a-z_]+"}}, shloq.site = 1 : i64}
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[M:.*]] = stablehlo.multiply %[[X]], %[[X]]
// CHECK-NEXT: %[[MM:.*]] = stablehlo.custom_call @shloq.site(%[[M]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "multiply", shloq.site = 1 : i64}
// CHECK-NEXT: %[[C:.*]] = stablehlo.concatenate %[[MM]], %[[Y]], dim = 0
// CHECK-NEXT: %[[CM:.*]] = stablehlo.custom_call @shloq.site(%[[C]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = {{"[a-z_]+"}}, shloq.site = 1 : i64}
// CHECK-NEXT: return %[[CM]]
// CHECK-NOT: shloq.site = 2
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<4x4xf32> {
  %0 = stablehlo.multiply %x, %x : tensor<2x4xf32>
  %1 = stablehlo.concatenate %0, %y, dim = 0 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}
