// An embedding table's weight marker (weight-only and dynamic rules) becomes no QDQ pair: the gather reads the int8
// table and its rows are converted and multiplied by their scales, gathered with the same indices when per row
// (scale absmax / 127.5: row 0 1/127.5, an all-zero row 1), one scale when per tensor. (litert-converter 0.5.0
// crashes on a gather from a per-row quantized table.)
// RUN: shloq-opt -p shloq-quantize %s | FileCheck %s
// RUN: sed 's/shloq.axis = 0 : i64, //' %s | shloq-opt -p shloq-quantize - | FileCheck %s --check-prefix=TENSOR

// CHECK-NOT: uniform_quantize
// CHECK-NOT: tensor<3x2xf32>
// CHECK: %[[I:.*]] = stablehlo.reshape %arg0
// CHECK-NEXT: %[[T:.*]] = stablehlo.constant dense<{{\[}}[127, -64], [13, 127], [0, 0]]> : tensor<3x2xi8>
// CHECK-NEXT: %[[G:.*]] = "stablehlo.gather"(%[[T]], %[[I]]) {{.*}}slice_sizes = array<i64: 1, 2>}> : (tensor<3x2xi8>, tensor<2x3x1xi32>) -> tensor<2x3x2xi8>
// CHECK-NEXT: %[[F:.*]] = stablehlo.convert %[[G]] : (tensor<2x3x2xi8>) -> tensor<2x3x2xf32>
// CHECK-NEXT: %[[S:.*]] = stablehlo.constant dense<{{\[}}[0.00784313772], [0.0199215692], [1.000000e+00]]> : tensor<3x1xf32>
// CHECK-NEXT: %[[SG:.*]] = "stablehlo.gather"(%[[S]], %[[I]]) {{.*}}slice_sizes = array<i64: 1, 1>}> : (tensor<3x1xf32>, tensor<2x3x1xi32>) -> tensor<2x3x1xf32>
// CHECK-NEXT: %[[B:.*]] = stablehlo.broadcast_in_dim %[[SG]], dims = [0, 1, 2] : (tensor<2x3x1xf32>) -> tensor<2x3x2xf32>
// CHECK-NEXT: %[[Y:.*]] = stablehlo.multiply %[[F]], %[[B]]
// CHECK-NEXT: return %[[Y]]
// TENSOR: stablehlo.constant dense<{{\[}}[50, -25], [13, 127], [0, 0]]> : tensor<3x2xi8>
// TENSOR: stablehlo.convert
// TENSOR-NEXT: stablehlo.constant dense<0.0199215692> : tensor<f32>
// TENSOR-NEXT: stablehlo.broadcast_in_dim
// TENSOR-NEXT: stablehlo.multiply
func.func @main(%ids: tensor<2x3xi32>) -> tensor<2x3x2xf32> {
  %table = stablehlo.constant dense<[[1.0, -0.5], [0.25, 2.54], [0.0, 0.0]]> : tensor<3x2xf32>
  %m = stablehlo.custom_call @shloq.site(%table) {shloq.axis = 0 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "gather", shloq.site = 0 : i64} : (tensor<3x2xf32>) -> tensor<3x2xf32>
  %i = stablehlo.reshape %ids : (tensor<2x3xi32>) -> tensor<2x3x1xi32>
  %0 = "stablehlo.gather"(%m, %i) <{dimension_numbers = #stablehlo.gather<offset_dims = [2], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 2>, slice_sizes = array<i64: 1, 2>}> : (tensor<3x2xf32>, tensor<2x3x1xi32>) -> tensor<2x3x2xf32>
  return %0 : tensor<2x3x2xf32>
}
