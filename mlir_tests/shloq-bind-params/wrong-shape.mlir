// A bound value whose shape differs from the argument's is an error on main, and no module is printed.
// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{'arg1': np.ones((3, 2), np.float32)})"
// RUN: shloq-opt --verify-diagnostics -p 'shloq-bind-params{file=%t.npz}' %s | FileCheck %s --allow-empty --check-prefix=OUT
// RUN: not shloq-opt -p 'shloq-bind-params{file=%t.npz}' %s

// OUT-NOT: func.func
// expected-error @+1 {{argument arg1 is float32[2, 2] but the value bound to it is float32[3, 2]}}
func.func @main(%x: tensor<2x2xf32>, %w: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = stablehlo.add %x, %w : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
