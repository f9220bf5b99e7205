// A weight with a single output channel is quantized per tensor (LiteRT leaves a per-axis one-channel
// FULLY_CONNECTED float): scale absmax / 127.5 = 2.55 / 127.5 = 0.02, narrow range.
// RUN: shloq-opt -p shloq-quantize %s | FileCheck %s

// CHECK: stablehlo.uniform_quantize %cst : (tensor<3x1xf32>) -> tensor<3x1x!quant.uniform<i8<-127:127>:f32, 0.019999999552965164>>
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %w = stablehlo.constant dense<[[1.0], [-2.55], [0.5]]> : tensor<3x1xf32>
  %m = stablehlo.custom_call @shloq.site(%w) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 0 : i64} : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %0 = stablehlo.dot_general %x, %m, contracting_dims = [1] x [0] : (tensor<2x3xf32>, tensor<3x1xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}
