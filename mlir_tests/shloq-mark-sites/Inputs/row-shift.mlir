// Not a test: input for ../param-weights.mlir (a shift varying along rows, not channels).
func.func @main(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>, %rows: tensor<2xf32>) -> tensor<2x3xf32> {
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.broadcast_in_dim %rows, dims = [0] : (tensor<2xf32>) -> tensor<2x3xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}
