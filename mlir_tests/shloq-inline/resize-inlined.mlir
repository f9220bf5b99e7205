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

// Nearest resize of an NCHW tensor, (1, 3, 4, 4) -> (1, 3, 8, 8): the NHWC resize composite between transposes,
// decomposing into an NHWC copy of the function.
// NCHW-LABEL: func.func public @main(%arg0: tensor<1x3x4x4xf32>) -> (tensor<1x3x8x8xf32> {jax.result_info = "result"}) {
// NCHW: %[[X:.*]] = stablehlo.transpose %arg0, dims = [0, 2, 3, 1] : (tensor<1x3x4x4xf32>) -> tensor<1x4x4x3xf32>
// NCHW: %[[R:.*]] = stablehlo.composite "tfl.resize_nearest_neighbor" %[[X]] {{.*}}decomposition = @[[F:.*]]} : (tensor<1x4x4x3xf32>) -> tensor<1x8x8x3xf32>
// NCHW: %[[T:.*]] = stablehlo.transpose %[[R]], dims = [0, 3, 1, 2] : (tensor<1x8x8x3xf32>) -> tensor<1x3x8x8xf32>
// NCHW: return %[[T]]
// NCHW: func.func private @[[F]](%arg0: tensor<1x4x4x3xf32>) -> tensor<1x8x8x3xf32>
