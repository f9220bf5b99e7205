// A call inside a region of main (here a stablehlo.if branch) is inlined too, so no call to the dropped callee remains.
// RUN: shloq-opt -p shloq-inline %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: stablehlo.if
// CHECK-NEXT: %[[N:.*]] = stablehlo.negate %arg1 : tensor<f32>
// CHECK-NEXT: stablehlo.return %[[N]]
// CHECK-NOT: func.call
func.func private @neg(%a: tensor<f32>) -> tensor<f32> {
  %r = stablehlo.negate %a : tensor<f32>
  return %r : tensor<f32>
}
func.func @main(%p: tensor<i1>, %x: tensor<f32>) -> tensor<f32> {
  %0 = "stablehlo.if"(%p) ({
    %1 = func.call @neg(%x) : (tensor<f32>) -> tensor<f32>
    stablehlo.return %1 : tensor<f32>
  }, {
    stablehlo.return %x : tensor<f32>
  }) : (tensor<i1>) -> tensor<f32>
  return %0 : tensor<f32>
}
