// Constant contraction operands get weight markers (kind "weight", per-channel shloq.axis = the weight's output-feature dim); activations get kind "activation" and no axis.
// RUN: shloq-opt --split-input-file -p shloq-mark-sites %s | FileCheck %s
// RUN: shloq-opt --split-input-file -p 'shloq-mark-sites{weight_qtype=}' %s | FileCheck %s --check-prefix=NOW

// An OIHW kernel: output features are dim 0.
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = stablehlo.custom_call @shloq.site(%cst) {shloq.axis = 0 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "conv", shloq.site = 1 : i64} : (tensor<3x1x2x2xf32>) -> tensor<3x1x2x2xf32>
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64} : (tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
// CHECK-NEXT: %[[C:.*]] = stablehlo.convolution(%[[X]], %[[W]])
// CHECK-NEXT: stablehlo.custom_call @shloq.site(%[[C]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "conv", shloq.site = 2 : i64}
// NOW-LABEL: func.func @main
// NOW-NOT: shloq.kind = "weight"
// NOW: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// NOW-NEXT: %[[C:.*]] = stablehlo.convolution(%[[X]], %cst)
// NOW-NEXT: stablehlo.custom_call @shloq.site(%[[C]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "conv", shloq.site = 1 : i64}
func.func @main(%x: tensor<1x1x3x3xf32>) -> tensor<1x3x2x2xf32> {
  %w = stablehlo.constant dense<1.0> : tensor<3x1x2x2xf32>
  %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, f, 0, 1]x[o, i, 0, 1]->[b, f, 0, 1], window = {stride = [1, 1]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x1x3x3xf32>, tensor<3x1x2x2xf32>) -> tensor<1x3x2x2xf32>
  return %0 : tensor<1x3x2x2xf32>
}

// -----
// A dense weight stored [out, in] (contracting dim 1): output features are dim 0. The constant reaches the dot
// through a reshape; the marker sits on the dot's operand.
// CHECK-LABEL: func.func @main
// CHECK: %[[R:.*]] = stablehlo.reshape %cst
// CHECK-NEXT: %[[W:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {shloq.axis = 0 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 1 : i64} : (tensor<3x2xf32>) -> tensor<3x2xf32>
// CHECK: stablehlo.dot_general %{{.*}}, %[[W]], contracting_dims = [1] x [1]
// NOW-LABEL: func.func @main
// NOW-NOT: shloq.kind = "weight"
// NOW: stablehlo.dot_general %{{.*}}, %{{[0-9]+}}, contracting_dims = [1] x [1]
func.func @main(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = stablehlo.constant dense<1.0> : tensor<6xf32>
  %r = stablehlo.reshape %w : (tensor<6xf32>) -> tensor<3x2xf32>
  %0 = stablehlo.dot_general %x, %r, contracting_dims = [1] x [1] : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
