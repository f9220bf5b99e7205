// Calls inside inlined bodies are inlined too, until main has no func.call and every private function is gone.
// RUN: shloq-opt -p shloq-inline %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: %[[N:.*]] = stablehlo.negate %arg0
// CHECK-NEXT: %[[Z:.*]] = stablehlo.constant dense<0.000000e+00>
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[N]], %[[Z]]
// CHECK-NEXT: %[[E:.*]] = stablehlo.exponential %[[R]]
// CHECK-NEXT: return %[[E]]
// CHECK-NOT: func.call
// CHECK-NOT: func.func
func.func private @relu(%a: tensor<4xf32>) -> tensor<4xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<4xf32>
  %r = stablehlo.maximum %a, %z : tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func private @neg_relu(%a: tensor<4xf32>) -> tensor<4xf32> {
  %n = stablehlo.negate %a : tensor<4xf32>
  %r = func.call @relu(%n) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func private @outer(%a: tensor<4xf32>) -> tensor<4xf32> {
  %r = func.call @neg_relu(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %e = stablehlo.exponential %r : tensor<4xf32>
  return %e : tensor<4xf32>
}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = func.call @outer(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
