// Each activation marker adds two scalar results, a min and a max reduce over all dims of the marker's value, tagged {shloq.site, shloq.stat}.
// RUN: shloq-opt -p shloq-instrument %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>, %arg1: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<f32> {shloq.site = 0 : i64, shloq.stat = "min"}, tensor<f32> {shloq.site = 0 : i64, shloq.stat = "max"}, tensor<f32> {shloq.site = 1 : i64, shloq.stat = "min"}, tensor<f32> {shloq.site = 1 : i64, shloq.stat = "max"}, tensor<f32> {shloq.site = 2 : i64, shloq.stat = "min"}, tensor<f32> {shloq.site = 2 : i64, shloq.stat = "max"})
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0)
// CHECK: %[[Y:.*]] = stablehlo.custom_call @shloq.site(%arg1)
// CHECK: %[[O:.*]] = stablehlo.custom_call @shloq.site(%{{.*}})
// CHECK: %[[INF:.*]] = stablehlo.constant dense<0x7F800000> : tensor<f32>
// CHECK-NEXT: %[[XMIN:.*]] = stablehlo.reduce(%[[X]] init: %[[INF]]) applies stablehlo.minimum across dimensions = [0, 1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<f32>
// CHECK-NEXT: %[[NINF:.*]] = stablehlo.constant dense<0xFF800000> : tensor<f32>
// CHECK-NEXT: %[[XMAX:.*]] = stablehlo.reduce(%[[X]] init: %[[NINF]]) applies stablehlo.maximum across dimensions = [0, 1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<f32>
// CHECK: %[[YMIN:.*]] = stablehlo.reduce(%[[Y]] init: %{{.*}}) applies stablehlo.minimum
// CHECK: %[[YMAX:.*]] = stablehlo.reduce(%[[Y]] init: %{{.*}}) applies stablehlo.maximum
// CHECK: %[[OMIN:.*]] = stablehlo.reduce(%[[O]] init: %{{.*}}) applies stablehlo.minimum
// CHECK: %[[OMAX:.*]] = stablehlo.reduce(%[[O]] init: %{{.*}}) applies stablehlo.maximum
// CHECK-NEXT: return %[[O]], %[[XMIN]], %[[XMAX]], %[[YMIN]], %[[YMAX]], %[[OMIN]], %[[OMAX]] : tensor<2x4xf32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = stablehlo.custom_call @shloq.site(%y) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x4xf32>
  %3 = stablehlo.custom_call @shloq.site(%2) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}
