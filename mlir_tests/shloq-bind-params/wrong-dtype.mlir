// A bound value of the right shape but another dtype (float64 for an f32 argument) is an error on main.
// The argument is deliberately unused: with uses, the pass crashes (see wrong-shape-used-arg.mlir).
// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{'arg0': np.ones((2, 2), np.float64)})"
// RUN: shloq-opt --verify-diagnostics -p 'shloq-bind-params{file=%t.npz}' %s

// expected-error @+1 {{argument arg0 is float32[2, 2] but the value bound to it is float64[2, 2]}}
func.func @main(%w: tensor<2x2xf32>, %x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = stablehlo.negate %x : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
