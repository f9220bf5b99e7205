// Each decomposition is the fake quant in float StableHLO ops, as LiteRT's kernels and shloq's emulation compute it: divide by the scale, round half away from zero (spelled sign(v) * floor(|v| + 0.5), since the converter legalizes decompositions too and has no op for round_nearest_afz), add the zero point, clamp to the storage range, subtract the zero point, multiply by the scale. Scale and zero point are operands, so composites with the same operand types and range share one decomposition; names are Qwix's (JAX's) @quant.fake_quant, @quant.fake_quant_0, ..., skipping names the module already uses.
// RUN: shloq-opt -p shloq-annotate %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: stablehlo.composite "quant.fake_quant" %{{.*}}, %{{.*}}, %arg0 {{.*}} decomposition = @quant.fake_quant_0}
// CHECK: stablehlo.composite "quant.fake_quant" %{{.*}}, %{{.*}} {{.*}}narrow_range = true{{.*}} decomposition = @quant.fake_quant_1}
// CHECK: stablehlo.composite "quant.fake_quant" %{{.*}}, %{{.*}}, %{{.*}} {{.*}} decomposition = @quant.fake_quant_0}
// CHECK: func.func private @quant.fake_quant(%arg0: tensor<4xf32>) -> tensor<4xf32>

// CHECK-LABEL: func.func private @quant.fake_quant_0(%arg0: tensor<1xf32>, %arg1: tensor<1xi8>, %arg2: tensor<4xf32>) -> tensor<4xf32> {
// CHECK-NEXT: %[[S:.*]] = stablehlo.broadcast_in_dim %arg0, dims = [0] : (tensor<1xf32>) -> tensor<4xf32>
// CHECK-NEXT: %[[V:.*]] = stablehlo.divide %arg2, %[[S]] : tensor<4xf32>
// CHECK-NEXT: %[[A:.*]] = stablehlo.abs %[[V]]
// CHECK-NEXT: %[[H:.*]] = stablehlo.constant dense<5.000000e-01> : tensor<4xf32>
// CHECK-NEXT: %[[AH:.*]] = stablehlo.add %[[A]], %[[H]]
// CHECK-NEXT: %[[F:.*]] = stablehlo.floor %[[AH]]
// CHECK-NEXT: %[[SG:.*]] = stablehlo.sign %[[V]]
// CHECK-NEXT: %[[R:.*]] = stablehlo.multiply %[[SG]], %[[F]]
// CHECK-NEXT: %[[ZF:.*]] = stablehlo.convert %arg1 : (tensor<1xi8>) -> tensor<1xf32>
// CHECK-NEXT: %[[Z:.*]] = stablehlo.broadcast_in_dim %[[ZF]], dims = [0] : (tensor<1xf32>) -> tensor<4xf32>
// CHECK-NEXT: %[[I:.*]] = stablehlo.add %[[R]], %[[Z]]
// CHECK-NEXT: %[[LO:.*]] = stablehlo.constant dense<-1.280000e+02> : tensor<f32>
// CHECK-NEXT: %[[HI:.*]] = stablehlo.constant dense<1.270000e+02> : tensor<f32>
// CHECK-NEXT: %[[C:.*]] = stablehlo.clamp %[[LO]], %[[I]], %[[HI]] : (tensor<f32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
// CHECK-NEXT: %[[D:.*]] = stablehlo.subtract %[[C]], %[[Z]]
// CHECK-NEXT: %[[Y:.*]] = stablehlo.multiply %[[D]], %[[S]]
// CHECK-NEXT: return %[[Y]] : tensor<4xf32>

// Weights are symmetric: no zero point operand, and the narrow range [-127, 127].
// CHECK-LABEL: func.func private @quant.fake_quant_1(%arg0: tensor<1x2xf32>, %arg1: tensor<2x2xf32>) -> tensor<2x2xf32> {
// CHECK-NEXT: %[[S:.*]] = stablehlo.broadcast_in_dim %arg0, dims = [0, 1] : (tensor<1x2xf32>) -> tensor<2x2xf32>
// CHECK-NEXT: %[[V:.*]] = stablehlo.divide %arg1, %[[S]] : tensor<2x2xf32>
// CHECK-NEXT: %[[A:.*]] = stablehlo.abs %[[V]]
// CHECK-NEXT: stablehlo.constant dense<5.000000e-01> : tensor<2x2xf32>
// CHECK-NEXT: stablehlo.add %[[A]]
// CHECK-NEXT: %[[F:.*]] = stablehlo.floor
// CHECK-NEXT: %[[SG:.*]] = stablehlo.sign %[[V]]
// CHECK-NEXT: %[[R:.*]] = stablehlo.multiply %[[SG]], %[[F]]
// CHECK-NEXT: %[[LO:.*]] = stablehlo.constant dense<-1.270000e+02> : tensor<f32>
// CHECK-NEXT: %[[HI:.*]] = stablehlo.constant dense<1.270000e+02> : tensor<f32>
// CHECK-NEXT: %[[C:.*]] = stablehlo.clamp %[[LO]], %[[R]], %[[HI]]
// CHECK-NEXT: %[[Y:.*]] = stablehlo.multiply %[[C]], %[[S]]
// CHECK-NEXT: return %[[Y]] : tensor<2x2xf32>
// CHECK-NOT: func.func
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -2.0 : f32, shloq.max = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %w = stablehlo.constant dense<[[1.0, -2.0], [0.5, 0.25]]> : tensor<2x2xf32>
  %wm = stablehlo.custom_call @shloq.site(%w) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 1 : i64} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %r = stablehlo.reshape %wm : (tensor<2x2xf32>) -> tensor<4xf32>
  %1 = stablehlo.add %0, %r : tensor<4xf32>
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = func.call @quant.fake_quant(%2) : (tensor<4xf32>) -> tensor<4xf32>
  return %3 : tensor<4xf32>
}
func.func private @quant.fake_quant(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
