// int4 weights are for dense layers only (LiteRT's int8 x int4 FULLY_CONNECTED): a conv under weight_qtype=int4
// is refused in strict mode, warned about and kept int8 otherwise.
// RUN: shloq-opt --verify-diagnostics -p 'shloq-mark-sites{weight_qtype=int4}' %s
// RUN: shloq-opt -p 'shloq-mark-sites{weight_qtype=int4,strict=false}' %s 2>&1 | FileCheck %s

// CHECK: warning: 'stablehlo.convolution' (CONV_2D / DEPTHWISE_CONV_2D) has no int4 weights in shloq: only dense layers do; its weights are int8
// CHECK: shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "conv"
func.func @main(%x: tensor<1x3x3x1xf32>) -> tensor<1x2x2x3xf32> {
  %w = stablehlo.constant dense<1.0> : tensor<2x2x1x3xf32>
  // expected-error @below {{'stablehlo.convolution' (CONV_2D / DEPTHWISE_CONV_2D) has no int4 weights in shloq: only dense layers do}}
  %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [1, 1]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x3x3x1xf32>, tensor<2x2x1x3xf32>) -> tensor<1x2x2x3xf32>
  return %0 : tensor<1x2x2x3xf32>
}
