// A reduce-add with init 0 is a SUM unit with its own output site; a reduce-max with init -inf is a REDUCE_MAX unit
// sharing its input's site. Other reductions are outside the catalogue (strict errors).
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[S:.*]] = stablehlo.reduce(%[[X]] init: %{{.*}}) applies stablehlo.add across dimensions = [1, 2]
// CHECK-NEXT: %[[SM:.*]] = stablehlo.custom_call @shloq.site(%[[S]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "sum", shloq.site = 1 : i64}
// CHECK-NEXT: %[[M:.*]] = stablehlo.reduce(%[[X]] init: %{{.*}}) applies stablehlo.maximum across dimensions = [2]
// CHECK-NEXT: %[[MM:.*]] = stablehlo.custom_call @shloq.site(%[[M]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "reduce_max", shloq.site = 0 : i64}
// CHECK-NEXT: return %[[SM]], %[[MM]]
func.func @main(%x: tensor<2x3x4xf32>) -> (tensor<2xf32>, tensor<2x3xf32>) {
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %0 = stablehlo.reduce(%x init: %zero) applies stablehlo.add across dimensions = [1, 2] : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = stablehlo.reduce(%x init: %ninf) applies stablehlo.maximum across dimensions = [2] : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2xf32>, tensor<2x3xf32>
}

// -----
// A reduce-add starting at 1, a reduce-max starting at 0 (max(0, max x)) and a reduce-min have no LiteRT kernel.
func.func @main(%x: tensor<2x4xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %one = stablehlo.constant dense<1.0> : tensor<f32>
  %inf = stablehlo.constant dense<0x7F800000> : tensor<f32>
  // expected-error @below {{'stablehlo.reduce' is not in shloq's op catalogue}}
  %0 = stablehlo.reduce(%x init: %one) applies stablehlo.add across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  // expected-error @below {{'stablehlo.reduce' is not in shloq's op catalogue}}
  %1 = stablehlo.reduce(%x init: %zero) applies stablehlo.maximum across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  // expected-error @below {{'stablehlo.reduce' is not in shloq's op catalogue}}
  %2 = stablehlo.reduce(%x init: %inf) applies stablehlo.minimum across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  return %0, %1, %2 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}
