// A residual add of two activations gets a marker on each input and its own output site; a ReLU after it fuses in.
// RUN: shloq-opt --split-input-file -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[Y:.*]] = stablehlo.custom_call @shloq.site(%arg1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64}
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[A:.*]] = stablehlo.add %[[X]], %[[Y]]
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.add %x, %y : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----
// h = relu(x w); out = relu(h + x): x's one marker feeds both the dot and the add, the add reads h's output
// marker (no second marker on h), and the final ReLU fuses into the add's unit.
// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %[[X]]
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[D]]
// CHECK-NEXT: %[[H:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "dense", shloq.site = 2 : i64}
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[H]], %[[X]]
// CHECK-NEXT: %[[R2:.*]] = stablehlo.maximum %[[A]]
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[R2]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 3 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = stablehlo.constant dense<0.5> : tensor<4x4xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %1 = stablehlo.maximum %0, %zero : tensor<2x4xf32>
  %2 = stablehlo.add %1, %x : tensor<2x4xf32>
  %3 = stablehlo.maximum %2, %zero : tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}
