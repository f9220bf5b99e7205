// LiteRT's converter has no int16 CONCATENATION (tfl.concatenation takes no 16-bit quantized type): with
// act_qtype=int16 strict mode should refuse a concatenate, as it does pad and gather.
// RUN: not shloq-opt -p 'shloq-mark-sites{act_qtype=int16}' %s 2>&1 | FileCheck %s

// CHECK: int16-concatenate.mlir:[[# @LINE + 3]]:{{[0-9]+}}: error: 'stablehlo.concatenate' (CONCATENATION) has no int16 LiteRT kernel
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<4x4xf32> {
  %0 = stablehlo.abs %x : tensor<2x4xf32>
  %1 = stablehlo.concatenate %0, %y, dim = 0 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}
