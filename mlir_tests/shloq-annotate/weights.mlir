// Weights are symmetric, narrow range, per channel: scale absmax / 127.5 per channel along the marker's axis as a 1-D tensor<Cxf32>, quantization_dimension = axis, narrow_range = true and no zero_point (the converter takes 0), as Qwix has it. The scale operand keeps the weight's rank with the channels on the axis. An all-zero channel gets scale 1.0; a weight reached through a reshape is read through it.
// RUN: shloq-opt --split-input-file -p shloq-annotate %s | FileCheck %s

// HWIO conv kernel, channels on axis 3: max |w| = 2.55 and 0 -> scales 0.02 and 1.0.
// CHECK-LABEL: func.func @main
// CHECK: %[[S:.*]] = stablehlo.constant dense<{{\[\[\[\[}}2.000000e-02, 1.000000e+00]]]]> : tensor<1x1x1x2xf32>
// CHECK-NEXT: %[[W:.*]] = stablehlo.composite "quant.fake_quant" %[[S]], %cst {composite_attributes = {dtype = "i8", narrow_range = true, quantization_dimension = 3 : i64, scale = dense<[2.000000e-02, 1.000000e+00]> : tensor<2xf32>}, decomposition = @quant.fake_quant} : (tensor<1x1x1x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
// CHECK-NEXT: stablehlo.convolution(%arg0, %[[W]])
// CHECK: func.func private @quant.fake_quant(%arg0: tensor<1x1x1x2xf32>, %arg1: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = stablehlo.constant dense<[[[[-2.55, 0.0], [1.0, 0.0]]]]> : tensor<1x1x2x2xf32>
  %wm = stablehlo.custom_call @shloq.site(%w) {shloq.axis = 3 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "conv", shloq.site = 0 : i64} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %0 = stablehlo.convolution(%x, %wm) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x4x4x2xf32>
  return %0 : tensor<1x4x4x2xf32>
}

// -----
// Through a reshape, channels on axis 0: rows' max |w| 0 and 2.55 -> scales 1.0 and 0.02.
// CHECK-LABEL: func.func @main
// CHECK: %[[R:.*]] = stablehlo.reshape %cst
// CHECK-NEXT: %[[S:.*]] = stablehlo.constant dense<{{\[\[}}1.000000e+00], [2.000000e-02]]> : tensor<2x1xf32>
// CHECK-NEXT: %[[W:.*]] = stablehlo.composite "quant.fake_quant" %[[S]], %[[R]] {composite_attributes = {dtype = "i8", narrow_range = true, quantization_dimension = 0 : i64, scale = dense<[1.000000e+00, 2.000000e-02]> : tensor<2xf32>}, decomposition = @quant.fake_quant}
// CHECK-NEXT: stablehlo.dot_general %arg0, %[[W]]
func.func @main(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = stablehlo.constant dense<[0.0, 0.0, 0.0, -2.55, 1.27, 0.5]> : tensor<6xf32>
  %r = stablehlo.reshape %w : (tensor<6xf32>) -> tensor<2x3xf32>
  %m = stablehlo.custom_call @shloq.site(%r) {shloq.axis = 0 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = stablehlo.dot_general %x, %m, contracting_dims = [1] x [1] : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----
// A single output channel has a one-element scale and, as in Qwix, no quantization_dimension (the converter makes it per tensor).
// CHECK-LABEL: func.func @main
// CHECK: stablehlo.composite "quant.fake_quant" %{{.*}}, %cst {composite_attributes = {dtype = "i8", narrow_range = true, scale = dense<0.0313725509> : tensor<1xf32>}, decomposition = @quant.fake_quant} : (tensor<1x1xf32>, tensor<3x1xf32>) -> tensor<3x1xf32>
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %w = stablehlo.constant dense<[[1.0], [-4.0], [2.0]]> : tensor<3x1xf32>
  %m = stablehlo.custom_call @shloq.site(%w) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 0 : i64} : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %0 = stablehlo.dot_general %x, %m, contracting_dims = [1] x [0] : (tensor<2x3xf32>, tensor<3x1xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}
