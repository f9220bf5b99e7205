// A kernel with one output channel is quantized per tensor (zero point 0, which MLIR does not print):
// it too is stored [N=1, K=2]: 1.0/0.5 = 2, -0.25/0.5 = -0.5 -> -1.
// RUN: shloq-opt -p shloq-quantize-constants %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NOT: stablehlo.uniform_quantize
// CHECK: stablehlo.constant() <{value = dense<{{\[\[}}2, -1]]> : tensor<1x2xi8>}> : () -> tensor<1x2x!quant.uniform<i8<-127:127>:f32, 5.000000e-01>>
// CHECK: contracting_dims = [1] x [1] : (tensor<4x2xf32>, tensor<1x2xf32>) -> tensor<4x1xf32>
func.func @main(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  %w = stablehlo.constant dense<[[1.0], [-0.25]]> : tensor<2x1xf32>
  %q = stablehlo.uniform_quantize %w : (tensor<2x1xf32>) -> tensor<2x1x!quant.uniform<i8<-127:127>:f32, 0.5>>
  %d = stablehlo.uniform_dequantize %q : (tensor<2x1x!quant.uniform<i8<-127:127>:f32, 0.5>>) -> tensor<2x1xf32>
  %y = stablehlo.dot_general %x, %d, contracting_dims = [1] x [0] : (tensor<4x2xf32>, tensor<2x1xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}
