// A key naming no argument is an error that lists the argument names (location names where present, else argN).
// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{'params/bias': np.ones((2,), np.float32)})"
// RUN: shloq-opt --verify-diagnostics -p 'shloq-bind-params{file=%t.npz}' %s

// expected-error @+1 {{no argument named 'params/bias' to bind; arguments: x, params/w, arg2}}
func.func @main(%x: tensor<2xf32> loc("x"), %w: tensor<2xf32> loc("params/w"), %b: tensor<2xf32>) -> tensor<2xf32> {
  %0 = stablehlo.multiply %x, %w : tensor<2xf32>
  %1 = stablehlo.add %0, %b : tensor<2xf32>
  return %1 : tensor<2xf32>
}
