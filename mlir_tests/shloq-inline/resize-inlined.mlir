// jax.image.resize calls that no LiteRT resize kernel computes the same way are inlined like any other private
// function: no composite, and no function left but main.
// RUN: shloq-opt -p shloq-inline %S/Inputs/resize-bilinear-down.mlir | FileCheck %s --check-prefix=DOWN
// RUN: shloq-opt -p shloq-inline %S/Inputs/resize-nchw.mlir | FileCheck %s --check-prefix=NCHW

// Bilinear downsampling, (1, 4, 4, 3) -> (1, 2, 2, 3): JAX antialiases it, RESIZE_BILINEAR does not.
// DOWN-LABEL: func.func public @main(%arg0: tensor<1x4x4x3xf32>) -> (tensor<1x2x2x3xf32> {jax.result_info = "result"}) {
// DOWN-NOT: stablehlo.composite
// DOWN-NOT: call
// DOWN: stablehlo.dot_general %{{.*}}, %arg0
// DOWN-NOT: call
// DOWN: return %{{.*}} : tensor<1x2x2x3xf32>
// DOWN-NEXT: }
// DOWN-NOT: func.func
// DOWN-NOT: stablehlo.composite

// Nearest resize of an NCHW tensor, (1, 3, 4, 4) -> (1, 3, 8, 8): the last dimension changes, so it is not an
// NHWC resize.
// NCHW-LABEL: func.func public @main(%arg0: tensor<1x3x4x4xf32>) -> (tensor<1x3x8x8xf32> {jax.result_info = "result"}) {
// NCHW-NOT: stablehlo.composite
// NCHW-NOT: call
// NCHW: "stablehlo.gather"(%arg0,
// NCHW: return %{{.*}} : tensor<1x3x8x8xf32>
// NCHW-NEXT: }
// NCHW-NOT: func.func
// NCHW-NOT: stablehlo.composite
