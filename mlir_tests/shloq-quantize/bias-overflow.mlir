// A weight scale is widened where the int32 bias b / (s_in * s_w) would overflow: here s_in = 2e-4/255, weight
// channel 0 is tiny (1e-4, s_w = 1e-4/127.5) and its bias 1.0, so s_w becomes 1.0 / (s_in * (2^31 - 1) / 1.001);
// channel 1 (weights 1.0, bias 0.5) keeps 1/127.5.
// RUN: shloq-opt -p shloq-quantize %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: stablehlo.uniform_quantize %{{.*}} : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {5.94{{[0-9]*}}E-4,0.0078431377187371254}>>
func.func @main(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = stablehlo.constant dense<[[1.0e-4, 1.0], [-1.0e-4, 0.5]]> : tensor<2x2xf32>
  %b = stablehlo.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -1.0e-4 : f32, shloq.max = 1.0e-4 : f32} : (tensor<3x2xf32>) -> tensor<3x2xf32>
  %1 = stablehlo.custom_call @shloq.site(%w) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 1 : i64} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %2 = stablehlo.dot_general %0, %1, contracting_dims = [1] x [0] : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %3 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<2xf32>) -> tensor<3x2xf32>
  %4 = stablehlo.add %2, %3 : tensor<3x2xf32>
  %5 = stablehlo.custom_call @shloq.site(%4) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "dense", shloq.site = 2 : i64, shloq.min = -1.0 : f32, shloq.max = 2.0 : f32} : (tensor<3x2xf32>) -> tensor<3x2xf32>
  return %5 : tensor<3x2xf32>
}
