// A call to JAX's jax.image.resize function (@_resize, @_resize_0, ...) doing an NHWC nearest resize or bilinear
// upsampling becomes a LiteRT resize composite with the output size, whose decomposition is the called function
// (kept, with its own calls inlined); the other private functions are inlined and erased as before.
// RUN: shloq-opt -p shloq-inline %S/Inputs/resize-nearest.mlir | FileCheck %s --check-prefix=NEAREST
// RUN: shloq-opt -p shloq-inline %S/Inputs/resize-bilinear.mlir | FileCheck %s --check-prefix=BILINEAR
// RUN: shloq-opt -p shloq-inline %S/Inputs/resize-two.mlir | FileCheck %s --check-prefix=TWO

// Nearest, (1, 4, 4, 3) -> (1, 8, 8, 3): tfl.resize_nearest_neighbor of size [8, 8], decomposing into the gathers.
// NEAREST-LABEL: func.func public @main(%arg0: tensor<1x4x4x3xf32>) -> (tensor<1x8x8x3xf32> {jax.result_info = "result"}) {
// NEAREST-NEXT: %[[R:.*]] = stablehlo.composite "tfl.resize_nearest_neighbor" %arg0 {composite_attributes = {is_nchw_op = false, size = dense<8> : tensor<2xi64>}, decomposition = @_resize} : (tensor<1x4x4x3xf32>) -> tensor<1x8x8x3xf32>
// NEAREST-NEXT: return %[[R]] : tensor<1x8x8x3xf32>
// NEAREST-NEXT: }
// NEAREST-LABEL: func.func private @_resize(%arg0: tensor<1x4x4x3xf32>) -> tensor<1x8x8x3xf32> {
// NEAREST: "stablehlo.gather"(%arg0,
// NEAREST: %[[G:.*]] = "stablehlo.gather"
// NEAREST-NEXT: return %[[G]] : tensor<1x8x8x3xf32>
// NEAREST-NOT: func.func

// Bilinear, (1, 4, 4, 3) -> (1, 8, 8, 3): odml.upsample_bilinear2d without align_corners; the decomposition's own
// calls (@_where, @_where_0) are inlined into it and those functions erased.
// BILINEAR-LABEL: func.func public @main(%arg0: tensor<1x4x4x3xf32>) -> (tensor<1x8x8x3xf32> {jax.result_info = "result"}) {
// BILINEAR-NEXT: %[[R:.*]] = stablehlo.composite "odml.upsample_bilinear2d" %arg0 {composite_attributes = {align_corners = false, is_nchw_op = false, size = dense<8> : tensor<2xi64>}, decomposition = @_resize} : (tensor<1x4x4x3xf32>) -> tensor<1x8x8x3xf32>
// BILINEAR-NEXT: return %[[R]] : tensor<1x8x8x3xf32>
// BILINEAR-NEXT: }
// BILINEAR-LABEL: func.func private @_resize(%arg0: tensor<1x4x4x3xf32>) -> tensor<1x8x8x3xf32> {
// BILINEAR-NOT: call
// BILINEAR: stablehlo.dot_general %{{.*}}, %arg0
// BILINEAR-NOT: call
// BILINEAR: return %{{.*}} : tensor<1x8x8x3xf32>
// BILINEAR-NEXT: }
// BILINEAR-NOT: func.func

// Two resizes of one input, @_resize to (8, 8) and @_resize_0 to (2, 6): two composites, each with its own size
// and decomposition.
// TWO-LABEL: func.func public @main
// TWO-NEXT: %[[A:.*]] = stablehlo.composite "tfl.resize_nearest_neighbor" %arg0 {composite_attributes = {is_nchw_op = false, size = dense<8> : tensor<2xi64>}, decomposition = @_resize} : (tensor<1x4x4x3xf32>) -> tensor<1x8x8x3xf32>
// TWO-NEXT: %[[B:.*]] = stablehlo.composite "tfl.resize_nearest_neighbor" %arg0 {composite_attributes = {is_nchw_op = false, size = dense<[2, 6]> : tensor<2xi64>}, decomposition = @_resize_0} : (tensor<1x4x4x3xf32>) -> tensor<1x2x6x3xf32>
// TWO-NEXT: return %[[A]], %[[B]]
// TWO-DAG: func.func private @_resize(%arg0: tensor<1x4x4x3xf32>) -> tensor<1x8x8x3xf32>
// TWO-DAG: func.func private @_resize_0(%arg0: tensor<1x4x4x3xf32>) -> tensor<1x2x6x3xf32>
