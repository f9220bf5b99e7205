// A bound value whose shape differs from the argument's is an error on main; shloq-opt exits 1 and prints no module.
// The argument is deliberately unused: with uses, the pass crashes (see wrong-shape-used-arg.mlir).
// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{'arg1': np.ones((3, 2), np.float32)})"
// RUN: shloq-opt --verify-diagnostics -p 'shloq-bind-params{file=%t.npz}' %s | FileCheck %s --allow-empty
// RUN: not shloq-opt -p 'shloq-bind-params{file=%t.npz}' %s 2>&1 | FileCheck %s --check-prefix=ERR

// CHECK-NOT: func.func
// ERR: wrong-shape.mlir:[[# @LINE + 3]]:1: error: argument arg1 is float32[2, 2] but the value bound to it is float32[3, 2]
// ERR-NOT: func.func
// expected-error @+1 {{argument arg1 is float32[2, 2] but the value bound to it is float32[3, 2]}}
func.func @main(%x: tensor<2x2xf32>, %w: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = stablehlo.negate %x : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
