// With a json ranges file, every marker becomes a uniform_quantize/uniform_dequantize pair: asymmetric i8 per tensor for activations, symmetric narrow-range per channel for weights.
// RUN: %python -c "import json; json.dump({'sites': {'0': [-1.0, 1.0], '2': [0.0, 2.55]}}, open('%t.json', 'w'))"
// RUN: shloq-opt -p 'shloq-quantize{file=%t.json}' %s | FileCheck %s

// Site 0, [-1, 1]: scale 2/255 = 0.0078431377 (as f32), zero point round(-128 + 127.5) = -1 (half away from zero).
// Site 1, weight columns' max |w| = 4, 5, 6: scales 4/127.5, 5/127.5, 6/127.5 along axis 1.
// Site 2, [0, 2.55]: scale 0.01, zero point -128.
// CHECK-LABEL: func.func @main
// CHECK: %[[WQ:.*]] = stablehlo.uniform_quantize %cst : (tensor<4x3xf32>) -> tensor<4x3x!quant.uniform<i8<-127:127>:f32:1, {0.031372550874948502,0.039215687662363052,0.047058824449777603}>>
// CHECK-NEXT: %[[W:.*]] = stablehlo.uniform_dequantize %[[WQ]] : (tensor<4x3x!quant.uniform<i8<-127:127>:f32:1, {0.031372550874948502,0.039215687662363052,0.047058824449777603}>>) -> tensor<4x3xf32>
// CHECK: %[[XQ:.*]] = stablehlo.uniform_quantize %arg0 : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>
// CHECK-NEXT: %[[X:.*]] = stablehlo.uniform_dequantize %[[XQ]] : (tensor<2x4x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %[[X]], %[[W]]
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[D]]
// CHECK-NEXT: %[[OQ:.*]] = stablehlo.uniform_quantize %[[R]] : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, 0.0099999997764825821:-128>>
// CHECK-NEXT: %[[O:.*]] = stablehlo.uniform_dequantize %[[OQ]]
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: shloq.site
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [1.0, -1.0, 0.5], [0.0, 1.0, 2.0]]> : tensor<4x3xf32>
  %wm = stablehlo.custom_call @shloq.site(%w) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 1 : i64} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x3xf32>
  %xm = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %0 = stablehlo.dot_general %xm, %wm, contracting_dims = [1] x [0] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.maximum %0, %zero : tensor<2x3xf32>
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "dense", shloq.site = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}
