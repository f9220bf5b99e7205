// With act_qtype=int16 (16x8 mode) activation markers are i16, softmax/tanh/logistic take their int16 fixed scales
// (1/32768, zero point 0), and ops LiteRT has no int16 kernel for (GELU, HARD_SWISH, PADV2, GATHER_ND) are refused
// in strict mode, or left float with a warning otherwise.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p 'shloq-mark-sites{act_qtype=int16}' %s | FileCheck %s
// RUN: shloq-opt --split-input-file -p 'shloq-mark-sites{act_qtype=int16,strict=false}' %s 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN

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
// GELU and hard-swish composites, a pad and an embedding gather have int8 kernels only.
// WARN: int16.mlir:[[# @LINE + 14]]:{{[0-9]+}}: warning: 'stablehlo.gather' (GATHER_ND) has no int16 LiteRT kernel; it stays float
// WARN: int16.mlir:[[# @LINE + 15]]:{{[0-9]+}}: warning: 'stablehlo.composite' (GELU) has no int16 LiteRT kernel; it stays float
// WARN: int16.mlir:[[# @LINE + 16]]:{{[0-9]+}}: warning: 'stablehlo.composite' (HARD_SWISH) has no int16 LiteRT kernel; it stays float
// WARN: int16.mlir:[[# @LINE + 17]]:{{[0-9]+}}: warning: 'stablehlo.pad' (PADV2) has no int16 LiteRT kernel; it stays float
func.func private @gelu(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  return %a : tensor<2x4xf32>
}
func.func private @hswish(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  return %a : tensor<2x4xf32>
}
func.func @main(%ids: tensor<2x1xi32>) -> tensor<2x6xf32> {
  %table = stablehlo.constant dense<0.5> : tensor<10x4xf32>
  %pv = stablehlo.constant dense<0.0> : tensor<f32>
  // expected-error @below {{'stablehlo.gather' (GATHER_ND) has no int16 LiteRT kernel}}
  %e = "stablehlo.gather"(%table, %ids) <{dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>, slice_sizes = array<i64: 1, 4>}> : (tensor<10x4xf32>, tensor<2x1xi32>) -> tensor<2x4xf32>
  // expected-error @below {{'stablehlo.composite' (GELU) has no int16 LiteRT kernel}}
  %0 = stablehlo.composite "tfl.gelu" %e {composite_attributes = {approximate = false}, decomposition = @gelu} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // expected-error @below {{'stablehlo.composite' (HARD_SWISH) has no int16 LiteRT kernel}}
  %1 = stablehlo.composite "aten.hardswish.default" %0 {decomposition = @hswish} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // expected-error @below {{'stablehlo.pad' (PADV2) has no int16 LiteRT kernel}}
  %2 = stablehlo.pad %1, %pv, low = [0, 1], high = [0, 1], interior = [0, 0] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x6xf32>
  return %2 : tensor<2x6xf32>
}
