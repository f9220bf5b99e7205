// int16 ADDs that broadcast become SUBs: x + c as x - (-c), the negated constant quantized with c's type (rebuilt
// through its broadcast); x + broadcast(y) as x - broadcast(y * -1), the product on y's grid. An ADD of two
// activations of one shape, and an int8 ADD of a constant, stay.
// RUN: shloq-opt --split-input-file -p shloq-int16-broadcast-add %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[C:.*]] = stablehlo.constant dense<[-1.000000e+00, 2.000000e+00, -3.000000e+00, -5.000000e-01]> : tensor<4xf32>
// CHECK-NEXT: %[[B:.*]] = stablehlo.broadcast_in_dim %[[C]], dims = [1] : (tensor<4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[Q:.*]] = stablehlo.uniform_quantize %[[B]] : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 1.000000e-04>>
// CHECK-NEXT: %[[D:.*]] = stablehlo.uniform_dequantize %[[Q]]
// CHECK-NEXT: %[[S:.*]] = stablehlo.subtract %{{.*}}, %[[D]] : tensor<2x4xf32>
// CHECK-NEXT: stablehlo.uniform_quantize %[[S]] : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 2.000000e-03>>
// CHECK-NOT: stablehlo.add
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c = stablehlo.constant dense<[1.0, -2.0, 3.0, 0.5]> : tensor<4xf32>
  %cb = stablehlo.broadcast_in_dim %c, dims = [1] : (tensor<4xf32>) -> tensor<2x4xf32>
  %cq = stablehlo.uniform_quantize %cb : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 1.0e-4>>
  %cd = stablehlo.uniform_dequantize %cq : (tensor<2x4x!quant.uniform<i16:f32, 1.0e-4>>) -> tensor<2x4xf32>
  %0 = stablehlo.uniform_quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 1.0e-3>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<2x4x!quant.uniform<i16:f32, 1.0e-3>>) -> tensor<2x4xf32>
  %2 = stablehlo.add %cd, %1 : tensor<2x4xf32>
  %3 = stablehlo.uniform_quantize %2 : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 2.0e-3>>
  %4 = stablehlo.uniform_dequantize %3 : (tensor<2x4x!quant.uniform<i16:f32, 2.0e-3>>) -> tensor<2x4xf32>
  return %4 : tensor<2x4xf32>
}

// -----
// CHECK-LABEL: func.func @main
// CHECK: %[[Y:.*]] = stablehlo.uniform_dequantize %{{.*}} : (tensor<2x1x!quant.uniform<i16:f32, 5.000000e-04>>)
// CHECK: %[[M1:.*]] = stablehlo.constant dense<-1.000000e+00> : tensor<2x1xf32>
// CHECK-NEXT: %[[MQ:.*]] = stablehlo.uniform_quantize %[[M1]] : (tensor<2x1xf32>) -> tensor<2x1x!quant.uniform<i16:f32, 3.0518509475997192E-5>>
// CHECK-NEXT: %[[MD:.*]] = stablehlo.uniform_dequantize %[[MQ]]
// CHECK-NEXT: %[[P:.*]] = stablehlo.multiply %[[Y]], %[[MD]] : tensor<2x1xf32>
// CHECK-NEXT: %[[PQ:.*]] = stablehlo.uniform_quantize %[[P]] : (tensor<2x1xf32>) -> tensor<2x1x!quant.uniform<i16:f32, 5.000000e-04>>
// CHECK-NEXT: %[[PD:.*]] = stablehlo.uniform_dequantize %[[PQ]]
// CHECK-NEXT: %[[PB:.*]] = stablehlo.broadcast_in_dim %[[PD]], dims = [0, 1] : (tensor<2x1xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[BQ:.*]] = stablehlo.uniform_quantize %[[PB]] : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 5.000000e-04>>
// CHECK-NEXT: %[[BD:.*]] = stablehlo.uniform_dequantize %[[BQ]]
// CHECK-NEXT: stablehlo.subtract %{{.*}}, %[[BD]] : tensor<2x4xf32>
// CHECK-NOT: stablehlo.add
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x1xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.uniform_quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 1.0e-3>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<2x4x!quant.uniform<i16:f32, 1.0e-3>>) -> tensor<2x4xf32>
  %5 = stablehlo.uniform_quantize %y : (tensor<2x1xf32>) -> tensor<2x1x!quant.uniform<i16:f32, 5.0e-4>>
  %6 = stablehlo.uniform_dequantize %5 : (tensor<2x1x!quant.uniform<i16:f32, 5.0e-4>>) -> tensor<2x1xf32>
  %7 = stablehlo.broadcast_in_dim %6, dims = [0, 1] : (tensor<2x1xf32>) -> tensor<2x4xf32>
  %8 = stablehlo.uniform_quantize %7 : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 5.0e-4>>
  %9 = stablehlo.uniform_dequantize %8 : (tensor<2x4x!quant.uniform<i16:f32, 5.0e-4>>) -> tensor<2x4xf32>
  %2 = stablehlo.add %1, %9 : tensor<2x4xf32>
  %3 = stablehlo.uniform_quantize %2 : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 2.0e-3>>
  %4 = stablehlo.uniform_dequantize %3 : (tensor<2x4x!quant.uniform<i16:f32, 2.0e-3>>) -> tensor<2x4xf32>
  return %4 : tensor<2x4xf32>
}

// -----
// CHECK-LABEL: func.func @main
// CHECK: stablehlo.add %{{.*}}, %{{.*}} : tensor<2x4xf32>
// CHECK: stablehlo.add %{{.*}}, %{{.*}} : tensor<2x4xf32>
// CHECK-NOT: stablehlo.subtract
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %0 = stablehlo.uniform_quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 1.0e-3>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<2x4x!quant.uniform<i16:f32, 1.0e-3>>) -> tensor<2x4xf32>
  %5 = stablehlo.uniform_quantize %y : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 5.0e-4>>
  %6 = stablehlo.uniform_dequantize %5 : (tensor<2x4x!quant.uniform<i16:f32, 5.0e-4>>) -> tensor<2x4xf32>
  %2 = stablehlo.add %1, %6 : tensor<2x4xf32>
  %3 = stablehlo.uniform_quantize %2 : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i16:f32, 2.0e-3>>
  %4 = stablehlo.uniform_dequantize %3 : (tensor<2x4x!quant.uniform<i16:f32, 2.0e-3>>) -> tensor<2x4xf32>
  %c = stablehlo.constant dense<0.5> : tensor<2x4xf32>
  %cq = stablehlo.uniform_quantize %c : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 1.0e-2>>
  %cd = stablehlo.uniform_dequantize %cq : (tensor<2x4x!quant.uniform<i8:f32, 1.0e-2>>) -> tensor<2x4xf32>
  %xq = stablehlo.uniform_quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 1.0e-1>>
  %xd = stablehlo.uniform_dequantize %xq : (tensor<2x4x!quant.uniform<i8:f32, 1.0e-1>>) -> tensor<2x4xf32>
  %7 = stablehlo.add %xd, %cd : tensor<2x4xf32>
  %8 = stablehlo.uniform_quantize %7 : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 2.0e-1>>
  %9 = stablehlo.uniform_dequantize %8 : (tensor<2x4x!quant.uniform<i8:f32, 2.0e-1>>) -> tensor<2x4xf32>
  return %4, %9 : tensor<2x4xf32>, tensor<2x4xf32>
}
