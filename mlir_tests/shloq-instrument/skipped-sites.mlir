// Weight and fixed-range (softmax) markers need no calibration: only the activation site gets results; existing result attributes are kept.
// RUN: shloq-opt -p shloq-instrument %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<4xf32>) -> (tensor<2xf32> {jax.result_info = "out"}, tensor<f32> {shloq.site = 0 : i64, shloq.stat = "min", shloq.where = {{"[^"]*"}}}, tensor<f32> {shloq.site = 0 : i64, shloq.stat = "max", shloq.where = {{"[^"]*"}}})
// CHECK-NOT: shloq.site = 1 : i64, shloq.stat
// CHECK-NOT: shloq.site = 2 : i64, shloq.stat
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0)
// CHECK: %[[XS:.*]] = stablehlo.select %{{.*}}, %[[X]], %{{.*}}
// CHECK: stablehlo.reduce(%[[XS]]
// CHECK: %[[XS2:.*]] = stablehlo.select %{{.*}}, %[[X]], %{{.*}}
// CHECK: stablehlo.reduce(%[[XS2]]
// CHECK-NOT: stablehlo.reduce
// CHECK: return
func.func @main(%x: tensor<4xf32>) -> (tensor<2xf32> {jax.result_info = "out"}) {
  %w = stablehlo.constant dense<1.0> : tensor<4x2xf32>
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = stablehlo.custom_call @shloq.site(%w) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %2 = stablehlo.dot_general %0, %1, contracting_dims = [0] x [0] : (tensor<4xf32>, tensor<4x2xf32>) -> tensor<2xf32>
  %3 = stablehlo.custom_call @shloq.site(%2) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "softmax", shloq.scale = 3.906250e-03 : f32, shloq.site = 2 : i64, shloq.zero_point = -128 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  return %3 : tensor<2xf32>
}
