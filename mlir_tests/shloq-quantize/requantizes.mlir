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

// -----
// A MEAN whose output is already 1-D: the converter merges consecutive reshapes, so a reshape to [4] and back
// would vanish and leave the requantize to fold into the MEAN; the flat shape is [1, 4] instead.
// CHECK-NOT: shloq.requantizes
// CHECK-LABEL: func.func @mean_1d
// CHECK: stablehlo.divide
// CHECK: %[[F:.*]] = stablehlo.reshape %{{.*}} : (tensor<4xf32>) -> tensor<1x4xf32>
// CHECK: stablehlo.uniform_quantize %{{.*}} : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i16:f32, {{.*}}>>
// CHECK: stablehlo.reshape %{{.*}} : (tensor<1x4xf32>) -> tensor<4xf32>
func.func @mean_1d(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %n = stablehlo.constant dense<8.0> : tensor<4xf32>
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = stablehlo.reduce(%0 init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<4x8xf32>, tensor<f32>) -> tensor<4xf32>
  %2 = stablehlo.divide %1, %n : tensor<4xf32>
  %3 = stablehlo.custom_call @shloq.site(%2) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "mean", shloq.site = 1 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = stablehlo.custom_call @shloq.site(%3) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 2 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %5 = stablehlo.abs %4 : tensor<4xf32>
  %6 = stablehlo.custom_call @shloq.site(%5) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "abs", shloq.site = 3 : i64, shloq.min = 0.0 : f32, shloq.max = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %6 : tensor<4xf32>
}

// -----
// A value that ops of its own type read too (x squared in int8, and scaled in int16): the converter quantizes no
// user of a dequantize that also feeds a quantize, so the requantize reads its own copy of the value through a
// transpose and its inverse (not reshapes: the converter moves the square after a reshape pair), not recorded.
// CHECK-NOT: shloq.requantizes
// CHECK-LABEL: func.func @shared
// CHECK: %[[A:.*]] = stablehlo.add
// CHECK-NEXT: %[[Q8:.*]] = stablehlo.uniform_quantize %[[A]] : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, [[S8:.*]]>>
// CHECK-NEXT: %[[D8:.*]] = stablehlo.uniform_dequantize %[[Q8]]
// CHECK-NEXT: stablehlo.multiply %[[D8]], %[[D8]]
// CHECK: %[[T:.*]] = stablehlo.transpose %[[D8]], dims = [1, 0] : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: %[[TQ8:.*]] = stablehlo.uniform_quantize %[[T]] : (tensor<3x2xf32>) -> tensor<3x2x!quant.uniform<i8:f32, [[S8]]>>
// CHECK-NEXT: %[[TD8:.*]] = stablehlo.uniform_dequantize %[[TQ8]]
// CHECK-NEXT: %[[TQ16:.*]] = stablehlo.uniform_quantize %[[TD8]] : (tensor<3x2xf32>) -> tensor<3x2x!quant.uniform<i16:f32, [[S16:.*]]>>
// CHECK-NEXT: %[[TD16:.*]] = stablehlo.uniform_dequantize %[[TQ16]]
// CHECK-NEXT: %[[B:.*]] = stablehlo.transpose %[[TD16]], dims = [1, 0] : (tensor<3x2xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[Q16:.*]] = stablehlo.uniform_quantize %[[B]] : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i16:f32, [[S16]]>>
// CHECK-NEXT: %[[D16:.*]] = stablehlo.uniform_dequantize %[[Q16]]
// CHECK: stablehlo.multiply %[[D16]], %{{.*}}
func.func @shared(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.add %0, %0 : tensor<2x3xf32>
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 1 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = stablehlo.multiply %2, %2 : tensor<2x3xf32>
  %4 = stablehlo.custom_call @shloq.site(%3) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "multiply", shloq.site = 2 : i64, shloq.min = 0.0 : f32, shloq.max = 4.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = stablehlo.custom_call @shloq.site(%2) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 3 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = stablehlo.custom_call @shloq.site(%y) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 4 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = stablehlo.multiply %5, %6 : tensor<2x3xf32>
  %8 = stablehlo.custom_call @shloq.site(%7) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "multiply", shloq.site = 5 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %4, %8 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----
// An int16 MUL that broadcasts (centred * broadcast(rsqrt(var)) in a layer norm), requantized to int8: the
// converter folds the broadcast into the MUL and the requantize too, and its verifier wants equal operand shapes for
// int16 inputs and an int8 output (OpSpec.broadcasting_fold_fails), so the requantize moves between reshapes.
// CHECK-NOT: shloq.requantizes
// CHECK-LABEL: func.func @broadcasting_multiply
// CHECK: %[[M:.*]] = stablehlo.multiply
// CHECK-NEXT: %[[Q16:.*]] = stablehlo.uniform_quantize %[[M]] : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i16:f32, [[S16:.*]]>>
// CHECK-NEXT: %[[D16:.*]] = stablehlo.uniform_dequantize %[[Q16]]
// CHECK-NEXT: %[[F:.*]] = stablehlo.reshape %[[D16]] : (tensor<2x3xf32>) -> tensor<6xf32>
// CHECK-NEXT: %[[FQ16:.*]] = stablehlo.uniform_quantize %[[F]] : (tensor<6xf32>) -> tensor<6x!quant.uniform<i16:f32, [[S16]]>>
// CHECK-NEXT: %[[FD16:.*]] = stablehlo.uniform_dequantize %[[FQ16]]
// CHECK-NEXT: %[[FQ8:.*]] = stablehlo.uniform_quantize %[[FD16]] : (tensor<6xf32>) -> tensor<6x!quant.uniform<i8:f32, [[S8:.*]]>>
// CHECK-NEXT: %[[FD8:.*]] = stablehlo.uniform_dequantize %[[FQ8]]
// CHECK-NEXT: %[[B:.*]] = stablehlo.reshape %[[FD8]] : (tensor<6xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[Q8:.*]] = stablehlo.uniform_quantize %[[B]] : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, [[S8]]>>
// CHECK-NEXT: %[[D8:.*]] = stablehlo.uniform_dequantize %[[Q8]]
// CHECK-NEXT: stablehlo.abs %[[D8]]
func.func @broadcasting_multiply(%x: tensor<2x3xf32>, %y: tensor<2xf32>) -> tensor<2x3xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.custom_call @shloq.site(%y) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64, shloq.min = 0.0 : f32, shloq.max = 2.0 : f32} : (tensor<2xf32>) -> tensor<2xf32>
  %2 = stablehlo.broadcast_in_dim %1, dims = [0] : (tensor<2xf32>) -> tensor<2x3xf32>
  %3 = stablehlo.custom_call @shloq.site(%2) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "broadcast", shloq.site = 1 : i64, shloq.min = 0.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = stablehlo.multiply %0, %3 : tensor<2x3xf32> loc("model/mul")
  %5 = stablehlo.custom_call @shloq.site(%4) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "multiply", shloq.site = 2 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = stablehlo.custom_call @shloq.site(%5) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 3 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = stablehlo.abs %6 : tensor<2x3xf32>
  %8 = stablehlo.custom_call @shloq.site(%7) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "abs", shloq.site = 4 : i64, shloq.min = 0.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %8 : tensor<2x3xf32>
}

