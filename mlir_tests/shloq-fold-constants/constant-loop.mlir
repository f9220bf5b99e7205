// A loop computed from constants and iotas alone (JAX's random bits from a fixed key) folds to a
// constant of its result, whatever ops run inside it; the ui32 result keeps its unsigned type,
// and a mask built from an iota outside any loop stays an op.
// RUN: shloq-opt -p shloq-fold-constants --split-input-file %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<4xui32>) -> tensor<4xui32>
// CHECK-NEXT: %[[C:.*]] = stablehlo.constant dense<[5, 6, 7, 8]> : tensor<4xui32>
// CHECK-NEXT: %[[X:.*]] = stablehlo.xor %arg0, %[[C]] : tensor<4xui32>
// CHECK-NEXT: return %[[X]]
func.func @main(%x: tensor<4xui32>) -> tensor<4xui32> {
  %zero = stablehlo.constant dense<0> : tensor<i32>
  %five = stablehlo.constant dense<5> : tensor<i32>
  %one = stablehlo.constant dense<1> : tensor<i32>
  %ones = stablehlo.constant dense<1> : tensor<4xui32>
  %iota = stablehlo.iota dim = 0 : tensor<4xui32>
  %r:2 = stablehlo.while(%i = %zero, %v = %iota) : tensor<i32>, tensor<4xui32>
  cond {
    %c = stablehlo.compare LT, %i, %five, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
    stablehlo.return %c : tensor<i1>
  } do {
    %n = stablehlo.add %i, %one : tensor<i32>
    %w = stablehlo.add %v, %ones : tensor<4xui32>
    stablehlo.return %n, %w : tensor<i32>, tensor<4xui32>
  }
  %out = stablehlo.xor %x, %r#1 : tensor<4xui32>
  return %out : tensor<4xui32>
}

// -----

// A loop whose trip count is an argument stays.
// CHECK-LABEL: func.func @main(%arg0: tensor<i32>) -> tensor<4xi32>
// CHECK: stablehlo.iota
// CHECK: stablehlo.while
func.func @main(%n: tensor<i32>) -> tensor<4xi32> {
  %zero = stablehlo.constant dense<0> : tensor<i32>
  %one = stablehlo.constant dense<1> : tensor<i32>
  %ones = stablehlo.constant dense<1> : tensor<4xi32>
  %iota = stablehlo.iota dim = 0 : tensor<4xi32>
  %r:2 = stablehlo.while(%i = %zero, %v = %iota) : tensor<i32>, tensor<4xi32>
  cond {
    %c = stablehlo.compare LT, %i, %n, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
    stablehlo.return %c : tensor<i1>
  } do {
    %m = stablehlo.add %i, %one : tensor<i32>
    %w = stablehlo.add %v, %ones : tensor<4xi32>
    stablehlo.return %m, %w : tensor<i32>, tensor<4xi32>
  }
  return %r#1 : tensor<4xi32>
}
