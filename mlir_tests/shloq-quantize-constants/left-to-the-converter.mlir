// Constants read otherwise keep their uniform_quantize: an elementwise operand, and a dense kernel
// whose dequantized value is also returned (it cannot change layout).
// RUN: shloq-opt --split-input-file -p shloq-quantize-constants %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: stablehlo.uniform_quantize %{{.*}} : (tensor<2xf32>)
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = stablehlo.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %q = stablehlo.uniform_quantize %c : (tensor<2xf32>) -> tensor<2x!quant.uniform<i8:f32, 0.5:0>>
  %d = stablehlo.uniform_dequantize %q : (tensor<2x!quant.uniform<i8:f32, 0.5:0>>) -> tensor<2xf32>
  %y = stablehlo.add %x, %d : tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @main
// CHECK: stablehlo.uniform_quantize %{{.*}} : (tensor<2x2xf32>)
// CHECK: contracting_dims = [1] x [0]
func.func @main(%x: tensor<4x2xf32>) -> (tensor<4x2xf32>, tensor<2x2xf32>) {
  %w = stablehlo.constant dense<[[0.5, 1.0], [1.0, 0.25]]> : tensor<2x2xf32>
  %q = stablehlo.uniform_quantize %w : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {0.0078125,0.0078125}>>
  %d = stablehlo.uniform_dequantize %q : (tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {0.0078125,0.0078125}>>) -> tensor<2x2xf32>
  %y = stablehlo.dot_general %x, %d, contracting_dims = [1] x [0] : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  return %y, %d : tensor<4x2xf32>, tensor<2x2xf32>
}