// -----
// The same MUL in int8 requantized to int16 verifies (an int16 output may broadcast): the requantize is recorded.
// CHECK: module attributes {shloq.requantizes = [{at = "loc(\22model/mul\22)", from = !quant.uniform<i8:f32, {{.*}}>, to = !quant.uniform<i16:f32, {{.*}}>}]}
// CHECK-LABEL: func.func @broadcasting_multiply_to_int16
// CHECK-NOT: stablehlo.reshape
func.func @broadcasting_multiply_to_int16(%x: tensor<2x3xf32>, %y: tensor<2xf32>) -> tensor<2x3xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.custom_call @shloq.site(%y) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64, shloq.min = 0.0 : f32, shloq.max = 2.0 : f32} : (tensor<2xf32>) -> tensor<2xf32>
  %2 = stablehlo.broadcast_in_dim %1, dims = [0] : (tensor<2xf32>) -> tensor<2x3xf32>
  %3 = stablehlo.custom_call @shloq.site(%2) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "broadcast", shloq.site = 1 : i64, shloq.min = 0.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = stablehlo.multiply %0, %3 : tensor<2x3xf32> loc("model/mul")
  %5 = stablehlo.custom_call @shloq.site(%4) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "multiply", shloq.site = 2 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = stablehlo.custom_call @shloq.site(%5) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 3 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = stablehlo.abs %6 : tensor<2x3xf32>
  %8 = stablehlo.custom_call @shloq.site(%7) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "abs", shloq.site = 4 : i64, shloq.min = 0.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %8 : tensor<2x3xf32>
}

// -----
// An int8 ADD of a broadcast bias requantized to int16: an ADD with an int16 output needs equal operand shapes.
// CHECK-NOT: shloq.requantizes
// CHECK-LABEL: func.func @broadcasting_add
// CHECK: %[[A:.*]] = stablehlo.add
// CHECK-NEXT: stablehlo.uniform_quantize %[[A]] : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, {{.*}}>>
// CHECK-NEXT: %[[D8:.*]] = stablehlo.uniform_dequantize
// CHECK-NEXT: stablehlo.reshape %[[D8]] : (tensor<2x3xf32>) -> tensor<6xf32>
// CHECK: stablehlo.uniform_quantize %{{.*}} : (tensor<6xf32>) -> tensor<6x!quant.uniform<i16:f32, {{.*}}>>
// CHECK: stablehlo.reshape %{{.*}} : (tensor<6xf32>) -> tensor<2x3xf32>
func.func @broadcasting_add(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %bias = stablehlo.constant dense<[0.5, -0.25, 0.125]> : tensor<3xf32>
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.broadcast_in_dim %bias, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant", shloq.site = 1 : i64, shloq.min = -0.25 : f32, shloq.max = 0.5 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = stablehlo.add %0, %2 : tensor<2x3xf32> loc("model/add")
  %4 = stablehlo.custom_call @shloq.site(%3) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = stablehlo.custom_call @shloq.site(%4) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "input", shloq.site = 3 : i64, shloq.min = -2.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = stablehlo.abs %5 : tensor<2x3xf32>
  %7 = stablehlo.custom_call @shloq.site(%6) {shloq.dtype = "i16", shloq.kind = "activation", shloq.op = "abs", shloq.site = 4 : i64, shloq.min = 0.0 : f32, shloq.max = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %7 : tensor<2x3xf32>
}
