// reshape, transpose and max pool (reduce_window max) reuse their input's scale: their output markers carry the input's shloq.site.
// RUN: shloq-opt --split-input-file -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[R:.*]] = stablehlo.reshape %[[X]]
// CHECK-NEXT: %[[RM:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = {{"[a-z_]+"}}, shloq.site = 0 : i64}
// CHECK-NEXT: %[[T:.*]] = stablehlo.transpose %[[RM]]
// CHECK-NEXT: %[[TM:.*]] = stablehlo.custom_call @shloq.site(%[[T]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = {{"[a-z_]+"}}, shloq.site = 0 : i64}
// CHECK-NEXT: return %[[TM]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.reshape %x : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %1 = stablehlo.transpose %0, dims = [1, 0] : (tensor<4x2xf32>) -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----
// The shared site follows an independent one: the pool's output marker has the add's site (2), not a new one.
// CHECK-LABEL: func.func @main
// CHECK: %[[A:.*]] = stablehlo.add
// CHECK-NEXT: %[[AM:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64}
// CHECK-NEXT: %[[P:.*]] = "stablehlo.reduce_window"(%[[AM]], %{{.*}})
// CHECK: stablehlo.maximum
// CHECK: }) : (tensor<1x4x4x1xf32>, tensor<f32>) -> tensor<1x2x2x1xf32>
// CHECK-NEXT: %[[PM:.*]] = stablehlo.custom_call @shloq.site(%[[P]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = {{"[a-z_]+"}}, shloq.site = 2 : i64}
// CHECK-NEXT: return %[[PM]]
// CHECK-NOT: shloq.site = 3
func.func @main(%x: tensor<1x4x4x1xf32>, %y: tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32> {
  %init = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %a = stablehlo.add %x, %y : tensor<1x4x4x1xf32>
  %0 = "stablehlo.reduce_window"(%a, %init) ({
  ^bb0(%l: tensor<f32>, %r: tensor<f32>):
    %m = stablehlo.maximum %l, %r : tensor<f32>
    stablehlo.return %m : tensor<f32>
  }) {window_dimensions = array<i64: 1, 2, 2, 1>, window_strides = array<i64: 1, 2, 2, 1>} : (tensor<1x4x4x1xf32>, tensor<f32>) -> tensor<1x2x2x1xf32>
  return %0 : tensor<1x2x2x1xf32>
}
