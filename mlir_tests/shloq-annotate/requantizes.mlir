// As in shloq-quantize, a marker reading a marker of the other storage type is a requantize the converter would
// fold into its producer: it is recorded in `shloq.requantizes` for shloq-tfl-restore-requantizes, and the two
// composites follow each other.
// RUN: shloq-opt -p shloq-annotate %s | FileCheck %s

// CHECK: module attributes {shloq.requantizes = [{at = "loc(\22model/add\22)", from = !quant.uniform<i16:f32, {{[0-9.]+}}E-5>, to = !quant.uniform<i8:f32, 0.01568627{{[0-9]*}}:-1>}]}
// CHECK: %[[A:.*]] = stablehlo.add
// CHECK: %[[Q16:.*]] = stablehlo.composite "quant.fake_quant" %{{.*}}, %[[A]] {composite_attributes = {dtype = "i16"
// CHECK: stablehlo.composite "quant.fake_quant" %{{.*}}, %{{.*}}, %[[Q16]] {composite_attributes = {dtype = "i8"
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = stablehlo.add %0, %0 : tensor<4xf32> loc("model/add")
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "add", shloq.site = 1 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = stablehlo.custom_call @shloq.site(%2) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 2 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = stablehlo.abs %3 : tensor<4xf32>
  return %4 : tensor<4xf32>
}
