// A table only gathered from becomes a quantized constant in place (per tensor, zero point -3):
// 1.0/0.5 - 3 = -1, -0.75/0.5 = -1.5 -> -2, -5, 0.25/0.5 = 0.5 -> 1, -2, 200/0.5 - 3 = 397 -> 127.
// RUN: shloq-opt -p shloq-quantize-constants %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NOT: stablehlo.uniform_quantize
// CHECK: stablehlo.constant() <{value = dense<{{\[\[}}-1, -5], [-2, 127]]> : tensor<2x2xi8>}> : () -> tensor<2x2x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: stablehlo.gather
func.func @main(%ids: tensor<3x1xi32>) -> tensor<3x2xf32> {
  %t = stablehlo.constant dense<[[1.0, -0.75], [0.25, 200.0]]> : tensor<2x2xf32>
  %q = stablehlo.uniform_quantize %t : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i8:f32, 0.5:-3>>
  %d = stablehlo.uniform_dequantize %q : (tensor<2x2x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<2x2xf32>
  %g = "stablehlo.gather"(%d, %ids) <{dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>, slice_sizes = array<i64: 1, 2>}> : (tensor<2x2xf32>, tensor<3x1xi32>) -> tensor<3x2xf32>
  return %g : tensor<3x2xf32>
}
