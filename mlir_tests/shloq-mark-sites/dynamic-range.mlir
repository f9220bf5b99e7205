// act_qtype=dynamic (activations quantized by LiteRT at run time) marks weights only, as weight-only rules do;
// there an embedding table is a weight too, per row (shloq.axis = 0), or per tensor with
// per_channel_weights=false (no shloq.axis, as the dense weight then has none). int4 weights are for denses
// (int4-conv.mlir); a table stays int8.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p 'shloq-mark-sites{act_qtype=dynamic}' %s | FileCheck %s
// RUN: shloq-opt --split-input-file --verify-diagnostics -p 'shloq-mark-sites{act_qtype=dynamic,per_channel_weights=false}' %s | FileCheck %s --check-prefix=TENSOR
// RUN: shloq-opt --split-input-file --verify-diagnostics -p 'shloq-mark-sites{act_qtype=,weight_qtype=int4}' %s | FileCheck %s --check-prefix=INT4

// CHECK-LABEL: func.func @main
// CHECK-NOT: shloq.kind = "activation"
// CHECK-DAG: stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.axis = 0 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "gather", shloq.site = {{.*}}} : (tensor<10x8xf32>)
// CHECK-DAG: stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = {{.*}}} : (tensor<8x4xf32>)
// CHECK-NOT: shloq.kind = "activation"
// TENSOR-LABEL: func.func @main
// TENSOR-DAG: stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "gather", shloq.site = {{.*}}} : (tensor<10x8xf32>)
// TENSOR-DAG: stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = {{.*}}} : (tensor<8x4xf32>)
// INT4-LABEL: func.func @main
// INT4-DAG: stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.axis = 0 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "gather", shloq.site = {{.*}}} : (tensor<10x8xf32>)
// INT4-DAG: stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.axis = 1 : i64, shloq.dtype = "i4", shloq.kind = "weight", shloq.op = "dense", shloq.site = {{.*}}} : (tensor<8x4xf32>)
func.func @main(%ids: tensor<2x3xi32>) -> tensor<2x3x4xf32> {
  %table = stablehlo.constant dense<0.5> : tensor<10x8xf32>
  %w = stablehlo.constant dense<0.25> : tensor<8x4xf32>
  %i = stablehlo.reshape %ids : (tensor<2x3xi32>) -> tensor<2x3x1xi32>
  %0 = "stablehlo.gather"(%table, %i) <{dimension_numbers = #stablehlo.gather<offset_dims = [2], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 2>, slice_sizes = array<i64: 1, 8>}> : (tensor<10x8xf32>, tensor<2x3x1xi32>) -> tensor<2x3x8xf32>
  %1 = stablehlo.dot_general %0, %w, contracting_dims = [2] x [0] : (tensor<2x3x8xf32>, tensor<8x4xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}
