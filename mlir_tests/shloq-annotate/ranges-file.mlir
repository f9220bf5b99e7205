// With a json ranges file, every marker becomes a `stablehlo.composite "quant.fake_quant"` in Qwix's form: the quantized tensor is the last operand, after a scale (f32) and, for asymmetric sites, a zero point (i8) operand; activations carry a 1-D scale and i64 zero point, narrow_range = false.
// RUN: %python -c "import json; json.dump({'sites': {'0': [-1.0, 1.0], '2': [0.0, 2.55]}}, open('%t.json', 'w'))"
// RUN: shloq-opt -p 'shloq-annotate{file=%t.json}' %s | FileCheck %s

// The numbers are shloq-quantize's (site_qparams):
// Site 0, [-1, 1]: scale 2/255 = 0.0078431377 (as f32), zero point round(-128 + 127.5) = -1 (half away from zero).
// Site 1, weight columns' max |w| = 4, 5, 6: scales 4/127.5, 5/127.5, 6/127.5 along axis 1, no zero point.
// Site 2, [0, 2.55]: scale 0.01, zero point -128.
// CHECK-LABEL: func.func @main
// CHECK: %[[WS:.*]] = stablehlo.constant dense<{{\[\[}}0.0313725509, 0.0392156877, 0.0470588244]]> : tensor<1x3xf32>
// CHECK-NEXT: %[[W:.*]] = stablehlo.composite "quant.fake_quant" %[[WS]], %cst {composite_attributes = {dtype = "i8", narrow_range = true, quantization_dimension = 1 : i64, scale = dense<[0.0313725509, 0.0392156877, 0.0470588244]> : tensor<3xf32>}, decomposition = @quant.fake_quant} : (tensor<1x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK: %[[XS:.*]] = stablehlo.constant dense<0.00784313772> : tensor<1x1xf32>
// CHECK-NEXT: %[[XZ:.*]] = stablehlo.constant dense<-1> : tensor<1x1xi8>
// CHECK-NEXT: %[[X:.*]] = stablehlo.composite "quant.fake_quant" %[[XS]], %[[XZ]], %arg0 {composite_attributes = {dtype = "i8", narrow_range = false, scale = dense<0.00784313772> : tensor<1xf32>, zero_point = dense<-1> : tensor<1xi64>}, decomposition = @quant.fake_quant_0} : (tensor<1x1xf32>, tensor<1x1xi8>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %[[X]], %[[W]]
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[D]]
// CHECK-NEXT: %[[OS:.*]] = stablehlo.constant dense<0.00999999977> : tensor<1x1xf32>
// CHECK-NEXT: %[[OZ:.*]] = stablehlo.constant dense<-128> : tensor<1x1xi8>
// CHECK-NEXT: %[[O:.*]] = stablehlo.composite "quant.fake_quant" %[[OS]], %[[OZ]], %[[R]] {composite_attributes = {dtype = "i8", narrow_range = false, scale = dense<0.00999999977> : tensor<1xf32>, zero_point = dense<-128> : tensor<1xi64>}, decomposition = @quant.fake_quant_1} : (tensor<1x1xf32>, tensor<1x1xi8>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: shloq.site
// CHECK: func.func private @quant.fake_quant(%arg0: tensor<1x3xf32>, %arg1: tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK: func.func private @quant.fake_quant_0(%arg0: tensor<1x1xf32>, %arg1: tensor<1x1xi8>, %arg2: tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: func.func private @quant.fake_quant_1(%arg0: tensor<1x1xf32>, %arg1: tensor<1x1xi8>, %arg2: tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NOT: shloq.site
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [1.0, -1.0, 0.5], [0.0, 1.0, 2.0]]> : tensor<4x3xf32>
  %wm = stablehlo.custom_call @shloq.site(%w) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 1 : i64} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x3xf32>
  %xm = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %0 = stablehlo.dot_general %xm, %wm, contracting_dims = [1] x [0] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.maximum %0, %zero : tensor<2x3xf32>
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "dense", shloq.site = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}
