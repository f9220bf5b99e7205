// A loop inside the callee whose regions read the callee's own constant and argument (JAX's RNG
// `while` loops do) reads the caller's copies once inlined: nothing points into the erased callee
// (before the fix the verifier saw unlinked operands, or crashed).
// RUN: shloq-opt -p shloq-inline %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<i32>, %arg1: tensor<i32>) -> tensor<i32>
// CHECK-NEXT: %[[FIVE:.*]] = stablehlo.constant dense<5> : tensor<i32>
// CHECK-NEXT: %[[W:.*]] = stablehlo.while(%[[IT:.*]] = %arg0)
// CHECK: stablehlo.compare LT, %[[IT]], %[[FIVE]]
// CHECK: stablehlo.add %[[IT]], %arg1 : tensor<i32>
// CHECK: return %[[W]] : tensor<i32>
// CHECK-NOT: func.func private
func.func private @loop(%start: tensor<i32>, %step: tensor<i32>) -> tensor<i32> {
  %five = stablehlo.constant dense<5> : tensor<i32>
  %r = stablehlo.while(%i = %start) : tensor<i32>
  cond {
    %c = stablehlo.compare LT, %i, %five, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
    stablehlo.return %c : tensor<i1>
  } do {
    %n = stablehlo.add %i, %step : tensor<i32>
    stablehlo.return %n : tensor<i32>
  }
  return %r : tensor<i32>
}
func.func @main(%x: tensor<i32>, %s: tensor<i32>) -> tensor<i32> {
  %0 = func.call @loop(%x, %s) : (tensor<i32>, tensor<i32>) -> tensor<i32>
  return %0 : tensor<i32>
}
