// divide of two activations is a unit with its own output site; maximum and minimum of activations put all their
// inputs and their output on one site (here y, z, the divide's output and both results end up on site 1).
// RUN: shloq-opt --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[Z:.*]] = stablehlo.custom_call @shloq.site(%arg2) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64}
// CHECK-DAG: %[[Y:.*]] = stablehlo.custom_call @shloq.site(%arg1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64}
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[D:.*]] = stablehlo.divide %[[X]], %[[Y]]
// CHECK-NEXT: %[[DM:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "divide", shloq.site = 1 : i64}
// CHECK-NEXT: %[[MX:.*]] = stablehlo.maximum %[[DM]], %[[Z]]
// CHECK-NEXT: %[[MXM:.*]] = stablehlo.custom_call @shloq.site(%[[MX]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "maximum", shloq.site = 1 : i64}
// CHECK-NEXT: %[[MN:.*]] = stablehlo.minimum %[[MXM]], %[[Y]]
// CHECK-NEXT: %[[MNM:.*]] = stablehlo.custom_call @shloq.site(%[[MN]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "minimum", shloq.site = 1 : i64}
// CHECK-NEXT: return %[[MNM]]
// CHECK-NOT: shloq.site = 2
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>, %z: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.divide %x, %y : tensor<2x4xf32>
  %1 = stablehlo.maximum %0, %z : tensor<2x4xf32>
  %2 = stablehlo.minimum %1, %y : tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}
