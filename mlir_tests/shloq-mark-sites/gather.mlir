// A gather from a constant table by integer indices (an embedding lookup) is a GATHER_ND unit: the table gets a
// marker (shloq.op = "constant"), quantized per tensor, and the rows it returns keep its site; the integer index
// ops need no markers.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// Token ids -> embeddings, then an add with another input.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[T:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant", shloq.site = 1 : i64} : (tensor<10x8xf32>) -> tensor<10x8xf32>
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[I:.*]] = stablehlo.reshape %arg0 : (tensor<2x3xi32>) -> tensor<2x3x1xi32>
// CHECK-NEXT: %[[G:.*]] = "stablehlo.gather"(%[[T]], %[[I]])
// CHECK-NEXT: %[[GM:.*]] = stablehlo.custom_call @shloq.site(%[[G]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "gather", shloq.site = 1 : i64}
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[GM]], %[[X]]
// CHECK-NEXT: %[[AM:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64}
// CHECK-NEXT: return %[[AM]]
func.func @main(%ids: tensor<2x3xi32>, %x: tensor<2x3x8xf32>) -> tensor<2x3x8xf32> {
  %table = stablehlo.constant dense<0.5> : tensor<10x8xf32>
  %i = stablehlo.reshape %ids : (tensor<2x3xi32>) -> tensor<2x3x1xi32>
  %0 = "stablehlo.gather"(%table, %i) <{dimension_numbers = #stablehlo.gather<offset_dims = [2], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 2>, slice_sizes = array<i64: 1, 8>}> : (tensor<10x8xf32>, tensor<2x3x1xi32>) -> tensor<2x3x8xf32>
  %1 = stablehlo.add %0, %x : tensor<2x3x8xf32>
  return %1 : tensor<2x3x8xf32>
}

// -----
// A gather from an activation is no embedding lookup: outside the catalogue.
func.func @main(%x: tensor<10x8xf32>, %ids: tensor<3x1xi32>) -> tensor<3x8xf32> {
  // expected-error @below {{'stablehlo.gather' is not in shloq's op catalogue}}
  %0 = "stablehlo.gather"(%x, %ids) <{dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>, slice_sizes = array<i64: 1, 8>}> : (tensor<10x8xf32>, tensor<3x1xi32>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}
