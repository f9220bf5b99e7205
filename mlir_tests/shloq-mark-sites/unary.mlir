// Unary ops: exp, rsqrt, sqrt and abs are units with their own calibrated output site; tanh and logistic have the
// fixed output scale of their LiteRT kernel (int8: 1/128 with zero point 0, and 1/256 with zero point -128).
// RUN: shloq-opt --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[E:.*]] = stablehlo.exponential %[[X]]
// CHECK-NEXT: %[[EM:.*]] = stablehlo.custom_call @shloq.site(%[[E]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "exp", shloq.site = 1 : i64}
// CHECK-NEXT: %[[R:.*]] = stablehlo.rsqrt %[[EM]]
// CHECK-NEXT: %[[RM:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "rsqrt", shloq.site = 2 : i64}
// CHECK-NEXT: %[[S:.*]] = stablehlo.sqrt %[[RM]]
// CHECK-NEXT: %[[SM:.*]] = stablehlo.custom_call @shloq.site(%[[S]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "sqrt", shloq.site = 3 : i64}
// CHECK-NEXT: %[[A:.*]] = stablehlo.abs %[[SM]]
// CHECK-NEXT: %[[AM:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "abs", shloq.site = 4 : i64}
// CHECK-NEXT: %[[T:.*]] = stablehlo.tanh %[[AM]]
// CHECK-NEXT: %[[TM:.*]] = stablehlo.custom_call @shloq.site(%[[T]]) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "tanh", shloq.scale = 7.812500e-03 : f32, shloq.site = 5 : i64, shloq.zero_point = 0 : i64}
// CHECK-NEXT: %[[L:.*]] = stablehlo.logistic %[[TM]]
// CHECK-NEXT: %[[LM:.*]] = stablehlo.custom_call @shloq.site(%[[L]]) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "logistic", shloq.scale = 3.906250e-03 : f32, shloq.site = 6 : i64, shloq.zero_point = -128 : i64}
// CHECK-NEXT: return %[[LM]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.exponential %x : tensor<2x4xf32>
  %1 = stablehlo.rsqrt %0 : tensor<2x4xf32>
  %2 = stablehlo.sqrt %1 : tensor<2x4xf32>
  %3 = stablehlo.abs %2 : tensor<2x4xf32>
  %4 = stablehlo.tanh %3 : tensor<2x4xf32>
  %5 = stablehlo.logistic %4 : tensor<2x4xf32>
  return %5 : tensor<2x4xf32>
}
