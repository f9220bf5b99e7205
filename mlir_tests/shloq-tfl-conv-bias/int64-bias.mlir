// 16x8 convs (int16 input) get their int32 bias as an int64 constant with the same integers; an
// int8 conv keeps its int32 bias. Input: the converter's output for a conv + depthwise model.
// RUN: shloq-opt --split-input-file -p shloq-tfl-conv-bias %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[B:.*]] = "tfl.pseudo_const"() <{value = dense<[-2228, -184964]> : tensor<2xi64>}> : () -> tensor<2xi64>
// CHECK-NEXT: "tfl.conv_2d"(%{{.*}}, %{{.*}}, %[[B]])
// CHECK: %[[D:.*]] = "tfl.pseudo_const"() <{value = dense<[-69553, 58586]> : tensor<2xi64>}> : () -> tensor<2xi64>
// CHECK-NEXT: "tfl.depthwise_conv_2d"(%{{.*}}, %{{.*}}, %[[D]])
// CHECK-NOT: quant.uniform<i32
func.func @main(%arg0: tensor<1x4x4x3xf32>) -> tensor<1x4x4x2xf32> {
  %0 = "tfl.pseudo_qconst"() <{qtype = tensor<2x!quant.uniform<i32:f32:0, {4.0E-7,5.0E-7}>>, value = dense<[-69553, 58586]> : tensor<2xi32>}> : () -> tensor<2x!quant.uniform<i32:f32:0, {4.0E-7,5.0E-7}>>
  %1 = "tfl.pseudo_qconst"() <{qtype = tensor<2x!quant.uniform<i32:f32:0, {3.0E-7,3.5E-7}>>, value = dense<[-2228, -184964]> : tensor<2xi32>}> : () -> tensor<2x!quant.uniform<i32:f32:0, {3.0E-7,3.5E-7}>>
  %2 = "tfl.quantize"(%arg0) <{qtype = tensor<1x4x4x3x!quant.uniform<i16:f32, 1.0E-4>>}> : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3x!quant.uniform<i16:f32, 1.0E-4>>
  %3 = "tfl.pseudo_qconst"() <{qtype = tensor<2x1x1x3x!quant.uniform<i8<-127:127>:f32:0, {0.003,0.0035}>>, value = dense<[[[[1, 2, 3]]], [[[4, 5, 6]]]]> : tensor<2x1x1x3xi8>}> : () -> tensor<2x1x1x3x!quant.uniform<i8<-127:127>:f32:0, {0.003,0.0035}>>
  %4 = "tfl.conv_2d"(%2, %3, %1) <{dilation_h_factor = 1 : i32, dilation_w_factor = 1 : i32, fused_activation_function = "RELU", padding = "SAME", stride_h = 1 : i32, stride_w = 1 : i32}> : (tensor<1x4x4x3x!quant.uniform<i16:f32, 1.0E-4>>, tensor<2x1x1x3x!quant.uniform<i8<-127:127>:f32:0, {0.003,0.0035}>>, tensor<2x!quant.uniform<i32:f32:0, {3.0E-7,3.5E-7}>>) -> tensor<1x4x4x2x!quant.uniform<i16:f32, 1.0E-4>>
  %5 = "tfl.pseudo_qconst"() <{qtype = tensor<1x3x3x2x!quant.uniform<i8<-127:127>:f32:3, {0.004,0.005}>>, value = dense<1> : tensor<1x3x3x2xi8>}> : () -> tensor<1x3x3x2x!quant.uniform<i8<-127:127>:f32:3, {0.004,0.005}>>
  %6 = "tfl.depthwise_conv_2d"(%4, %5, %0) <{depth_multiplier = 1 : i32, dilation_h_factor = 1 : i32, dilation_w_factor = 1 : i32, fused_activation_function = "NONE", padding = "SAME", stride_h = 1 : i32, stride_w = 1 : i32}> : (tensor<1x4x4x2x!quant.uniform<i16:f32, 1.0E-4>>, tensor<1x3x3x2x!quant.uniform<i8<-127:127>:f32:3, {0.004,0.005}>>, tensor<2x!quant.uniform<i32:f32:0, {4.0E-7,5.0E-7}>>) -> tensor<1x4x4x2x!quant.uniform<i16:f32, 1.1E-4>>
  %7 = "tfl.dequantize"(%6) : (tensor<1x4x4x2x!quant.uniform<i16:f32, 1.1E-4>>) -> tensor<1x4x4x2xf32>
  return %7 : tensor<1x4x4x2xf32>
}

// -----
// CHECK-LABEL: func.func @main
// CHECK: "tfl.conv_2d"(%{{.*}}, %{{.*}}, %{{.*}}) {{.*}} tensor<2x!quant.uniform<i32:f32:0, {3.000000e-07,3.500000e-07}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK-NOT: i64
func.func @main(%arg0: tensor<1x4x4x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>> {
  %1 = "tfl.pseudo_qconst"() <{qtype = tensor<2x!quant.uniform<i32:f32:0, {3.0E-7,3.5E-7}>>, value = dense<[-2228, -184964]> : tensor<2xi32>}> : () -> tensor<2x!quant.uniform<i32:f32:0, {3.0E-7,3.5E-7}>>
  %3 = "tfl.pseudo_qconst"() <{qtype = tensor<2x1x1x3x!quant.uniform<i8<-127:127>:f32:0, {0.003,0.0035}>>, value = dense<1> : tensor<2x1x1x3xi8>}> : () -> tensor<2x1x1x3x!quant.uniform<i8<-127:127>:f32:0, {0.003,0.0035}>>
  %4 = "tfl.conv_2d"(%arg0, %3, %1) <{dilation_h_factor = 1 : i32, dilation_w_factor = 1 : i32, fused_activation_function = "NONE", padding = "SAME", stride_h = 1 : i32, stride_w = 1 : i32}> : (tensor<1x4x4x3x!quant.uniform<i8:f32, 0.1>>, tensor<2x1x1x3x!quant.uniform<i8<-127:127>:f32:0, {0.003,0.0035}>>, tensor<2x!quant.uniform<i32:f32:0, {3.0E-7,3.5E-7}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return %4 : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
}
