// Ops on integer and boolean tensors only (token ids, positions, masks) run in LiteRT as they are: they get no
// markers and are no error in strict mode, even when computed from inputs and returned.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[C1:.*]] = stablehlo.constant dense<1> : tensor<2x4xi32>
// CHECK-NEXT: %[[C0:.*]] = stablehlo.constant dense<0> : tensor<i32>
// CHECK-NEXT: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[P:.*]] = stablehlo.iota dim = 1 : tensor<2x4xi32>
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %arg1, %[[P]] : tensor<2x4xi32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %[[A]], %[[C1]] : tensor<2x4xi32>
// CHECK-NEXT: %[[B:.*]] = stablehlo.compare GT, %[[M]], %[[C1]], SIGNED
// CHECK-NEXT: %[[S:.*]] = stablehlo.select %[[B]], %[[M]], %[[C1]] : tensor<2x4xi1>, tensor<2x4xi32>
// CHECK-NEXT: %[[R:.*]] = stablehlo.reduce(%[[S]] init: %[[C0]]) applies stablehlo.add across dimensions = [1] : (tensor<2x4xi32>, tensor<i32>) -> tensor<2xi32>
// CHECK-NEXT: %[[F:.*]] = stablehlo.abs %[[X]]
// CHECK-NEXT: %[[FM:.*]] = stablehlo.custom_call @shloq.site(%[[F]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "abs", shloq.site = 1 : i64}
// CHECK-NEXT: return %[[FM]], %[[S]], %[[R]]
func.func @main(%x: tensor<2x4xf32>, %ids: tensor<2x4xi32>) -> (tensor<2x4xf32>, tensor<2x4xi32>, tensor<2xi32>) {
  %one = stablehlo.constant dense<1> : tensor<2x4xi32>
  %zero = stablehlo.constant dense<0> : tensor<i32>
  %pos = stablehlo.iota dim = 1 : tensor<2x4xi32>
  %0 = stablehlo.add %ids, %pos : tensor<2x4xi32>
  %1 = stablehlo.multiply %0, %one : tensor<2x4xi32>
  %2 = stablehlo.compare GT, %1, %one, SIGNED : (tensor<2x4xi32>, tensor<2x4xi32>) -> tensor<2x4xi1>
  %3 = stablehlo.select %2, %1, %one : tensor<2x4xi1>, tensor<2x4xi32>
  %4 = stablehlo.reduce(%3 init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<2x4xi32>, tensor<i32>) -> tensor<2xi32>
  %5 = stablehlo.abs %x : tensor<2x4xf32>
  return %5, %3, %4 : tensor<2x4xf32>, tensor<2x4xi32>, tensor<2xi32>
}

// -----
// A convert from integers to floats is not integer-only: it makes a float activation outside the catalogue.
func.func @main(%x: tensor<2x4xf32>, %mask: tensor<2x4xi32>) -> tensor<2x4xf32> {
  %0 = stablehlo.convert %mask : (tensor<2x4xi32>) -> tensor<2x4xf32> // expected-error {{'stablehlo.convert' is not in shloq's op catalogue}}
  %1 = stablehlo.multiply %x, %0 : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}
