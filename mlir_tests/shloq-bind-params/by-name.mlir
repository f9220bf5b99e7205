// Arguments are named by their location (the pytree path); binding keeps that name as the constant's location and drops their arg_attrs.
// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{'params/w': np.array([2, 3], np.float32), 'params/b': np.array([-1, 1], np.float32)})"
// RUN: shloq-opt -p 'shloq-bind-params{file=%t.npz}' --mlir-print-debuginfo %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<2xf32> {jax.arg = "x"} loc("x")) -> tensor<2xf32> {
// CHECK-NEXT: %[[W:.*]] = stablehlo.constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf32> loc(#[[WLOC:loc[0-9]*]])
// CHECK-NEXT: %[[B:.*]] = stablehlo.constant dense<[-1.000000e+00, 1.000000e+00]> : tensor<2xf32> loc(#[[BLOC:loc[0-9]*]])
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[W]]
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[M]], %[[B]]
// CHECK-NEXT: return %[[A]]
// CHECK-NOT: jax.arg = "w"
// CHECK-DAG: #[[WLOC]] = loc("params/w")
// CHECK-DAG: #[[BLOC]] = loc("params/b")
func.func @main(%x: tensor<2xf32> {jax.arg = "x"} loc("x"), %w: tensor<2xf32> {jax.arg = "w"} loc("params/w"), %b: tensor<2xf32> {jax.arg = "b"} loc("params/b")) -> tensor<2xf32> {
  %0 = stablehlo.multiply %x, %w : tensor<2xf32>
  %1 = stablehlo.add %0, %b : tensor<2xf32>
  return %1 : tensor<2xf32>
}
