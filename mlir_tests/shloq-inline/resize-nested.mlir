// A jax.image.resize inside a jax.jit-ed helper (main calls @up, which calls @_resize) should become the LiteRT resize
// composite as when main calls @_resize itself.
// RUN: shloq-opt -p shloq-inline %S/Inputs/resize-nested.mlir | FileCheck %s

// CHECK-LABEL: func.func public @main(%arg0: tensor<1x4x4x3xf32>) -> (tensor<1x8x8x3xf32> {jax.result_info = "result"}) {
// CHECK: %[[R:.*]] = stablehlo.composite "tfl.resize_nearest_neighbor" %arg0 {composite_attributes = {is_nchw_op = false, size = dense<8> : tensor<2xi64>}, decomposition = @_resize}
// CHECK: stablehlo.multiply %[[R]]
// CHECK-NOT: func.call
// CHECK: func.func private @_resize(
