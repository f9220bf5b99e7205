// An input whose only use is a uniform_quantize takes the quantized type, a result produced by a uniform_dequantize (or read by a uniform_quantize)
// is returned quantized, and the function type says so: the boundary quantize/dequantize pairs are gone.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-integer-io %s | FileCheck %s

// int8 in, int8 out; result attributes are kept.
// CHECK-LABEL: func.func @main(%arg0: tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>>) -> (tensor<4x!quant.uniform<i8:f32, 2.000000e-01:5>> {jax.result_info = "out"}) {
// CHECK-NEXT: %[[X:.*]] = stablehlo.uniform_dequantize %arg0 : (tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>>) -> tensor<4xf32>
// CHECK-NEXT: %[[A:.*]] = stablehlo.abs %[[X]] : tensor<4xf32>
// CHECK-NEXT: %[[Q:.*]] = stablehlo.uniform_quantize %[[A]] : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 2.000000e-01:5>>
// CHECK-NEXT: return %[[Q]] : tensor<4x!quant.uniform<i8:f32, 2.000000e-01:5>>
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32> {jax.result_info = "out"}) {
  %0 = stablehlo.uniform_quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<4xf32>
  %2 = stablehlo.abs %1 : tensor<4xf32>
  %3 = stablehlo.uniform_quantize %2 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.2:5>>
  %4 = stablehlo.uniform_dequantize %3 : (tensor<4x!quant.uniform<i8:f32, 0.2:5>>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----
// int16 activations: the inputs and results become i16 tensors; two inputs, two results, one of them returned twice.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x!quant.uniform<i16:f32, 1.000000e-03>>, %arg1: tensor<2x!quant.uniform<i16:f32, 2.000000e-03>>) -> (tensor<2x!quant.uniform<i16:f32, 4.000000e-03>>, tensor<2x!quant.uniform<i16:f32, 4.000000e-03>>) {
// CHECK-NEXT: %[[X:.*]] = stablehlo.uniform_dequantize %arg0
// CHECK-NEXT: %[[Y:.*]] = stablehlo.uniform_dequantize %arg1
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[X]], %[[Y]]
// CHECK-NEXT: %[[Q:.*]] = stablehlo.uniform_quantize %[[A]]
// CHECK-NEXT: return %[[Q]], %[[Q]] : tensor<2x!quant.uniform<i16:f32, 4.000000e-03>>, tensor<2x!quant.uniform<i16:f32, 4.000000e-03>>
// CHECK-NOT: uniform_dequantize
func.func @main(%x: tensor<2xf32>, %y: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = stablehlo.uniform_quantize %x : (tensor<2xf32>) -> tensor<2x!quant.uniform<i16:f32, 0.001>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<2x!quant.uniform<i16:f32, 0.001>>) -> tensor<2xf32>
  %2 = stablehlo.uniform_quantize %y : (tensor<2xf32>) -> tensor<2x!quant.uniform<i16:f32, 0.002>>
  %3 = stablehlo.uniform_dequantize %2 : (tensor<2x!quant.uniform<i16:f32, 0.002>>) -> tensor<2xf32>
  %4 = stablehlo.add %1, %3 : tensor<2xf32>
  %5 = stablehlo.uniform_quantize %4 : (tensor<2xf32>) -> tensor<2x!quant.uniform<i16:f32, 0.004>>
  %6 = stablehlo.uniform_dequantize %5 : (tensor<2x!quant.uniform<i16:f32, 0.004>>) -> tensor<2xf32>
  return %6, %6 : tensor<2xf32>, tensor<2xf32>
}

// -----
// A dequantized result that is also used inside the function: the quantized value is returned, the dequantize
// stays for the other use.
// CHECK-LABEL: func.func @main(%arg0: tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>) -> (tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>, tensor<4xi1>) {
// CHECK-NEXT: %[[D:.*]] = stablehlo.uniform_dequantize %arg0
// CHECK-NEXT: %[[F:.*]] = stablehlo.is_finite %[[D]]
// CHECK-NEXT: return %arg0, %[[F]]
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi1>) {
  %0 = stablehlo.uniform_quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  %2 = stablehlo.is_finite %1 : (tensor<4xf32>) -> tensor<4xi1>
  return %1, %2 : tensor<4xf32>, tensor<4xi1>
}

// -----
// A result returned from before its quantize (shloq-quantize does so when other ops read it too) is returned as
// the quantized value.
// CHECK-LABEL: func.func @main(%arg0: tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>) -> (tensor<4x!quant.uniform<i8:f32, 4.000000e-01>>, tensor<4x!quant.uniform<i8:f32, 2.000000e-01>>) {
// CHECK-NEXT: %[[X:.*]] = stablehlo.uniform_dequantize %arg0
// CHECK-NEXT: %[[A:.*]] = stablehlo.abs %[[X]]
// CHECK-NEXT: %[[Q:.*]] = stablehlo.uniform_quantize %[[A]]
// CHECK-NEXT: %[[D:.*]] = stablehlo.uniform_dequantize %[[Q]]
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %[[D]], %[[D]]
// CHECK-NEXT: %[[MQ:.*]] = stablehlo.uniform_quantize %[[M]]
// CHECK-NEXT: return %[[MQ]], %[[Q]]
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = stablehlo.uniform_quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  %2 = stablehlo.abs %1 : tensor<4xf32>
  %3 = stablehlo.uniform_quantize %2 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  %4 = stablehlo.uniform_dequantize %3 : (tensor<4x!quant.uniform<i8:f32, 0.2>>) -> tensor<4xf32>
  %5 = stablehlo.multiply %4, %4 : tensor<4xf32>
  %6 = stablehlo.uniform_quantize %5 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.4>>
  %7 = stablehlo.uniform_dequantize %6 : (tensor<4x!quant.uniform<i8:f32, 0.4>>) -> tensor<4xf32>
  return %7, %2 : tensor<4xf32>, tensor<4xf32>
}
