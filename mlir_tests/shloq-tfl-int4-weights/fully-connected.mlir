// After conversion, the weight constants handed to the converter as i8 in [-7, 7] (int4 weights) become i4, same
// values and scales; an int8 weight (i8<-127:127>) is left alone.
// RUN: shloq-opt -p shloq-tfl-int4-weights %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = "tfl.pseudo_qconst"() <{qtype = tensor<3x4x!quant.uniform<i4<-7:7>:f32:0, {0.17386667430400848,0.12627746164798737,0.093831367790699005}>>, value = dense<{{\[}}[1, 1, 7, -7], [-1, -4, 7, -5], [7, 4, -7, 0]]> : tensor<3x4xi4>}>
// CHECK: "tfl.fully_connected"(%arg0, %[[W]], %{{.*}})
// CHECK: "tfl.pseudo_qconst"() <{qtype = tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-01,2.000000e-01}>>, value = dense<{{\[}}[-5, -2, 7], [-7, 6, -2]]> : tensor<2x3xi8>}>
// CHECK-NOT: i8<-7:7>
func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %cst = arith.constant dense<[1.36646342, -0.66519469]> : tensor<2xf32>
  %cst_0 = arith.constant dense<[-2.3250308, -0.218791664, -1.245911]> : tensor<3xf32>
  %0 = "tfl.pseudo_qconst"() <{qtype = tensor<3x4x!quant.uniform<i8<-7:7>:f32:0, {0.17386667430400848,0.12627746164798737,0.093831367790699005}>>, value = dense<[[1, 1, 7, -7], [-1, -4, 7, -5], [7, 4, -7, 0]]> : tensor<3x4xi8>}> : () -> tensor<3x4x!quant.uniform<i8<-7:7>:f32:0, {0.17386667430400848,0.12627746164798737,0.093831367790699005}>>
  %1 = "tfl.fully_connected"(%arg0, %0, %cst_0) <{fused_activation_function = "RELU", keep_num_dims = true, weights_format = "DEFAULT"}> : (tensor<2x4xf32>, tensor<3x4x!quant.uniform<i8<-7:7>:f32:0, {0.17386667430400848,0.12627746164798737,0.093831367790699005}>>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = "tfl.pseudo_qconst"() <{qtype = tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2}>>, value = dense<[[-5, -2, 7], [-7, 6, -2]]> : tensor<2x3xi8>}> : () -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2}>>
  %3 = "tfl.fully_connected"(%1, %2, %cst) <{fused_activation_function = "NONE", keep_num_dims = true, weights_format = "DEFAULT"}> : (tensor<2x3xf32>, tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2}>>, tensor<2xf32>) -> tensor<2x2xf32>
  return %3 : tensor<2x2xf32>
}
