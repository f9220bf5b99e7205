// After ops whose TFL verifier would trip on a folded requantize (GELU, EXP, MEAN, ...), shloq-quantize puts the
// requantize between a reshape to 1-D and one back, which the converter leaves alone; the pass drops the pair.
// RUN: shloq-opt --split-input-file -p shloq-tfl-restore-requantizes %s | FileCheck %s

// CHECK-LABEL: func.func @gelu
// CHECK-NEXT: %[[G:.*]] = "tfl.gelu"(%arg0)
// CHECK-NEXT: %[[Q:.*]] = "tfl.quantize"(%[[G]]) <{qtype = tensor<2x3x!quant.uniform<i16:f32, 1.000000e-04>>}> : (tensor<2x3x!quant.uniform<i8:f32, 2.000000e-02:-5>>) -> tensor<2x3x!quant.uniform<i16:f32, 1.000000e-04>>
// CHECK-NEXT: "tfl.dequantize"(%[[Q]])
// CHECK-NOT: tfl.reshape
// CHECK-NOT: arith.constant
func.func @gelu(%arg0: tensor<2x3x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<2x3xf32> {
  %flat = arith.constant dense<6> : tensor<1xi32>
  %shape = arith.constant dense<[2, 3]> : tensor<2xi32>
  %0 = "tfl.gelu"(%arg0) <{approximate = false}> : (tensor<2x3x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.02:-5>>
  %1 = "tfl.reshape"(%0, %flat) : (tensor<2x3x!quant.uniform<i8:f32, 0.02:-5>>, tensor<1xi32>) -> tensor<6x!quant.uniform<i8:f32, 0.02:-5>>
  %2 = "tfl.quantize"(%1) <{qtype = tensor<6x!quant.uniform<i16:f32, 1.0e-4>>}> : (tensor<6x!quant.uniform<i8:f32, 0.02:-5>>) -> tensor<6x!quant.uniform<i16:f32, 1.0e-4>>
  %3 = "tfl.reshape"(%2, %shape) : (tensor<6x!quant.uniform<i16:f32, 1.0e-4>>, tensor<2xi32>) -> tensor<2x3x!quant.uniform<i16:f32, 1.0e-4>>
  %4 = "tfl.dequantize"(%3) : (tensor<2x3x!quant.uniform<i16:f32, 1.0e-4>>) -> tensor<2x3xf32>
  return %4 : tensor<2x3xf32>
}

// -----
// A requantize within one storage type between reshapes is the model's own: it stays.
// CHECK-LABEL: func.func @same_storage
// CHECK: tfl.reshape
// CHECK: tfl.quantize
// CHECK: tfl.reshape
func.func @same_storage(%arg0: tensor<2x3x!quant.uniform<i8:f32, 0.02:-5>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.04:1>> {
  %flat = arith.constant dense<6> : tensor<1xi32>
  %shape = arith.constant dense<[2, 3]> : tensor<2xi32>
  %1 = "tfl.reshape"(%arg0, %flat) : (tensor<2x3x!quant.uniform<i8:f32, 0.02:-5>>, tensor<1xi32>) -> tensor<6x!quant.uniform<i8:f32, 0.02:-5>>
  %2 = "tfl.quantize"(%1) <{qtype = tensor<6x!quant.uniform<i8:f32, 0.04:1>>}> : (tensor<6x!quant.uniform<i8:f32, 0.02:-5>>) -> tensor<6x!quant.uniform<i8:f32, 0.04:1>>
  %3 = "tfl.reshape"(%2, %shape) : (tensor<6x!quant.uniform<i8:f32, 0.04:1>>, tensor<2xi32>) -> tensor<2x3x!quant.uniform<i8:f32, 0.04:1>>
  return %3 : tensor<2x3x!quant.uniform<i8:f32, 0.04:1>>
}
