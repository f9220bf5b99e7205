// Bicubic upsampling (jax.image.resize(..., 'cubic')) has no LiteRT kernel: it must be inlined, not turned into the
// bilinear composite.
// RUN: shloq-opt -p shloq-inline %S/Inputs/resize-cubic.mlir | FileCheck %s

// CHECK-LABEL: func.func public @main(%arg0: tensor<1x4x4x3xf32>) -> (tensor<1x8x8x3xf32> {jax.result_info = "result"}) {
// CHECK-NOT: stablehlo.composite
// CHECK: stablehlo.dot_general %{{.*}}, %arg0
// CHECK: return %{{.*}} : tensor<1x8x8x3xf32>
// CHECK-NEXT: }
// CHECK-NOT: func.func
