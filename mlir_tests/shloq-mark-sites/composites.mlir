// LiteRT composites are one unit each: tfl.gelu and aten.hardswish.default with their own output site, the resize
// composites sharing their input's site; their decomposition functions get no markers. Other composites are
// outside the catalogue.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// CHECK-NOT: @shloq.site
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[G:.*]] = stablehlo.composite "tfl.gelu" %[[X]]
// CHECK-NEXT: %[[GM:.*]] = stablehlo.custom_call @shloq.site(%[[G]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "gelu", shloq.site = 1 : i64}
// CHECK-NEXT: %[[H:.*]] = stablehlo.composite "aten.hardswish.default" %[[GM]]
// CHECK-NEXT: %[[HM:.*]] = stablehlo.custom_call @shloq.site(%[[H]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "hard_swish", shloq.site = 2 : i64}
// CHECK-NEXT: %[[N:.*]] = stablehlo.composite "tfl.resize_nearest_neighbor" %[[HM]]
// CHECK-NEXT: %[[NM:.*]] = stablehlo.custom_call @shloq.site(%[[N]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "resize_nearest", shloq.site = 2 : i64}
// CHECK-NEXT: %[[B:.*]] = stablehlo.composite "odml.upsample_bilinear2d" %[[NM]]
// CHECK-NEXT: %[[BM:.*]] = stablehlo.custom_call @shloq.site(%[[B]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "resize_bilinear", shloq.site = 2 : i64}
// CHECK-NEXT: return %[[BM]]
func.func private @gelu(%a: tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> {
  %0 = stablehlo.tanh %a : tensor<1x4x4x3xf32>
  return %0 : tensor<1x4x4x3xf32>
}
func.func private @hswish(%a: tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> {
  %0 = stablehlo.abs %a : tensor<1x4x4x3xf32>
  return %0 : tensor<1x4x4x3xf32>
}
func.func private @near(%a: tensor<1x4x4x3xf32>) -> tensor<1x8x8x3xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %0 = stablehlo.pad %a, %z, low = [0, 0, 0, 0], high = [0, 4, 4, 0], interior = [0, 0, 0, 0] : (tensor<1x4x4x3xf32>, tensor<f32>) -> tensor<1x8x8x3xf32>
  return %0 : tensor<1x8x8x3xf32>
}
func.func private @bil(%a: tensor<1x8x8x3xf32>) -> tensor<1x16x16x3xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %0 = stablehlo.pad %a, %z, low = [0, 0, 0, 0], high = [0, 8, 8, 0], interior = [0, 0, 0, 0] : (tensor<1x8x8x3xf32>, tensor<f32>) -> tensor<1x16x16x3xf32>
  return %0 : tensor<1x16x16x3xf32>
}
func.func @main(%x: tensor<1x4x4x3xf32>) -> tensor<1x16x16x3xf32> {
  %0 = stablehlo.composite "tfl.gelu" %x {composite_attributes = {approximate = false}, decomposition = @gelu} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %1 = stablehlo.composite "aten.hardswish.default" %0 {decomposition = @hswish} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %2 = stablehlo.composite "tfl.resize_nearest_neighbor" %1 {composite_attributes = {is_nchw_op = false, size = dense<8> : tensor<2xi64>}, decomposition = @near} : (tensor<1x4x4x3xf32>) -> tensor<1x8x8x3xf32>
  %3 = stablehlo.composite "odml.upsample_bilinear2d" %2 {composite_attributes = {align_corners = false, is_nchw_op = false, size = dense<16> : tensor<2xi64>}, decomposition = @bil} : (tensor<1x8x8x3xf32>) -> tensor<1x16x16x3xf32>
  return %3 : tensor<1x16x16x3xf32>
}

// -----
// A composite LiteRT has no kernel for.
func.func private @other(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = stablehlo.composite "foo.bar" %x {decomposition = @other} : (tensor<4xf32>) -> tensor<4xf32> // expected-error {{'stablehlo.composite' is not in shloq's op catalogue}}
  return %0 : tensor<4xf32>
}
