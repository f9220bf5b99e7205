// int4 weights: scale absmax / 7.5 per channel (3.0 / 7.5 = 0.4, 0.75 / 7.5 = 0.1), narrow range [-7, 7], handed
// to the converter as i8 storage in that range (it has no i4 path); after conversion shloq retypes them to i4.
// RUN: shloq-opt -p shloq-quantize %s | FileCheck %s

// CHECK: stablehlo.uniform_quantize %cst : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i8<-7:7>:f32:1, {0.40000000596046448,0.10000000149011612}>>
func.func @main(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = stablehlo.constant dense<[[3.0, 0.5], [-1.0, -0.75]]> : tensor<2x2xf32>
  %m = stablehlo.custom_call @shloq.site(%w) {shloq.axis = 1 : i64, shloq.dtype = "i4", shloq.kind = "weight", shloq.op = "dense", shloq.site = 0 : i64} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %0 = stablehlo.dot_general %x, %m, contracting_dims = [1] x [0] : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}
