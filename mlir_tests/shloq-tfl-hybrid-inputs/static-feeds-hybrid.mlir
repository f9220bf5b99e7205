// A static int8 dense feeds a dynamic-range (hybrid) one: the converter leaves the second FULLY_CONNECTED with an
// int8 input, an int32 bias and a float output, which LiteRT refuses at prepare. The pass dequantizes the input and
// gives the bias as floats (31153 x 4.386e-5 = 1.3665, -29048 x 2.290e-5 = -0.6652); the static dense and its int32
// bias are left alone.
// RUN: shloq-opt -p shloq-tfl-hybrid-inputs %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[B1:.*]] = "tfl.pseudo_qconst"() <{qtype = tensor<3x!quant.uniform<i32:f32:0
// CHECK: %[[H:.*]] = "tfl.fully_connected"(%{{.*}}, %{{.*}}, %[[B1]])
// CHECK: %[[D:.*]] = "tfl.dequantize"(%[[H]]) : (tensor<2x3x!quant.uniform<i8:f32, 0.0053645358420908451:-128>>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[B2:.*]] = arith.constant dense<[1.36648{{[0-9]*}}, -0.66518{{[0-9]*}}]> : tensor<2xf32>
// CHECK-NEXT: "tfl.fully_connected"(%[[D]], %{{.*}}, %[[B2]]) {{.*}} : (tensor<2x3xf32>, tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {{.*}}>>, tensor<2xf32>) -> tensor<2x2xf32>
// CHECK-NOT: tensor<2x!quant.uniform<i32
func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %0 = "tfl.pseudo_qconst"() <{qtype = tensor<2x!quant.uniform<i32:f32:0, {4.3863531878448724E-5,2.2899583037233563E-5}>>, value = dense<[31153, -29048]> : tensor<2xi32>}> {volatile} : () -> tensor<2x!quant.uniform<i32:f32:0, {4.3863531878448724E-5,2.2899583037233563E-5}>>
  %1 = "tfl.pseudo_qconst"() <{qtype = tensor<3x!quant.uniform<i32:f32:0, {1.3029450910243164E-4,9.4631477186548924E-5,7.0316592545395084E-5}>>, value = dense<[-17844, -2312, -17719]> : tensor<3xi32>}> {volatile} : () -> tensor<3x!quant.uniform<i32:f32:0, {1.3029450910243164E-4,9.4631477186548924E-5,7.0316592545395084E-5}>>
  %2 = "tfl.quantize"(%arg0) <{qtype = tensor<2x4x!quant.uniform<i8:f32, 0.012739685364067554:-27>>}> : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.012739685364067554:-27>>
  %3 = "tfl.pseudo_qconst"() <{qtype = tensor<3x4x!quant.uniform<i8<-127:127>:f32:0, {0.010227451100945473,0.0074280858971178532,0.0055194920860230923}>>, value = dense<[[12, 10, 127, -124], [-18, -72, 127, -84], [116, 66, -127, 7]]> : tensor<3x4xi8>}> : () -> tensor<3x4x!quant.uniform<i8<-127:127>:f32:0, {0.010227451100945473,0.0074280858971178532,0.0055194920860230923}>>
  %4 = "tfl.fully_connected"(%2, %3, %1) <{fused_activation_function = "RELU", keep_num_dims = true, weights_format = "DEFAULT"}> : (tensor<2x4x!quant.uniform<i8:f32, 0.012739685364067554:-27>>, tensor<3x4x!quant.uniform<i8<-127:127>:f32:0, {0.010227451100945473,0.0074280858971178532,0.0055194920860230923}>>, tensor<3x!quant.uniform<i32:f32:0, {1.3029450910243164E-4,9.4631477186548924E-5,7.0316592545395084E-5}>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.0053645358420908451:-128>>
  %5 = "tfl.pseudo_qconst"() <{qtype = tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {0.0081765754148364067,0.0042686979286372662}>>, value = dense<[[-90, -39, 127], [-127, 96, -30]]> : tensor<2x3xi8>}> : () -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {0.0081765754148364067,0.0042686979286372662}>>
  %6 = "tfl.fully_connected"(%4, %5, %0) <{fused_activation_function = "NONE", keep_num_dims = true, weights_format = "DEFAULT"}> : (tensor<2x3x!quant.uniform<i8:f32, 0.0053645358420908451:-128>>, tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {0.0081765754148364067,0.0042686979286372662}>>, tensor<2x!quant.uniform<i32:f32:0, {4.3863531878448724E-5,2.2899583037233563E-5}>>) -> tensor<2x2xf32>
  return %6 : tensor<2x2xf32>
}
