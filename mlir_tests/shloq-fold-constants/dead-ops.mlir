// Dead ops (unused results) are erased, site markers (custom_call) are never folded or erased, and a folded result feeding return becomes a constant.
// RUN: shloq-opt -p shloq-fold-constants %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
// CHECK-NEXT: %[[W:.*]] = stablehlo.constant dense<[1.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.custom_call @shloq.site(%[[W]]) {shloq.axis = 0 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 0 : i64}
// CHECK-NEXT: %[[A:.*]] = stablehlo.multiply %arg0, %[[M]] : tensor<2xf32>
// CHECK-NEXT: %[[F:.*]] = stablehlo.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: return %[[A]], %[[F]]
// CHECK-NOT: stablehlo.sine
// CHECK-NOT: stablehlo.abs
func.func @main(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %w = stablehlo.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %m = stablehlo.custom_call @shloq.site(%w) {shloq.axis = 0 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 0 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  %unused = stablehlo.sine %x : tensor<2xf32>
  %0 = stablehlo.multiply %x, %m : tensor<2xf32>
  %1 = stablehlo.abs %w : tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}
