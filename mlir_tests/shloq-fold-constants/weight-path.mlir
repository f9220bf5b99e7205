// A transposed or flipped weight (`W.T`, `jnp.flip(W)`: stablehlo.reverse) folds into a constant
// that keeps the weight's location, the pytree path `param_path` rules match.
// RUN: shloq-opt -p shloq-fold-constants --mlir-print-debuginfo %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[W:.*]] = stablehlo.constant dense<{{\[\[}}4.000000e+00, 2.000000e+00], [3.000000e+00, 1.000000e+00]]> : tensor<2x2xf32> loc(#[[LOC:loc[0-9]*]])
// CHECK-NEXT: stablehlo.dot_general %arg0, %[[W]]
// CHECK: #[[LOC]] = loc("['w']")
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> loc("['w']")
  %0 = stablehlo.transpose %w, dims = [1, 0] : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %1 = stablehlo.reverse %0, dims = [0, 1] : tensor<2x2xf32>
  %2 = stablehlo.dot_general %x, %1, contracting_dims = [1] x [0] : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}
