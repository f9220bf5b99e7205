// A dense kernel [K=2, N=3], per channel along N, becomes an int8 constant [N, K] per channel along 0,
// read by the dot through its second dimension. The integers are w / scale rounded half away from
// zero and saturated to [-127, 127]: 0.5/2^-7 = 64, 1.0/2^-7 = 128 -> 127, -0.01171875/2^-7 = -1.5 -> -2,
// 0.3/2^-7 = 38.4 -> 38, 0.25/2^-9 = 128 -> 127.
// RUN: shloq-opt -p shloq-quantize-constants %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NOT: stablehlo.uniform_quantize
// CHECK: %[[W:.*]] = stablehlo.constant() <{value = dense<{{\[\[}}64, 127], [-2, 38], [127, -127]]> : tensor<3x2xi8>}> : () -> tensor<3x2x!quant.uniform<i8<-127:127>:f32:0, {7.812500e-03,7.812500e-03,0.001953125}>>
// CHECK: %[[D:.*]] = stablehlo.uniform_dequantize %[[W]] : {{.*}} -> tensor<3x2xf32>
// CHECK: stablehlo.dot_general %{{.*}}, %[[D]], contracting_dims = [1] x [1] : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
func.func @main(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = stablehlo.constant dense<[[0.5, -0.01171875, 0.25], [1.0, 0.3, -0.25]]> : tensor<2x3xf32>
  %q = stablehlo.uniform_quantize %w : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.0078125,0.0078125,0.001953125}>>
  %d = stablehlo.uniform_dequantize %q : (tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.0078125,0.0078125,0.001953125}>>) -> tensor<2x3xf32>
  %y = stablehlo.dot_general %x, %d, contracting_dims = [1] x [0] : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}
