// The converter's output for an int16 GELU then an int16 PAD handed over in int8 by shloq-int16-scaffold (requantizes
// between reshapes, named shloq.int16_scaffold): GELU and PADV2 take int16 types on the int16 scales (int8 scale / 256),
// the requantizes and reshapes go, and the pad value becomes an int16 constant of its shape.
// RUN: shloq-opt -p shloq-tfl-retype %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[P:.*]] = arith.constant dense<{{\[\[}}0, 0], [1, 2]]> : tensor<2x2xi64>
// CHECK-NEXT: %[[X:.*]] = "tfl.quantize"(%arg0) <{qtype = tensor<4x8x!quant.uniform<i16:f32, 1.000000e-04>>}>
// CHECK-NEXT: %[[G:.*]] = "tfl.gelu"(%[[X]]) <{approximate = true}> : (tensor<4x8x!quant.uniform<i16:f32, 1.000000e-04>>) -> tensor<4x8x!quant.uniform<i16:f32, 2.000000e-04>>
// CHECK-NEXT: %[[V:.*]] = "tfl.pseudo_qconst"() <{qtype = tensor<!quant.uniform<i16:f32, 2.000000e-04>>, value = dense<0> : tensor<i16>}>
// CHECK-NEXT: %[[PAD:.*]] = "tfl.padv2"(%[[G]], %[[P]], %[[V]]) : (tensor<4x8x!quant.uniform<i16:f32, 2.000000e-04>>, tensor<2x2xi64>, tensor<!quant.uniform<i16:f32, 2.000000e-04>>) -> tensor<4x11x!quant.uniform<i16:f32, 2.000000e-04>>
// CHECK-NEXT: %[[Y:.*]] = "tfl.dequantize"(%[[PAD]])
// CHECK-NEXT: return %[[Y]]
#s = loc("shloq.int16_scaffold"("-":1:1))
func.func @main(%arg0: tensor<4x8xf32>) -> tensor<4x11xf32> {
  %p = arith.constant dense<[[0, 0], [1, 2]]> : tensor<2x2xi64>
  %flat = arith.constant dense<32> : tensor<1xi32>
  %shape = arith.constant dense<[4, 8]> : tensor<2xi32>
  %scalar = arith.constant dense<> : tensor<0xi32>
  %flat2 = arith.constant dense<44> : tensor<1xi32>
  %shape2 = arith.constant dense<[4, 11]> : tensor<2xi32>
  %0 = "tfl.quantize"(%arg0) <{qtype = tensor<4x8x!quant.uniform<i16:f32, 1.0E-4>>}> : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i16:f32, 1.0E-4>>
  %1 = "tfl.reshape"(%0, %flat) : (tensor<4x8x!quant.uniform<i16:f32, 1.0E-4>>, tensor<1xi32>) -> tensor<32x!quant.uniform<i16:f32, 1.0E-4>> loc(#s)
  %2 = "tfl.quantize"(%1) <{qtype = tensor<32x!quant.uniform<i8:f32, 0.0256>>}> : (tensor<32x!quant.uniform<i16:f32, 1.0E-4>>) -> tensor<32x!quant.uniform<i8:f32, 0.0256>> loc(#s)
  %3 = "tfl.reshape"(%2, %shape) : (tensor<32x!quant.uniform<i8:f32, 0.0256>>, tensor<2xi32>) -> tensor<4x8x!quant.uniform<i8:f32, 0.0256>> loc(#s)
  %4 = "tfl.gelu"(%3) <{approximate = true}> : (tensor<4x8x!quant.uniform<i8:f32, 0.0256>>) -> tensor<4x8x!quant.uniform<i8:f32, 0.0512>>
  %5 = "tfl.pseudo_qconst"() <{qtype = tensor<1x!quant.uniform<i16:f32, 2.0E-4>>, value = dense<0> : tensor<1xi16>}> : () -> tensor<1x!quant.uniform<i16:f32, 2.0E-4>> loc(#s)
  %6 = "tfl.quantize"(%5) <{qtype = tensor<1x!quant.uniform<i8:f32, 0.0512>>}> : (tensor<1x!quant.uniform<i16:f32, 2.0E-4>>) -> tensor<1x!quant.uniform<i8:f32, 0.0512>> loc(#s)
  %7 = "tfl.reshape"(%6, %scalar) : (tensor<1x!quant.uniform<i8:f32, 0.0512>>, tensor<0xi32>) -> tensor<!quant.uniform<i8:f32, 0.0512>> loc(#s)
  %8 = "tfl.padv2"(%4, %p, %7) : (tensor<4x8x!quant.uniform<i8:f32, 0.0512>>, tensor<2x2xi64>, tensor<!quant.uniform<i8:f32, 0.0512>>) -> tensor<4x11x!quant.uniform<i8:f32, 0.0512>>
  %9 = "tfl.reshape"(%8, %flat2) : (tensor<4x11x!quant.uniform<i8:f32, 0.0512>>, tensor<1xi32>) -> tensor<44x!quant.uniform<i8:f32, 0.0512>> loc(#s)
  %10 = "tfl.quantize"(%9) <{qtype = tensor<44x!quant.uniform<i16:f32, 2.0E-4>>}> : (tensor<44x!quant.uniform<i8:f32, 0.0512>>) -> tensor<44x!quant.uniform<i16:f32, 2.0E-4>> loc(#s)
  %11 = "tfl.reshape"(%10, %shape2) : (tensor<44x!quant.uniform<i16:f32, 2.0E-4>>, tensor<2xi32>) -> tensor<4x11x!quant.uniform<i16:f32, 2.0E-4>> loc(#s)
  %12 = "tfl.dequantize"(%11) : (tensor<4x11x!quant.uniform<i16:f32, 2.0E-4>>) -> tensor<4x11xf32>
  return %12 : tensor<4x11xf32>
}
