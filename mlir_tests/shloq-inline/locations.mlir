// Inlined ops are named `<call name>/<op name>` (the op's own name, else its op kind), nesting through inner calls;
// their source position is the outermost call's (the user's line).
// RUN: shloq-opt -p shloq-inline --mlir-print-debuginfo %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: stablehlo.negate %arg0 : tensor<4xf32> loc(#[[NEG:loc[0-9]*]])
// CHECK: stablehlo.constant {{.*}} loc(#[[CST:loc[0-9]*]])
// CHECK: stablehlo.maximum {{.*}} loc(#[[MAX:loc[0-9]*]])
// CHECK: stablehlo.add {{.*}} loc(#[[ADD:loc[0-9]*]])
// CHECK-DAG: #[[OUTER:loc[0-9]*]] = loc("jit(f)/outer")
// CHECK-DAG: #[[NEG]] = loc("jit(f)/outer/negate"(#[[OUTER]]))
// CHECK-DAG: #[[CST]] = loc("jit(f)/outer/inner/constant"(#[[OUTER]]))
// CHECK-DAG: #[[MAX]] = loc("jit(f)/outer/inner/relu_max"(#[[OUTER]]))
// CHECK-DAG: #[[ADD]] = loc("jit(f)/add")
func.func private @relu(%a: tensor<4xf32>) -> tensor<4xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<4xf32>
  %r = stablehlo.maximum %a, %z : tensor<4xf32> loc("relu_max")
  return %r : tensor<4xf32>
}
func.func private @outer(%a: tensor<4xf32>) -> tensor<4xf32> {
  %n = stablehlo.negate %a : tensor<4xf32>
  %r = func.call @relu(%n) : (tensor<4xf32>) -> tensor<4xf32> loc("inner")
  return %r : tensor<4xf32>
}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = func.call @outer(%x) : (tensor<4xf32>) -> tensor<4xf32> loc("jit(f)/outer")
  %1 = stablehlo.add %0, %x : tensor<4xf32> loc("jit(f)/add")
  return %1 : tensor<4xf32>
}
