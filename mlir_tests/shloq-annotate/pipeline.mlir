// The whole chain on a dense + bias + ReLU model: inline, bind the weight, mark sites and annotate with calibrated ranges. The unit is fused: composites on the input and the weight and after the ReLU, none between the dot, the bias add and the ReLU (the converter makes one FULLY_CONNECTED with fused RELU and an int32 bias).
// RUN: %python -c "import numpy as np, json; np.savez('%t.npz', **{'params/w': np.array([[1, -2], [3, 4]], np.float32)}); json.dump({'sites': {'0': [-1.0, 1.0], '2': [0.0, 2.55]}}, open('%t.json', 'w'))"
// RUN: shloq-opt -p 'shloq-inline,shloq-bind-params{file=%t.npz},shloq-fold-constants,shloq-mark-sites,shloq-annotate{file=%t.json}' %s | FileCheck %s
// RUN: shloq-opt -p 'shloq-inline,shloq-bind-params{file=%t.npz},shloq-fold-constants,shloq-mark-sites,shloq-annotate{file=%t.json}' %s | %python -c "import sys; from shloq import litert; print(*litert.op_table(litert.to_tflite(sys.stdin.read(), ['x'])), sep='\n')" | FileCheck %s --check-prefix=TFL

// The LiteRT converter (STATIC, strict QDQ) gives one integer FULLY_CONNECTED, ReLU fused:
// TFL: {'op': 'QUANTIZE', 'inputs': ['float32'], 'outputs': ['int8']}
// TFL-NEXT: {'op': 'FULLY_CONNECTED', 'inputs': ['int8', 'int8', 'int32'], 'outputs': ['int8']}
// TFL-NEXT: {'op': 'DEQUANTIZE', 'inputs': ['int8'], 'outputs': ['float32']}
// TFL-NOT: {'op'

// Weight columns' max |w| = 3 and 4: scales 3/127.5 and 4/127.5 along axis 1.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x2xf32>) -> tensor<2x2xf32> {
// CHECK: %[[W:.*]] = stablehlo.composite "quant.fake_quant" %{{.*}}, %{{.*}} {composite_attributes = {dtype = "i8", narrow_range = true, quantization_dimension = 1 : i64, scale = dense<[0.0235294122, 0.0313725509]> : tensor<2xf32>}, decomposition = @quant.fake_quant}
// CHECK: %[[X:.*]] = stablehlo.composite "quant.fake_quant" %{{.*}}, %{{.*}}, %arg0 {composite_attributes = {dtype = "i8", narrow_range = false, scale = dense<0.00784313772> : tensor<1xf32>, zero_point = dense<-1> : tensor<1xi64>}, decomposition = @quant.fake_quant_0}
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %[[X]], %[[W]]
// CHECK-NEXT: stablehlo.constant dense<[5.000000e-01, -2.500000e-01]> : tensor<2xf32>
// CHECK-NEXT: %[[B:.*]] = stablehlo.broadcast_in_dim
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[D]], %[[B]]
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[A]]
// CHECK-NEXT: %[[OS:.*]] = stablehlo.constant dense<0.00999999977> : tensor<1x1xf32>
// CHECK-NEXT: %[[OZ:.*]] = stablehlo.constant dense<-128> : tensor<1x1xi8>
// CHECK-NEXT: %[[O:.*]] = stablehlo.composite "quant.fake_quant" %[[OS]], %[[OZ]], %[[R]] {composite_attributes = {dtype = "i8", narrow_range = false, scale = dense<0.00999999977> : tensor<1xf32>, zero_point = dense<-128> : tensor<1xi64>}, decomposition = @quant.fake_quant_0}
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: shloq.site
// CHECK-NOT: call @dense
func.func private @dense(%x: tensor<2x2xf32>, %w: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %d = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %b = stablehlo.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %bb = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<2xf32>) -> tensor<2x2xf32>
  %a = stablehlo.add %d, %bb : tensor<2x2xf32>
  return %a : tensor<2x2xf32>
}
func.func @main(%x: tensor<2x2xf32> loc("x"), %w: tensor<2x2xf32> loc("params/w")) -> tensor<2x2xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<2x2xf32>
  %0 = func.call @dense(%x, %w) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32> loc("jit(f)/dense")
  %1 = stablehlo.maximum %0, %zero : tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}
