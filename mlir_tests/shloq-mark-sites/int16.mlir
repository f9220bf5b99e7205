// With act_qtype=int16 (16x8 mode) activation markers are i16, softmax/tanh/logistic take their int16 fixed scales
// (1/32768, zero point 0). GATHER_ND, GELU, PADV2 and CONCATENATION get int16 sites too (the converter takes them
// in int8 and shloq retypes them after); HARD_SWISH, which LiteRT has no int16 kernel for, becomes its decomposition.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p 'shloq-mark-sites{act_qtype=int16}' %s | FileCheck %s

// An add of two inputs, then a softmax and a tanh.
// CHECK-LABEL: func.func @main
// CHECK-DAG: stablehlo.custom_call @shloq.site(%arg1) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64}
// CHECK-DAG: stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[A:.*]] = stablehlo.add
// CHECK-NEXT: %[[AM:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64, shloq.softmax_axis = 4 : i64}
// CHECK: %[[D:.*]] = stablehlo.divide
// CHECK-NEXT: %[[DM:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {shloq.dtype = "i16", shloq.kind = "fixed", shloq.op = "softmax", shloq.scale = 3.05175781E-5 : f32, shloq.site = 3 : i64, shloq.zero_point = 0 : i64}
// CHECK-NEXT: %[[T:.*]] = stablehlo.tanh %[[DM]]
// CHECK-NEXT: %[[TM:.*]] = stablehlo.custom_call @shloq.site(%[[T]]) {shloq.dtype = "i16", shloq.kind = "fixed", shloq.op = "tanh", shloq.scale = 3.05175781E-5 : f32, shloq.site = 4 : i64, shloq.zero_point = 0 : i64}
// CHECK-NEXT: return %[[TM]]
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %a = stablehlo.add %x, %y : tensor<2x4xf32>
  %0 = stablehlo.reduce(%a init: %ninf) applies stablehlo.maximum across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = stablehlo.broadcast_in_dim %0, dims = [0] : (tensor<2xf32>) -> tensor<2x4xf32>
  %2 = stablehlo.subtract %a, %1 : tensor<2x4xf32>
  %3 = stablehlo.exponential %2 : tensor<2x4xf32>
  %4 = stablehlo.reduce(%3 init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %5 = stablehlo.broadcast_in_dim %4, dims = [0] : (tensor<2xf32>) -> tensor<2x4xf32>
  %6 = stablehlo.divide %3, %5 : tensor<2x4xf32>
  %7 = stablehlo.tanh %6 : tensor<2x4xf32>
  return %7 : tensor<2x4xf32>
}

// -----
// An embedding gather, GELU and hard-swish composites, a pad and a concatenate in int16: the hard-swish composite is
// replaced by its decomposition (add 3 with a fused ReLU6, two multiplies), each op with its own int16 site.
// CHECK-LABEL: func.func @main
// CHECK: stablehlo.custom_call @shloq.site(%cst) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "constant", shloq.site = 1 : i64}
// CHECK: %[[G:.*]] = "stablehlo.gather"
// CHECK-NEXT: %[[GM:.*]] = stablehlo.custom_call @shloq.site(%[[G]]) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "gather", shloq.site = 1 : i64}
// CHECK-NEXT: %[[E:.*]] = stablehlo.composite "tfl.gelu" %[[GM]]
// CHECK-NEXT: %[[EM:.*]] = stablehlo.custom_call @shloq.site(%[[E]]) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "gelu"
// CHECK-NOT: aten.hardswish
// CHECK: %[[A:.*]] = stablehlo.add %[[EM]], %{{.*}}
// CHECK-NEXT: %[[C:.*]] = stablehlo.clamp %{{.*}}, %[[A]], %{{.*}}
// CHECK-NEXT: stablehlo.custom_call @shloq.site(%[[C]]) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "add"
// CHECK: stablehlo.multiply %[[EM]]
// CHECK-NEXT: stablehlo.custom_call @shloq.site({{.*}}) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "multiply"
// CHECK: %[[P:.*]] = stablehlo.pad
// CHECK-NEXT: stablehlo.custom_call @shloq.site(%[[P]]) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "pad"
// CHECK: %[[K:.*]] = stablehlo.concatenate
// CHECK-NEXT: stablehlo.custom_call @shloq.site(%[[K]]) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "concatenate"
func.func private @gelu(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  return %a : tensor<2x4xf32>
}
func.func private @hswish(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c3 = stablehlo.constant dense<3.0> : tensor<2x4xf32>
  %c0 = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %c6 = stablehlo.constant dense<6.0> : tensor<2x4xf32>
  %s = stablehlo.constant dense<0.166666672> : tensor<2x4xf32>
  %0 = stablehlo.add %a, %c3 : tensor<2x4xf32>
  %1 = stablehlo.clamp %c0, %0, %c6 : tensor<2x4xf32>
  %2 = stablehlo.multiply %a, %1 : tensor<2x4xf32>
  %3 = stablehlo.multiply %2, %s : tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}
func.func @main(%ids: tensor<2x1xi32>, %y: tensor<2x4xf32>) -> tensor<2x10xf32> {
  %table = stablehlo.constant dense<0.5> : tensor<10x4xf32>
  %pv = stablehlo.constant dense<0.0> : tensor<f32>
  %e = "stablehlo.gather"(%table, %ids) <{dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>, slice_sizes = array<i64: 1, 4>}> : (tensor<10x4xf32>, tensor<2x1xi32>) -> tensor<2x4xf32>
  %0 = stablehlo.composite "tfl.gelu" %e {composite_attributes = {approximate = false}, decomposition = @gelu} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = stablehlo.composite "aten.hardswish.default" %0 {decomposition = @hswish} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = stablehlo.pad %1, %pv, low = [0, 1], high = [0, 1], interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x6xf32>
  %3 = stablehlo.concatenate %2, %y, dim = 1 : (tensor<2x6xf32>, tensor<2x4xf32>) -> tensor<2x10xf32>
  return %3 : tensor<2x10xf32>
}
