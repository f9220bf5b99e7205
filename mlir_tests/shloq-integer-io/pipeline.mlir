// After shloq-mark-sites and shloq-quantize with calibrated ranges, shloq-integer-io gives the model int8 inputs and
// outputs carrying the calibrated scales and zero points.
// RUN: %python -c "import json; json.dump({'sites': {'0': [-1.0, 1.0], '1': [0.0, 2.55], '2': [-1.0, 3.0]}}, open('%t.json', 'w'))"
// RUN: shloq-opt --verify-diagnostics -p 'shloq-mark-sites,shloq-quantize{file=%t.json},shloq-integer-io' %s | FileCheck %s

// [-1, 1]: scale 2/255, zero point -1; [0, 2.55]: 0.01, -128; [-1, 3]: 4/255, round(-128 + 1/scale) = -64.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>, %arg1: tensor<2x4x!quant.uniform<i8:f32, 0.0099999997764825821:-128>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.015686275437474251:-64>> {
// CHECK-DAG: %[[Y:.*]] = stablehlo.uniform_dequantize %arg1
// CHECK-DAG: %[[X:.*]] = stablehlo.uniform_dequantize %arg0
// CHECK: %[[A:.*]] = stablehlo.add %[[X]], %[[Y]] : tensor<2x4xf32>
// CHECK-NEXT: %[[Q:.*]] = stablehlo.uniform_quantize %[[A]] : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.015686275437474251:-64>>
// CHECK-NEXT: return %[[Q]]
// CHECK-NOT: shloq.site
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.add %x, %y : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
