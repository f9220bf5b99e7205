// A fixed-range site (softmax output, marked by shloq-mark-sites) is annotated with the catalogue's scale 1/256 and zero point -128, whatever the ranges file says about it.
// RUN: %python -c "import json; json.dump({'sites': {'0': [-4.0, 4.0], '1': [0.0, 0.5]}}, open('%t.json', 'w'))"
// RUN: shloq-opt -p 'shloq-mark-sites,shloq-annotate{file=%t.json}' %s | FileCheck %s

// Input, [-4, 4]: scale 8/255 = 0.0313725509, zero point round(-128 + 127.5) = -1.
// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.composite "quant.fake_quant" %{{.*}}, %{{.*}}, %arg0 {composite_attributes = {dtype = "i8", narrow_range = false, scale = dense<0.0313725509> : tensor<1xf32>, zero_point = dense<-1> : tensor<1xi64>}, decomposition = @quant.fake_quant}
// CHECK-NEXT: stablehlo.reduce(%[[X]] init: %{{.*}}) applies stablehlo.maximum
// CHECK-NOT: stablehlo.composite
// CHECK: %[[D:.*]] = stablehlo.divide
// CHECK-NEXT: %[[S:.*]] = stablehlo.constant dense<3.906250e-03> : tensor<1x1xf32>
// CHECK-NEXT: %[[Z:.*]] = stablehlo.constant dense<-128> : tensor<1x1xi8>
// CHECK-NEXT: %[[O:.*]] = stablehlo.composite "quant.fake_quant" %[[S]], %[[Z]], %[[D]] {composite_attributes = {dtype = "i8", narrow_range = false, scale = dense<3.906250e-03> : tensor<1xf32>, zero_point = dense<-128> : tensor<1xi64>}, decomposition = @quant.fake_quant}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %0 = stablehlo.reduce(%x init: %ninf) applies stablehlo.maximum across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = stablehlo.broadcast_in_dim %0, dims = [0] : (tensor<2xf32>) -> tensor<2x4xf32>
  %2 = stablehlo.subtract %x, %1 : tensor<2x4xf32>
  %3 = stablehlo.exponential %2 : tensor<2x4xf32>
  %4 = stablehlo.reduce(%3 init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %5 = stablehlo.broadcast_in_dim %4, dims = [0] : (tensor<2xf32>) -> tensor<2x4xf32>
  %6 = stablehlo.divide %3, %5 : tensor<2x4xf32>
  return %6 : tensor<2x4xf32>
}
