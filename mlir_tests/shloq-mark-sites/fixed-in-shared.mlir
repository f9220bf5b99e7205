// Shared-scale ops (concatenate, maximum, minimum, select) never take a fixed scale (tanh, logistic, softmax) from
// an input: they share the other inputs' site, or a new calibrated one when every input is fixed, and the fixed
// input is requantized, which the output marker's label says (shloq.op = "<op>:requantized"). Single-input shared
// ops (reshape) keep their input's fixed scale.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// concatenate(tanh(x), y): the output is on y's site 1, not on tanh's fixed site 2.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[Y:.*]] = stablehlo.custom_call @shloq.site(%arg1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64}
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[T:.*]] = stablehlo.tanh %[[X]]
// CHECK-NEXT: %[[TM:.*]] = stablehlo.custom_call @shloq.site(%[[T]]) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "tanh", shloq.scale = 7.812500e-03 : f32, shloq.site = 2 : i64, shloq.zero_point = 0 : i64}
// CHECK-NEXT: %[[C:.*]] = stablehlo.concatenate %[[TM]], %[[Y]], dim = 0
// CHECK-NEXT: %[[CM:.*]] = stablehlo.custom_call @shloq.site(%[[C]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "concatenate:requantized", shloq.site = 1 : i64}
// CHECK-NEXT: return %[[CM]]
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<4x4xf32> {
  %0 = stablehlo.tanh %x : tensor<2x4xf32>
  %1 = stablehlo.concatenate %0, %y, dim = 0 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}

// -----
// maximum(logistic(x), y): the same for a maximum.
// CHECK-LABEL: func.func @main
// CHECK: %[[L:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "logistic", shloq.scale = 3.906250e-03 : f32, shloq.site = 2 : i64, shloq.zero_point = -128 : i64}
// CHECK-NEXT: %[[M:.*]] = stablehlo.maximum %[[L]], %{{.*}}
// CHECK-NEXT: %[[MM:.*]] = stablehlo.custom_call @shloq.site(%[[M]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "maximum:requantized", shloq.site = 1 : i64}
// CHECK-NEXT: return %[[MM]]
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.logistic %x : tensor<2x4xf32>
  %1 = stablehlo.maximum %0, %y : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----
// concatenate(tanh(x), logistic(y)): both inputs fixed, so the output gets a calibrated site of its own (4).
// CHECK-LABEL: func.func @main
// CHECK: %[[T:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "tanh", shloq.scale = 7.812500e-03 : f32, shloq.site = 2 : i64, shloq.zero_point = 0 : i64}
// CHECK: %[[L:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "logistic", shloq.scale = 3.906250e-03 : f32, shloq.site = 3 : i64, shloq.zero_point = -128 : i64}
// CHECK-NEXT: %[[C:.*]] = stablehlo.concatenate %[[T]], %[[L]], dim = 0
// CHECK-NEXT: %[[CM:.*]] = stablehlo.custom_call @shloq.site(%[[C]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "concatenate:requantized", shloq.site = 4 : i64}
// CHECK-NEXT: return %[[CM]]
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<4x4xf32> {
  %0 = stablehlo.tanh %x : tensor<2x4xf32>
  %1 = stablehlo.logistic %y : tensor<2x4xf32>
  %2 = stablehlo.concatenate %0, %1, dim = 0 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %2 : tensor<4x4xf32>
}

// -----
// reshape(tanh(x)): a reshape keeps its input's scale, fixed or not (no requantization).
// CHECK-LABEL: func.func @main
// CHECK: %[[T:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "tanh", shloq.scale = 7.812500e-03 : f32, shloq.site = 1 : i64, shloq.zero_point = 0 : i64}
// CHECK-NEXT: %[[R:.*]] = stablehlo.reshape %[[T]]
// CHECK-NEXT: %[[RM:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "reshape", shloq.scale = 7.812500e-03 : f32, shloq.site = 1 : i64, shloq.zero_point = 0 : i64}
// CHECK-NEXT: return %[[RM]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<8xf32> {
  %0 = stablehlo.tanh %x : tensor<2x4xf32>
  %1 = stablehlo.reshape %0 : (tensor<2x4xf32>) -> tensor<8xf32>
  return %1 : tensor<8xf32>
}
