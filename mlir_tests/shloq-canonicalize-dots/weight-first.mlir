// Equinox's Linear under vmap: `W @ x` with a torch-style [out, in] weight as the lhs, the result
// transposed back to [batch, out], then the bias add and ReLU. The weight folds into a [in, out]
// constant that keeps its parameter location, the transposes cancel, and the bias add and ReLU
// follow the dense directly.
// RUN: shloq-opt -p shloq-canonicalize-dots --mlir-print-debuginfo %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = stablehlo.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32> loc(#[[WLOC:loc[0-9]*]])
// CHECK: %[[D:.*]] = stablehlo.dot_general %arg0, %[[W]], contracting_dims = [1] x [0] : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
// CHECK: %[[A:.*]] = stablehlo.add %[[D]], %{{.*}} : tensor<4x3xf32>
// CHECK: %[[R:.*]] = stablehlo.maximum %[[A]], %{{.*}} : tensor<4x3xf32>
// CHECK-NEXT: return %[[R]]
// CHECK-NOT: stablehlo.transpose
// CHECK: #[[WLOC]] = loc("['fc']['weight']")
func.func @main(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32> loc("['fc']['weight']")
  %b = stablehlo.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<4x3xf32>
  %0 = stablehlo.dot_general %w, %x, contracting_dims = [1] x [1] : (tensor<3x2xf32>, tensor<4x2xf32>) -> tensor<3x4xf32>
  %1 = stablehlo.transpose %0, dims = [1, 0] : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %2 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<3xf32>) -> tensor<4x3xf32>
  %3 = stablehlo.add %1, %2 : tensor<4x3xf32>
  %4 = stablehlo.maximum %3, %zero : tensor<4x3xf32>
  return %4 : tensor<4x3xf32>
}
