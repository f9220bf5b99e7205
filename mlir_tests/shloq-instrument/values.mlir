// With `values`, each activation marker's tensor itself is returned (for percentile calibration), tagged shloq.stat = "values".
// RUN: shloq-opt -p 'shloq-instrument{values=true}' %s | FileCheck %s
// RUN: shloq-opt -p 'shloq-instrument{values}' %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32> {shloq.site = 0 : i64, shloq.stat = "values", shloq.where = {{"[^"]*"}}}, tensor<2x4xf32> {shloq.site = 1 : i64, shloq.stat = "values", shloq.where = {{"[^"]*"}}})
// CHECK-NOT: stablehlo.reduce
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0)
// CHECK: %[[O:.*]] = stablehlo.custom_call @shloq.site(
// CHECK-NEXT: return %[[O]], %[[X]], %[[O]] : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = stablehlo.negate %0 : tensor<2x4xf32>
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "relu", shloq.site = 1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}
