// Under the recorded profile (module attribute shloq.profile = "cpu-float-islands") the int8 SOFTMAX the converter's
// QDQ fusion made runs in float: its input dequantized, its output quantized back to the fused op's type, which the
// next op reads. An int8 ADD (XNNPACK has an int8 kernel) and a module without the record are left alone.
// RUN: shloq-opt -p shloq-tfl-float-islands --split-input-file %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[Q:.*]] = "tfl.quantize"(%arg0)
// CHECK-NEXT: %[[D:.*]] = "tfl.dequantize"(%[[Q]]) : (tensor<1x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>) -> tensor<1x4xf32>
// CHECK-NEXT: %[[S:.*]] = "tfl.softmax"(%[[D]]) <{beta = 1.000000e+00 : f32}> : (tensor<1x4xf32>) -> tensor<1x4xf32>
// CHECK-NEXT: %[[R:.*]] = "tfl.quantize"(%[[S]]) <{qtype = tensor<1x4x!quant.uniform<i8:f32, 3.906250e-03:-128>>}>
// CHECK-NEXT: tfl.add(%[[R]], %[[R]]) <{fused_activation_function = "NONE"}> : (tensor<1x4x!quant.uniform<i8:f32, 3.906250e-03:-128>>
module attributes {shloq.profile = "cpu-float-islands"} {
  func.func @main(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %0 = "tfl.quantize"(%arg0) <{qtype = tensor<1x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>}> : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>
    %1 = "tfl.softmax"(%0) <{beta = 1.000000e+00 : f32}> : (tensor<1x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>) -> tensor<1x4x!quant.uniform<i8:f32, 3.906250e-03:-128>>
    %2 = "tfl.add"(%1, %1) <{fused_activation_function = "NONE"}> : (tensor<1x4x!quant.uniform<i8:f32, 3.906250e-03:-128>>, tensor<1x4x!quant.uniform<i8:f32, 3.906250e-03:-128>>) -> tensor<1x4x!quant.uniform<i8:f32, 7.812500e-03:-128>>
    %3 = "tfl.dequantize"(%2) : (tensor<1x4x!quant.uniform<i8:f32, 7.812500e-03:-128>>) -> tensor<1x4xf32>
    return %3 : tensor<1x4xf32>
  }
}

// -----

// CHECK-LABEL: func.func @full_integer
// CHECK: "tfl.softmax"(%{{.*}}) <{beta = 1.000000e+00 : f32}> : (tensor<1x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>) -> tensor<1x4x!quant.uniform<i8:f32, 3.906250e-03:-128>>
// CHECK-NOT: tfl.dequantize"(%{{.*}}) : (tensor<1x4x!quant.uniform<i8:f32, 5.0
module {
  func.func @full_integer(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %0 = "tfl.quantize"(%arg0) <{qtype = tensor<1x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>}> : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>
    %1 = "tfl.softmax"(%0) <{beta = 1.000000e+00 : f32}> : (tensor<1x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>) -> tensor<1x4x!quant.uniform<i8:f32, 3.906250e-03:-128>>
    %2 = "tfl.dequantize"(%1) : (tensor<1x4x!quant.uniform<i8:f32, 3.906250e-03:-128>>) -> tensor<1x4xf32>
    return %2 : tensor<1x4xf32>
  }
}
