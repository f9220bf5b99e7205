// A float result not produced by a uniform_dequantize stays float, with a warning at the op that produces it;
// integer results are not quantized and need no warning.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-integer-io %s | FileCheck %s

// Result 1 comes from a float sine; result 2 is an integer compare.
// CHECK-LABEL: func.func @main(%arg0: tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>) -> (tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>, tensor<4xf32>, tensor<4xi1>) {
// CHECK-NEXT: %[[X:.*]] = stablehlo.uniform_dequantize %arg0
// CHECK-NEXT: %[[N:.*]] = stablehlo.negate %[[X]]
// CHECK-NEXT: %[[Q:.*]] = stablehlo.uniform_quantize %[[N]]
// CHECK-NEXT: %[[D:.*]] = stablehlo.uniform_dequantize %[[Q]]
// CHECK-NEXT: %[[S:.*]] = stablehlo.sine %[[D]]
// CHECK-NEXT: %[[C:.*]] = stablehlo.compare
// CHECK-NEXT: return %[[Q]], %[[S]], %[[C]]
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi1>) {
  %0 = stablehlo.uniform_quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  %2 = stablehlo.negate %1 : tensor<4xf32>
  %3 = stablehlo.uniform_quantize %2 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %4 = stablehlo.uniform_dequantize %3 : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  %5 = stablehlo.sine %4 : tensor<4xf32> // expected-warning {{result 1 stays float: it is not produced by a quantized op}}
  %6 = stablehlo.compare GT, %4, %1, FLOAT : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %4, %5, %6 : tensor<4xf32>, tensor<4xf32>, tensor<4xi1>
}

// -----
// An input returned as it is: both the input and the result stay float, with a warning for each.
// CHECK-LABEL: func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
// CHECK-NEXT: return %arg0 : tensor<4xf32>
// expected-warning @below {{input 0 stays float}}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> { // expected-warning {{result 0 stays float}}
  return %x : tensor<4xf32>
}
