// A weight constant reached through a reshape is quantized per channel along the marker's axis, an all-zero channel getting scale 1.0.
// RUN: shloq-opt -p shloq-quantize %s | FileCheck %s

// The reshaped weight [[0, 0, 0], [-2.55, 1.27, 0.5]] has per-row max |w| 0 and 2.55: scales 1.0 and 2.55/127.5 = 0.02.
// CHECK-LABEL: func.func @main
// CHECK: %[[R:.*]] = stablehlo.reshape %cst
// CHECK-NEXT: %[[Q:.*]] = stablehlo.uniform_quantize %[[R]] : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {1.000000e+00,0.019999999552965164}>>
// CHECK-NEXT: %[[D:.*]] = stablehlo.uniform_dequantize %[[Q]]
// CHECK-NEXT: stablehlo.dot_general %arg0, %[[D]]
func.func @main(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = stablehlo.constant dense<[0.0, 0.0, 0.0, -2.55, 1.27, 0.5]> : tensor<6xf32>
  %r = stablehlo.reshape %w : (tensor<6xf32>) -> tensor<2x3xf32>
  %m = stablehlo.custom_call @shloq.site(%r) {shloq.axis = 0 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = stablehlo.dot_general %x, %m, contracting_dims = [1] x [1] : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}
