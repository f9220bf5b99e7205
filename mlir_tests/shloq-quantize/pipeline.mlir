// The whole chain on a tiny model: inline, bind the weight, fold rsqrt(var) into it, mark sites and quantize with calibrated ranges.
// RUN: %python -c "import numpy as np, json; np.savez('%t.npz', **{'params/w': np.array([[1, 2], [3, 4]], np.float32)}); json.dump({'sites': {'0': [-1.0, 1.0], '2': [0.0, 2.55]}}, open('%t.json', 'w'))"
// RUN: shloq-opt -p 'shloq-inline,shloq-bind-params{file=%t.npz},shloq-fold-constants,shloq-fold-affine,shloq-mark-sites,shloq-quantize{file=%t.json}' %s | FileCheck %s

// w * rsqrt([4, 16]) per column = [[0.5, 0.5], [1.5, 1.0]]; per-column scales 1.5/127.5 and 1.0/127.5.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x2xf32>) -> tensor<2x2xf32> {
// CHECK: %[[W:.*]] = stablehlo.constant dense<{{\[\[}}5.000000e-01, 5.000000e-01], [1.500000e+00, 1.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: %[[WQ:.*]] = stablehlo.uniform_quantize %[[W]] : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {0.011764706112444401,0.0078431377187371254}>>
// CHECK-NEXT: %[[WD:.*]] = stablehlo.uniform_dequantize %[[WQ]]
// CHECK-NEXT: %[[XQ:.*]] = stablehlo.uniform_quantize %arg0 : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>
// CHECK-NEXT: %[[XD:.*]] = stablehlo.uniform_dequantize %[[XQ]]
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %[[XD]], %[[WD]]
// CHECK-NEXT: stablehlo.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK-NEXT: %[[B:.*]] = stablehlo.broadcast_in_dim
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[D]], %[[B]]
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[A]]
// CHECK-NEXT: %[[OQ:.*]] = stablehlo.uniform_quantize %[[R]] : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i8:f32, 0.0099999997764825821:-128>>
// CHECK-NEXT: %[[O:.*]] = stablehlo.uniform_dequantize %[[OQ]]
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: func.func
func.func private @dense(%x: tensor<2x2xf32>, %w: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %d = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %v = stablehlo.constant dense<[4.0, 16.0]> : tensor<2xf32>
  %s = stablehlo.rsqrt %v : tensor<2xf32>
  %sb = stablehlo.broadcast_in_dim %s, dims = [1] : (tensor<2xf32>) -> tensor<2x2xf32>
  %m = stablehlo.multiply %d, %sb : tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}
func.func @main(%x: tensor<2x2xf32> loc("x"), %w: tensor<2x2xf32> loc("params/w")) -> tensor<2x2xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<2x2xf32>
  %0 = func.call @dense(%x, %w) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32> loc("jit(f)/dense")
  %1 = stablehlo.maximum %0, %zero : tensor<2x2xf32> loc("jit(f)/relu")
  return %1 : tensor<2x2xf32>
}
