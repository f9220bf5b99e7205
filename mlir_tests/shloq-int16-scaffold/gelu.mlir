// An int16 GELU (int16 quantizes on both sides) is handed to the converter in int8: its operand and result get int8
// quantizes on the int16 scale times 256, each requantize between a flattening reshape and the reshape back, all
// named shloq.int16_scaffold. An int8 GELU is left alone.
// RUN: shloq-opt --split-input-file -p shloq-int16-scaffold --mlir-print-debuginfo %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.uniform_dequantize %{{.*}} : (tensor<2x4x!quant.uniform<i16:f32, 1.000000e-03>>)
// CHECK-NEXT: %[[F:.*]] = stablehlo.reshape %[[X]] : (tensor<2x4xf32>) -> tensor<8xf32> loc(#[[S:loc[0-9]+]])
// CHECK-NEXT: %[[Q1:.*]] = stablehlo.uniform_quantize %[[F]] : (tensor<8xf32>) -> tensor<8x!quant.uniform<i16:f32, 1.000000e-03>>
// CHECK-NEXT: %[[D1:.*]] = stablehlo.uniform_dequantize %[[Q1]]
// CHECK-NEXT: %[[Q2:.*]] = stablehlo.uniform_quantize %[[D1]] : (tensor<8xf32>) -> tensor<8x!quant.uniform<i8:f32, 2.560000e-01>>
// CHECK-NEXT: %[[D2:.*]] = stablehlo.uniform_dequantize %[[Q2]]
// CHECK-NEXT: %[[B:.*]] = stablehlo.reshape %[[D2]] : (tensor<8xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[Q3:.*]] = stablehlo.uniform_quantize %[[B]] : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 2.560000e-01>>
// CHECK-NEXT: %[[D3:.*]] = stablehlo.uniform_dequantize %[[Q3]]
// CHECK-NEXT: %[[G:.*]] = stablehlo.composite "tfl.gelu" %[[D3]]
// CHECK-NEXT: %[[Q4:.*]] = stablehlo.uniform_quantize %[[G]] : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 5.120000e-01>>
// CHECK: stablehlo.reshape %{{.*}} : (tensor<2x4xf32>) -> tensor<8xf32>
// CHECK: stablehlo.uniform_quantize %{{.*}} : (tensor<8xf32>) -> tensor<8x!quant.uniform<i8:f32, 5.120000e-01>>
// CHECK: stablehlo.uniform_quantize %{{.*}} : (tensor<8xf32>) -> tensor<8x!quant.uniform<i16:f32, 2.000000e-03>>
// CHECK: %[[BACK:.*]] = stablehlo.reshape %{{.*}} : (tensor<8xf32>) -> tensor<2x4xf32>
// CHECK: %[[OUT:.*]] = stablehlo.uniform_quantize %[[BACK]] : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 2.000000e-03>>
// CHECK: [[S]] = loc("shloq.int16_scaffold"(
func.func private @gelu(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  return %a : tensor<2x4xf32>
}
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.uniform_quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 1.0e-3>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<2x4x!quant.uniform<i16:f32, 1.0e-3>>) -> tensor<2x4xf32>
  %2 = stablehlo.composite "tfl.gelu" %1 {composite_attributes = {approximate = false}, decomposition = @gelu} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = stablehlo.uniform_quantize %2 : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 2.0e-3>>
  %4 = stablehlo.uniform_dequantize %3 : (tensor<2x4x!quant.uniform<i16:f32, 2.0e-3>>) -> tensor<2x4xf32>
  return %4 : tensor<2x4xf32>
}

// -----
// CHECK-LABEL: func.func @main
// CHECK-NOT: stablehlo.reshape
// CHECK-NOT: shloq.int16_scaffold
func.func private @gelu(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  return %a : tensor<2x4xf32>
}
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.uniform_quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 1.0e-1>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<2x4x!quant.uniform<i8:f32, 1.0e-1>>) -> tensor<2x4xf32>
  %2 = stablehlo.composite "tfl.gelu" %1 {composite_attributes = {approximate = false}, decomposition = @gelu} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = stablehlo.uniform_quantize %2 : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 2.0e-1>>
  %4 = stablehlo.uniform_dequantize %3 : (tensor<2x4x!quant.uniform<i8:f32, 2.0e-1>>) -> tensor<2x4xf32>
  return %4 : tensor<2x4xf32>
}
