// Markers that share a shloq.site (here a reshape and a transpose reuse their input's scale, as shloq-mark-sites marks them) get identical composite attributes: one scale and zero point per site. Same-shaped sites share the decomposition; another shape has its own.
// RUN: %python -c "import json; json.dump({'sites': {'0': [-1.0, 3.0]}}, open('%t.json', 'w'))"
// RUN: shloq-opt -p 'shloq-mark-sites,shloq-annotate{file=%t.json}' %s | FileCheck %s

// [-1, 3]: scale 4/255 = 0.0156862754, zero point round(-128 + 63.75) = -64.
// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.composite "quant.fake_quant" %{{.*}}, %{{.*}}, %arg0 {composite_attributes = [[ATTRS:\{dtype = "i8", narrow_range = false, scale = dense<0.0156862754> : tensor<1xf32>, zero_point = dense<-64> : tensor<1xi64>\}]], decomposition = @quant.fake_quant} : (tensor<1x1xf32>, tensor<1x1xi8>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[R:.*]] = stablehlo.reshape %[[X]]
// CHECK: %[[RM:.*]] = stablehlo.composite "quant.fake_quant" %{{.*}}, %{{.*}}, %[[R]] {composite_attributes = [[ATTRS]], decomposition = @quant.fake_quant_0} : (tensor<1x1xf32>, tensor<1x1xi8>, tensor<4x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT: %[[T:.*]] = stablehlo.transpose %[[RM]]
// CHECK: %[[TM:.*]] = stablehlo.composite "quant.fake_quant" %{{.*}}, %{{.*}}, %[[T]] {composite_attributes = [[ATTRS]], decomposition = @quant.fake_quant} : (tensor<1x1xf32>, tensor<1x1xi8>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: return %[[TM]]
// CHECK-COUNT-2: func.func private
// CHECK-NOT: func.func
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.reshape %x : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %1 = stablehlo.transpose %0, dims = [1, 0] : (tensor<4x2xf32>) -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}
