// Without a file, activation ranges come from the markers' own shloq.min/shloq.max; fixed sites use their shloq.scale/zero_point; ranges are widened to include 0.
// RUN: shloq-opt -p shloq-quantize %s | FileCheck %s

// [-2, 6]: scale 8/255 = 0.031372549, zero point round(-128 + 2/scale) = round(-64.25) = -64.
// [1, 3] is widened to [0, 3]: scale 3/255 = 0.011764706, zero point -128.
// CHECK-LABEL: func.func @main
// CHECK: stablehlo.uniform_quantize %arg0 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.031372550874948502:-64>>
// CHECK: stablehlo.uniform_quantize %{{.*}} : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.011764706112444401:-128>>
// CHECK: stablehlo.uniform_quantize %{{.*}} : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 3.906250e-03:-128>>
// CHECK-NOT: shloq.site
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -2.0 : f32, shloq.max = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = stablehlo.abs %0 : tensor<4xf32>
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "relu", shloq.site = 1 : i64, shloq.min = 1.0 : f32, shloq.max = 3.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = stablehlo.exponential %2 : tensor<4xf32>
  %4 = stablehlo.custom_call @shloq.site(%3) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "softmax", shloq.scale = 3.906250e-03 : f32, shloq.site = 2 : i64, shloq.zero_point = -128 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}
