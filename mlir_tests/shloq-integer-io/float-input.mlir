// An input that is not quantized once for all its uses (a float use too, or two quantized types) keeps its float
// type and its quantize, and shloq-integer-io warns at the input.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-integer-io %s | FileCheck %s
// RUN: shloq-opt --split-input-file -p shloq-integer-io %s 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN

// %y is quantized for the add but also read by a float sine: it stays float; %x becomes int8.
// CHECK-LABEL: func.func @main(%arg0: tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>>, %arg1: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 2.000000e-01>> {
// CHECK-NEXT: %[[X:.*]] = stablehlo.uniform_dequantize %arg0
// CHECK-NEXT: %[[YQ:.*]] = stablehlo.uniform_quantize %arg1 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>>
// CHECK-NEXT: %[[Y:.*]] = stablehlo.uniform_dequantize %[[YQ]]
// CHECK-NEXT: %[[S:.*]] = stablehlo.sine %arg1
// WARN: float-input.mlir:[[# @LINE + 3]]:{{[0-9]+}}: warning: input 1 stays float: it is not quantized once for all its uses
func.func @main(%x: tensor<4xf32>,
                // expected-warning @below {{stays float: it is not quantized once for all its uses}}
                %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = stablehlo.uniform_quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<4xf32>
  %2 = stablehlo.uniform_quantize %y : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
  %3 = stablehlo.uniform_dequantize %2 : (tensor<4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<4xf32>
  %4 = stablehlo.sine %y : tensor<4xf32>
  %5 = stablehlo.add %1, %3 : tensor<4xf32>
  %6 = stablehlo.add %5, %4 : tensor<4xf32>
  %7 = stablehlo.uniform_quantize %6 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  %8 = stablehlo.uniform_dequantize %7 : (tensor<4x!quant.uniform<i8:f32, 0.2>>) -> tensor<4xf32>
  return %8 : tensor<4xf32>
}

// -----
// An input quantized twice, to int8 and to int16, has no one quantized type: it stays float with both quantizes.
// CHECK-LABEL: func.func @main(%arg0: tensor<4xf32>) -> (tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>, tensor<4x!quant.uniform<i16:f32, 1.000000e-03>>) {
// CHECK-NEXT: %[[A:.*]] = stablehlo.uniform_quantize %arg0 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK-NEXT: %[[B:.*]] = stablehlo.uniform_quantize %arg0 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i16:f32, 1.000000e-03>>
// CHECK-NEXT: return %[[A]], %[[B]]
// WARN: float-input.mlir:[[# @LINE + 1]]:{{[0-9]+}}: warning: input 0 stays float
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) { // expected-warning {{input 0 stays float}}
  %0 = stablehlo.uniform_quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  %2 = stablehlo.uniform_quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i16:f32, 0.001>>
  %3 = stablehlo.uniform_dequantize %2 : (tensor<4x!quant.uniform<i16:f32, 0.001>>) -> tensor<4xf32>
  return %1, %3 : tensor<4xf32>, tensor<4xf32>
}
