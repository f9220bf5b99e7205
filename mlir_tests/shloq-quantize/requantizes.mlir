// A marker that reads a marker of the other storage type (an int8 value meeting an int16 consumer, or the reverse)
// is a requantize. The converter folds it into the producing op, so each one is recorded in the module attribute
// `shloq.requantizes` (the producer's location, its type, the requantized type) for shloq-tfl-restore-requantizes.
// After ops whose TFL verifier would trip on the fold (OpSpec.same_io_type: here EXP), the requantize moves between
// a reshape to 1-D and one back instead, with copies of both markers, and is not recorded.
// RUN: shloq-opt --split-input-file -p shloq-quantize %s | FileCheck %s

// CHECK: module attributes {shloq.requantizes = [{at = "loc(\22model/add\22)", from = !quant.uniform<i8:f32, 0.01568627{{[0-9]*}}:-1>, to = !quant.uniform<i16:f32, {{[0-9.]+}}E-5>}]}
// CHECK-LABEL: func.func @add
// CHECK: %[[A:.*]] = stablehlo.add
// CHECK-NEXT: %[[Q8:.*]] = stablehlo.uniform_quantize %[[A]] : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.01568627{{[0-9]*}}:-1>>
// CHECK-NEXT: %[[D8:.*]] = stablehlo.uniform_dequantize %[[Q8]]
// CHECK-NEXT: %[[Q16:.*]] = stablehlo.uniform_quantize %[[D8]] : (tensor<4xf32>) -> tensor<4x!quant.uniform<i16:f32, {{[0-9.]+}}E-5>>
// CHECK-NEXT: %[[D16:.*]] = stablehlo.uniform_dequantize %[[Q16]]
// CHECK-NEXT: stablehlo.abs %[[D16]]
func.func @add(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = stablehlo.add %0, %0 : tensor<4xf32> loc("model/add")
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 1 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = stablehlo.custom_call @shloq.site(%2) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 2 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = stablehlo.abs %3 : tensor<4xf32>
  %5 = stablehlo.custom_call @shloq.site(%4) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "abs", shloq.site = 3 : i64, shloq.min = 0.0 : f32, shloq.max = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %5 : tensor<4xf32>
}

// -----
// CHECK-NOT: shloq.requantizes
// CHECK-LABEL: func.func @exp
// CHECK: %[[E:.*]] = stablehlo.exponential
// CHECK-NEXT: %[[Q8:.*]] = stablehlo.uniform_quantize %[[E]] : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i8:f32, [[S8:.*]]>>
// CHECK-NEXT: %[[D8:.*]] = stablehlo.uniform_dequantize %[[Q8]]
// CHECK-NEXT: %[[F:.*]] = stablehlo.reshape %[[D8]] : (tensor<2x2xf32>) -> tensor<4xf32>
// CHECK-NEXT: %[[FQ8:.*]] = stablehlo.uniform_quantize %[[F]] : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, [[S8]]>>
// CHECK-NEXT: %[[FD8:.*]] = stablehlo.uniform_dequantize %[[FQ8]]
// CHECK-NEXT: %[[FQ16:.*]] = stablehlo.uniform_quantize %[[FD8]] : (tensor<4xf32>) -> tensor<4x!quant.uniform<i16:f32, [[S16:.*]]>>
// CHECK-NEXT: %[[FD16:.*]] = stablehlo.uniform_dequantize %[[FQ16]]
// CHECK-NEXT: %[[B:.*]] = stablehlo.reshape %[[FD16]] : (tensor<4xf32>) -> tensor<2x2xf32>
// CHECK-NEXT: %[[Q16:.*]] = stablehlo.uniform_quantize %[[B]] : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i16:f32, [[S16]]>>
// CHECK-NEXT: %[[D16:.*]] = stablehlo.uniform_dequantize %[[Q16]]
// CHECK-NEXT: stablehlo.abs %[[D16]]
func.func @exp(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %1 = stablehlo.exponential %0 : tensor<2x2xf32>
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "exp", shloq.site = 1 : i64, shloq.min = 0.0 : f32, shloq.max = 3.0 : f32} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %3 = stablehlo.custom_call @shloq.site(%2) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 2 : i64, shloq.min = 0.0 : f32, shloq.max = 3.0 : f32} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %4 = stablehlo.abs %3 : tensor<2x2xf32>
  %5 = stablehlo.custom_call @shloq.site(%4) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "abs", shloq.site = 3 : i64, shloq.min = 0.0 : f32, shloq.max = 3.0 : f32} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %5 : tensor<2x2xf32>
}
