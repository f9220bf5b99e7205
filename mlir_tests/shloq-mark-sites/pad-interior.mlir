// A pad with interior padding (what a dilation or a transposed convolution lowers to) has no integer LiteRT kernel:
// strict mode should refuse it.
// RUN: not shloq-opt -p shloq-mark-sites %s 2>&1 | FileCheck %s

// CHECK: pad-interior.mlir:[[# @LINE + 4]]:{{[0-9]+}}: error: 'stablehlo.pad'
func.func @main(%x: tensor<1x4x4x3xf32>) -> tensor<1x9x9x3xf32> {
  %pv = stablehlo.constant dense<0.0> : tensor<f32>
  %0 = stablehlo.abs %x : tensor<1x4x4x3xf32>
  %1 = stablehlo.pad %0, %pv, low = [0, 1, 1, 0], high = [0, 1, 1, 0], interior = [0, 1, 1, 0] : (tensor<1x4x4x3xf32>, tensor<f32>) -> tensor<1x9x9x3xf32>
  return %1 : tensor<1x9x9x3xf32>
}
