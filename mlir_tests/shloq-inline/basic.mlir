// A private function called from main is inlined at the call and then removed from the module.
// RUN: shloq-opt -p shloq-inline %s | FileCheck %s

// CHECK-NOT: func.func private
// CHECK-NOT: @relu
// CHECK-LABEL: func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: %[[Z:.*]] = stablehlo.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %arg0, %[[Z]] : tensor<4xf32>
// CHECK-NEXT: %[[S:.*]] = stablehlo.add %[[R]], %arg0 : tensor<4xf32>
// CHECK-NEXT: return %[[S]] : tensor<4xf32>
// CHECK-NOT: func.call
// CHECK-NOT: func.func
func.func private @relu(%a: tensor<4xf32>) -> tensor<4xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<4xf32>
  %r = stablehlo.maximum %a, %z : tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = func.call @relu(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = stablehlo.add %0, %x : tensor<4xf32>
  return %1 : tensor<4xf32>
}
