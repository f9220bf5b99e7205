// Only private functions are dropped: a public function called from main is inlined into main but stays in the module.
// RUN: shloq-opt -p shloq-inline %s | FileCheck %s
// RUN: shloq-opt -p shloq-inline %s | FileCheck %s --check-prefix=GONE

// CHECK: func.func public @helper
// CHECK: func.func @main
// CHECK-NEXT: stablehlo.negate %arg0
// CHECK-NEXT: return
// GONE-NOT: @unused
// GONE-NOT: func.call
func.func private @unused(%a: tensor<f32>) -> tensor<f32> {
  return %a : tensor<f32>
}
func.func public @helper(%a: tensor<f32>) -> tensor<f32> {
  %r = stablehlo.negate %a : tensor<f32>
  return %r : tensor<f32>
}
func.func @main(%x: tensor<f32>) -> tensor<f32> {
  %0 = func.call @helper(%x) : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
