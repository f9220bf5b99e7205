// A requantize of a value that other ops also read (a layer norm's centred x: squared in int8, scaled in int16)
// goes between a transpose and its inverse before conversion: the converter quantizes no user of a dequantize
// that also feeds a quantize, and would move a square after a reshape pair (MoveBinaryOpBeforeReshape). The pass
// drops the transposes, and the permutation constant they share.
// RUN: shloq-opt --split-input-file -p shloq-tfl-restore-requantizes %s | FileCheck %s

// CHECK-LABEL: func.func @centred
// CHECK-NEXT: %[[S:.*]] = tfl.sub
// CHECK-NEXT: %[[Q:.*]] = "tfl.quantize"(%[[S]]) <{qtype = tensor<2x3x!quant.uniform<i16:f32, 1.000000e-04>>}> : (tensor<2x3x!quant.uniform<i8:f32, 2.000000e-02:-5>>) -> tensor<2x3x!quant.uniform<i16:f32, 1.000000e-04>>
// CHECK-NEXT: tfl.mul(%[[S]], %[[S]])
// CHECK-NOT: tfl.transpose
// CHECK-NOT: arith.constant
// CHECK: tfl.mul(%[[Q]], %arg1)
func.func @centred(%arg0: tensor<2x3x!quant.uniform<i8:f32, 0.05:3>>, %arg1: tensor<2x3x!quant.uniform<i16:f32, 2.0e-4>>) -> (tensor<2x3x!quant.uniform<i8:f32, 0.1:-128>>, tensor<2x3x!quant.uniform<i16:f32, 3.0e-4>>) {
  %perm = arith.constant dense<[1, 0]> : tensor<2xi32>
  %s = tfl.sub(%arg0, %arg0) <{fused_activation_function = "NONE"}> : (tensor<2x3x!quant.uniform<i8:f32, 0.05:3>>, tensor<2x3x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.02:-5>>
  %1 = "tfl.transpose"(%s, %perm) : (tensor<2x3x!quant.uniform<i8:f32, 0.02:-5>>, tensor<2xi32>) -> tensor<3x2x!quant.uniform<i8:f32, 0.02:-5>>
  %2 = "tfl.quantize"(%1) <{qtype = tensor<3x2x!quant.uniform<i16:f32, 1.0e-4>>}> : (tensor<3x2x!quant.uniform<i8:f32, 0.02:-5>>) -> tensor<3x2x!quant.uniform<i16:f32, 1.0e-4>>
  %3 = "tfl.transpose"(%2, %perm) : (tensor<3x2x!quant.uniform<i16:f32, 1.0e-4>>, tensor<2xi32>) -> tensor<2x3x!quant.uniform<i16:f32, 1.0e-4>>
  %sq = tfl.mul(%s, %s) <{fused_activation_function = "NONE"}> : (tensor<2x3x!quant.uniform<i8:f32, 0.02:-5>>, tensor<2x3x!quant.uniform<i8:f32, 0.02:-5>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1:-128>>
  %4 = tfl.mul(%3, %arg1) <{fused_activation_function = "NONE"}> : (tensor<2x3x!quant.uniform<i16:f32, 1.0e-4>>, tensor<2x3x!quant.uniform<i16:f32, 2.0e-4>>) -> tensor<2x3x!quant.uniform<i16:f32, 3.0e-4>>
  return %sq, %4 : tensor<2x3x!quant.uniform<i8:f32, 0.1:-128>>, tensor<2x3x!quant.uniform<i16:f32, 3.0e-4>>
}

// -----
// Transposes that do not undo each other are the model's own: they stay.
// CHECK-LABEL: func.func @not_inverse
// CHECK: tfl.transpose
// CHECK: tfl.quantize
// CHECK: tfl.transpose
func.func @not_inverse(%arg0: tensor<2x3x4x!quant.uniform<i8:f32, 0.02:-5>>) -> tensor<4x2x3x!quant.uniform<i16:f32, 1.0e-4>> {
  %perm = arith.constant dense<[1, 2, 0]> : tensor<3xi32>
  %1 = "tfl.transpose"(%arg0, %perm) : (tensor<2x3x4x!quant.uniform<i8:f32, 0.02:-5>>, tensor<3xi32>) -> tensor<3x4x2x!quant.uniform<i8:f32, 0.02:-5>>
  %2 = "tfl.quantize"(%1) <{qtype = tensor<3x4x2x!quant.uniform<i16:f32, 1.0e-4>>}> : (tensor<3x4x2x!quant.uniform<i8:f32, 0.02:-5>>) -> tensor<3x4x2x!quant.uniform<i16:f32, 1.0e-4>>
  %3 = "tfl.transpose"(%2, %perm) : (tensor<3x4x2x!quant.uniform<i16:f32, 1.0e-4>>, tensor<3xi32>) -> tensor<4x2x3x!quant.uniform<i16:f32, 1.0e-4>>
  return %3 : tensor<4x2x3x!quant.uniform<i16:f32, 1.0e-4>>
}
