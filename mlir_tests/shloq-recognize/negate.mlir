// `-x` (jnp.negative) becomes `x * -1`, which LiteRT runs as an int8 MUL; its NEG stayed float.
// RUN: shloq-opt -p shloq-recognize %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[C:.*]] = stablehlo.constant dense<-1.000000e+00> : tensor<f32>
// CHECK: %[[B:.*]] = stablehlo.broadcast_in_dim %[[C]], dims = [] : (tensor<f32>) -> tensor<2x3xf32>
// CHECK: %[[M:.*]] = stablehlo.multiply %arg0, %[[B]] : tensor<2x3xf32>
// CHECK-NOT: stablehlo.negate
// CHECK: return %[[M]]
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = stablehlo.negate %x : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
