// A quantized value that is returned and also read by another op is returned from before its uniform_quantize
// (LiteRT's converter keeps an op float that reads a dequantize also returned; from this form it dequantizes the
// returned tensor itself). A value only returned keeps its dequantize; so does one returned twice.
// RUN: shloq-opt --split-input-file -p shloq-quantize %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[A:.*]] = stablehlo.abs
// CHECK-NEXT: %[[Q:.*]] = stablehlo.uniform_quantize %[[A]]
// CHECK-NEXT: %[[D:.*]] = stablehlo.uniform_dequantize %[[Q]]
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %[[D]], %[[D]]
// CHECK-NEXT: %[[MQ:.*]] = stablehlo.uniform_quantize %[[M]]
// CHECK-NEXT: %[[MD:.*]] = stablehlo.uniform_dequantize %[[MQ]]
// CHECK-NEXT: return %[[MD]], %[[A]]
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = stablehlo.abs %0 : tensor<4xf32>
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "abs", shloq.site = 1 : i64, shloq.min = 0.0 : f32, shloq.max = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = stablehlo.multiply %2, %2 : tensor<4xf32>
  %4 = stablehlo.custom_call @shloq.site(%3) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "multiply", shloq.site = 2 : i64, shloq.min = 0.0 : f32, shloq.max = 4.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %4, %2 : tensor<4xf32>, tensor<4xf32>
}

// -----
// CHECK-LABEL: func.func @main
// CHECK: %[[A:.*]] = stablehlo.abs
// CHECK-NEXT: %[[Q:.*]] = stablehlo.uniform_quantize %[[A]]
// CHECK-NEXT: %[[D:.*]] = stablehlo.uniform_dequantize %[[Q]]
// CHECK-NEXT: return %[[D]], %[[D]]
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = stablehlo.abs %0 : tensor<4xf32>
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "abs", shloq.site = 1 : i64, shloq.min = 0.0 : f32, shloq.max = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %2, %2 : tensor<4xf32>, tensor<4xf32>
}
