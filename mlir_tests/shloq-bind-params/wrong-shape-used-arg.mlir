// A rejected binding (wrong shape) of an argument that has uses must give the error and exit 1, not crash.
// BUG: the pass still erases the rejected argument while ops use it, so shloq-opt aborts or segfaults most runs
// (fixed: a rejected binding keeps its argument).
// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{'arg1': np.ones((3, 2), np.float32)})"
// RUN: shloq-opt --verify-diagnostics -p 'shloq-bind-params{file=%t.npz}' %s
// RUN: not shloq-opt -p 'shloq-bind-params{file=%t.npz}' %s 2>&1 | FileCheck %s

// CHECK: error: argument arg1 is float32[2, 2] but the value bound to it is float32[3, 2]
// CHECK-NOT: {{.}}
// expected-error @+1 {{argument arg1 is float32[2, 2] but the value bound to it is float32[3, 2]}}
func.func @main(%x: tensor<2x2xf32>, %w: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = stablehlo.add %x, %w : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
