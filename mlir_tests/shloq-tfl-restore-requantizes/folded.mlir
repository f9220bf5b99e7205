// litert-converter 0.5.0 folds an int8<->int16 requantize into the op that feeds it (FoldTrivalRequantizeOp),
// leaving that op with inputs of one storage type and an output of the other, as below. The pass gives the op back
// the type of the record whose requantized type (`to`) is its output's, and requantizes after it; it consumes the
// records.
// RUN: shloq-opt --split-input-file -p shloq-tfl-restore-requantizes %s | FileCheck %s

// A FULLY_CONNECTED with an int8 input and the int16 output of the folded requantize.
// CHECK-NOT: shloq.requantizes
// CHECK-LABEL: func.func @fc
// CHECK: %[[FC:.*]] = "tfl.fully_connected"(%arg0, %{{.*}}, %{{.*}}) {{.*}} -> tensor<2x3x!quant.uniform<i8:f32, 2.000000e-02:-5>>
// CHECK-NEXT: %[[Q:.*]] = "tfl.quantize"(%[[FC]]) <{qtype = tensor<2x3x!quant.uniform<i16:f32, 1.000000e-04>>}> : (tensor<2x3x!quant.uniform<i8:f32, 2.000000e-02:-5>>) -> tensor<2x3x!quant.uniform<i16:f32, 1.000000e-04>>
// CHECK: "tfl.fully_connected"(%[[Q]],
module attributes {shloq.requantizes = [{at = "loc(\22model/producer/dot_general\22)", from = !quant.uniform<i8:f32, 0.02:-5>, to = !quant.uniform<i16:f32, 1.0e-4>}]} {
  func.func @fc(%arg0: tensor<2x4x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<2x3xf32> {
    %none = "tfl.no_value"() <{value}> : () -> none
    %w = "tfl.pseudo_qconst"() <{qtype = tensor<3x4x!quant.uniform<i8<-127:127>:f32, 0.01>>, value = dense<1> : tensor<3x4xi8>}> : () -> tensor<3x4x!quant.uniform<i8<-127:127>:f32, 0.01>>
    %0 = "tfl.fully_connected"(%arg0, %w, %none) <{fused_activation_function = "NONE", keep_num_dims = true, weights_format = "DEFAULT"}> : (tensor<2x4x!quant.uniform<i8:f32, 0.05:3>>, tensor<3x4x!quant.uniform<i8<-127:127>:f32, 0.01>>, none) -> tensor<2x3x!quant.uniform<i16:f32, 1.0e-4>> loc("model/producer/dot_general")
    %v = "tfl.pseudo_qconst"() <{qtype = tensor<3x3x!quant.uniform<i8<-127:127>:f32, 0.01>>, value = dense<1> : tensor<3x3xi8>}> : () -> tensor<3x3x!quant.uniform<i8<-127:127>:f32, 0.01>>
    %1 = "tfl.fully_connected"(%0, %v, %none) <{fused_activation_function = "NONE", keep_num_dims = true, weights_format = "DEFAULT"}> : (tensor<2x3x!quant.uniform<i16:f32, 1.0e-4>>, tensor<3x3x!quant.uniform<i8<-127:127>:f32, 0.01>>, none) -> tensor<2x3x!quant.uniform<i16:f32, 2.0e-4>>
    %2 = "tfl.dequantize"(%1) : (tensor<2x3x!quant.uniform<i16:f32, 2.0e-4>>) -> tensor<2x3xf32>
    return %2 : tensor<2x3xf32>
  }
}

// -----
// An int16 ADD with the int8 output of the folded requantize. Two records requantize to that int8 type from
// different int16 types: the one whose producer location is part of the op's (fused) location applies.
// CHECK-LABEL: func.func @add
// CHECK: %[[A:.*]] = tfl.add(%arg0, %arg1) {{.*}} -> tensor<4x!quant.uniform<i16:f32, 3.000000e-04>>
// CHECK-NEXT: %[[Q:.*]] = "tfl.quantize"(%[[A]]) <{qtype = tensor<4x!quant.uniform<i8:f32, 1.000000e-01:2>>}>
// CHECK-NEXT: "tfl.dequantize"(%[[Q]])
module attributes {shloq.requantizes = [
    {at = "loc(\22other/add\22)", from = !quant.uniform<i16:f32, 5.0e-4>, to = !quant.uniform<i8:f32, 0.1:2>},
    {at = "loc(\22block/relu\22)", from = !quant.uniform<i16:f32, 3.0e-4>, to = !quant.uniform<i8:f32, 0.1:2>}]} {
  func.func @add(%arg0: tensor<4x!quant.uniform<i16:f32, 1.0e-4>>, %arg1: tensor<4x!quant.uniform<i16:f32, 2.0e-4>>) -> tensor<4xf32> {
    %0 = tfl.add(%arg0, %arg1) <{fused_activation_function = "RELU"}> : (tensor<4x!quant.uniform<i16:f32, 1.0e-4>>, tensor<4x!quant.uniform<i16:f32, 2.0e-4>>) -> tensor<4x!quant.uniform<i8:f32, 0.1:2>> loc(fused["block/add", "block/relu"])
    %1 = "tfl.dequantize"(%0) : (tensor<4x!quant.uniform<i8:f32, 0.1:2>>) -> tensor<4xf32>
    return %1 : tensor<4xf32>
  }
}

// -----
// Records of requantizes the converter kept (the value had other users): nothing to restore.
// CHECK-LABEL: func.func @kept
// CHECK-NEXT: %[[Q:.*]] = "tfl.quantize"(%arg0)
// CHECK-NEXT: %[[A:.*]] = tfl.add(%[[Q]], %[[Q]])
// CHECK-NEXT: return %[[A]], %arg0
module attributes {shloq.requantizes = [{at = "loc(\22f/mul\22)", from = !quant.uniform<i8:f32, 0.1>, to = !quant.uniform<i16:f32, 1.0e-4>}]} {
  func.func @kept(%arg0: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> (tensor<4x!quant.uniform<i16:f32, 2.0e-4>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) {
    %0 = "tfl.quantize"(%arg0) <{qtype = tensor<4x!quant.uniform<i16:f32, 1.0e-4>>}> : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i16:f32, 1.0e-4>>
    %1 = tfl.add(%0, %0) <{fused_activation_function = "NONE"}> : (tensor<4x!quant.uniform<i16:f32, 1.0e-4>>, tensor<4x!quant.uniform<i16:f32, 1.0e-4>>) -> tensor<4x!quant.uniform<i16:f32, 2.0e-4>>
    return %1, %arg0 : tensor<4x!quant.uniform<i16:f32, 2.0e-4>>, tensor<4x!quant.uniform<i8:f32, 0.1>>
  }
}
