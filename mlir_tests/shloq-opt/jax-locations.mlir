// A module as jax exports it: every op carries its name stack and Python source line (aliases at the end).
// Diagnostics point into this file, as MLIR tools do, with the Python location as a note beside them;
// --verify-diagnostics matches them at their line in this file. An inlined op is reported at the call it
// came from (the inliner gives it the call's location, named `<call>/<op>`).
// RUN: not shloq-opt -p shloq-inline,shloq-mark-sites %s 2>&1 | FileCheck %s
// RUN: shloq-opt --verify-diagnostics -p shloq-inline,shloq-mark-sites %s

// CHECK: jax-locations.mlir:[[# @LINE + 8]]:10: error: 'stablehlo.sine' is not in shloq's op catalogue
// CHECK-NEXT: jax-locations.mlir:[[# @LINE + 7]]:10: note: at jit(f)/sin (model.py:20:11)
// CHECK-NEXT: jax-locations.mlir:[[# @LINE + 8]]:10: error: 'stablehlo.cosine' is not in shloq's op catalogue
// CHECK-NEXT: jax-locations.mlir:[[# @LINE + 7]]:10: note: at jit(f)/jit(wave)/cos (model.py:21:8)
// CHECK-NOT: Traceback
// CHECK-NOT: model.py:{{.*}}: error
func.func public @main(%arg0: tensor<2x4xf32> loc("x")) -> tensor<2x4xf32> {
    // expected-error @below {{'stablehlo.sine' is not in shloq's op catalogue}}
    %0 = stablehlo.sine %arg0 : tensor<2x4xf32> loc(#loc3)
    // expected-error @below {{'stablehlo.cosine' is not in shloq's op catalogue}}
    %1 = call @wave(%0) : (tensor<2x4xf32>) -> tensor<2x4xf32> loc(#loc4)
    return %1 : tensor<2x4xf32> loc(#loc)
} loc(#loc)
func.func private @wave(%arg0: tensor<2x4xf32> loc(unknown)) -> tensor<2x4xf32> {
    %0 = stablehlo.cosine %arg0 : tensor<2x4xf32> loc(#loc5)
    return %0 : tensor<2x4xf32> loc(#loc)
} loc(#loc)
#loc = loc(unknown)
#loc1 = loc("model.py":20:11)
#loc2 = loc("model.py":21:8)
#loc3 = loc("jit(f)/sin"(#loc1))
#loc4 = loc("jit(f)/jit(wave)"(#loc2))
#loc5 = loc("cos")
