// A softmax over a dimension other than the last is no LiteRT SOFTMAX: strict mode refuses it rather than
// leaving it float (the pattern's ops are outside the catalogue one by one).
// RUN: not shloq-opt -p shloq-mark-sites %s 2>&1 | FileCheck %s
// CHECK: error: 'stablehlo.divide' is not in shloq's op catalogue
func.func @main(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %0 = stablehlo.reduce(%x init: %ninf) applies stablehlo.maximum across dimensions = [0] : (tensor<3x4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = stablehlo.broadcast_in_dim %0, dims = [1] : (tensor<4xf32>) -> tensor<3x4xf32>
  %2 = stablehlo.subtract %x, %1 : tensor<3x4xf32>
  %3 = stablehlo.exponential %2 : tensor<3x4xf32>
  %4 = stablehlo.reduce(%3 init: %zero) applies stablehlo.add across dimensions = [0] : (tensor<3x4xf32>, tensor<f32>) -> tensor<4xf32>
  %5 = stablehlo.broadcast_in_dim %4, dims = [1] : (tensor<4xf32>) -> tensor<3x4xf32>
  %6 = stablehlo.divide %3, %5 : tensor<3x4xf32>
  return %6 : tensor<3x4xf32>
}
