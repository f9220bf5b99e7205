// A callee whose loop reads its arguments, called twice: each inlined loop reads its own call's operands.
// RUN: shloq-opt -p shloq-inline %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<i32>, %arg1: tensor<i32>) -> tensor<i32>
// CHECK: stablehlo.while(%[[I1:.*]] = %arg0)
// CHECK: stablehlo.add %[[I1]], %arg1
// CHECK: stablehlo.while(%[[I2:.*]] = %arg1)
// CHECK: stablehlo.add %[[I2]], %arg0
func.func private @loop(%start: tensor<i32>, %step: tensor<i32>) -> tensor<i32> {
  %r = stablehlo.while(%i = %start) : tensor<i32>
  cond {
    %c = stablehlo.compare LT, %i, %step, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
    stablehlo.return %c : tensor<i1>
  } do {
    %n = stablehlo.add %i, %step : tensor<i32>
    stablehlo.return %n : tensor<i32>
  }
  return %r : tensor<i32>
}
func.func @main(%x: tensor<i32>, %s: tensor<i32>) -> tensor<i32> {
  %0 = func.call @loop(%x, %s) : (tensor<i32>, tensor<i32>) -> tensor<i32>
  %1 = func.call @loop(%s, %x) : (tensor<i32>, tensor<i32>) -> tensor<i32>
  %2 = stablehlo.add %0, %1 : tensor<i32>
  return %2 : tensor<i32>
}
