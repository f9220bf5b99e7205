// Each activation marker adds two scalar results, a min and a max reduce over all dims of the marker's finite values
// (non-finite elements replaced by +inf / -inf through is_finite and select), tagged {shloq.site, shloq.stat, shloq.where}:
// what computes the value measured.
// RUN: shloq-opt -p shloq-instrument %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>, %arg1: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<f32> {shloq.site = 0 : i64, shloq.stat = "min", shloq.where = "input {{.*}}"}, tensor<f32> {shloq.site = 0 : i64, shloq.stat = "max", shloq.where = "input {{.*}}"}, tensor<f32> {shloq.site = 1 : i64, shloq.stat = "min", shloq.where = "input {{.*}}"}, tensor<f32> {shloq.site = 1 : i64, shloq.stat = "max", shloq.where = "input {{.*}}"}, tensor<f32> {shloq.site = 2 : i64, shloq.stat = "min", shloq.where = "'stablehlo.add' at {{.*}}"}, tensor<f32> {shloq.site = 2 : i64, shloq.stat = "max", shloq.where = "'stablehlo.add' at {{.*}}"})
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0)
// CHECK: %[[Y:.*]] = stablehlo.custom_call @shloq.site(%arg1)
// CHECK: %[[O:.*]] = stablehlo.custom_call @shloq.site(%{{.*}})
// CHECK: %[[XF:.*]] = stablehlo.is_finite %[[X]] : (tensor<2x4xf32>) -> tensor<2x4xi1>
// CHECK-NEXT: %[[INFS:.*]] = stablehlo.constant dense<0x7F800000> : tensor<2x4xf32>
// CHECK-NEXT: %[[XS:.*]] = stablehlo.select %[[XF]], %[[X]], %[[INFS]] : tensor<2x4xi1>, tensor<2x4xf32>
// CHECK-NEXT: %[[INF:.*]] = stablehlo.constant dense<0x7F800000> : tensor<f32>
// CHECK-NEXT: %[[XMIN:.*]] = stablehlo.reduce(%[[XS]] init: %[[INF]]) applies stablehlo.minimum across dimensions = [0, 1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<f32>
// CHECK-NEXT: %[[XF2:.*]] = stablehlo.is_finite %[[X]] : (tensor<2x4xf32>) -> tensor<2x4xi1>
// CHECK-NEXT: %[[NINFS:.*]] = stablehlo.constant dense<0xFF800000> : tensor<2x4xf32>
// CHECK-NEXT: %[[XS2:.*]] = stablehlo.select %[[XF2]], %[[X]], %[[NINFS]] : tensor<2x4xi1>, tensor<2x4xf32>
// CHECK-NEXT: %[[NINF:.*]] = stablehlo.constant dense<0xFF800000> : tensor<f32>
// CHECK-NEXT: %[[XMAX:.*]] = stablehlo.reduce(%[[XS2]] init: %[[NINF]]) applies stablehlo.maximum across dimensions = [0, 1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<f32>
// CHECK: %[[YS:.*]] = stablehlo.select %{{.*}}, %[[Y]], %{{.*}}
// CHECK: %[[YMIN:.*]] = stablehlo.reduce(%[[YS]] init: %{{.*}}) applies stablehlo.minimum
// CHECK: %[[YS2:.*]] = stablehlo.select %{{.*}}, %[[Y]], %{{.*}}
// CHECK: %[[YMAX:.*]] = stablehlo.reduce(%[[YS2]] init: %{{.*}}) applies stablehlo.maximum
// CHECK: %[[OS:.*]] = stablehlo.select %{{.*}}, %[[O]], %{{.*}}
// CHECK: %[[OMIN:.*]] = stablehlo.reduce(%[[OS]] init: %{{.*}}) applies stablehlo.minimum
// CHECK: %[[OS2:.*]] = stablehlo.select %{{.*}}, %[[O]], %{{.*}}
// CHECK: %[[OMAX:.*]] = stablehlo.reduce(%[[OS2]] init: %{{.*}}) applies stablehlo.maximum
// CHECK-NEXT: return %[[O]], %[[XMIN]], %[[XMAX]], %[[YMIN]], %[[YMAX]], %[[OMIN]], %[[OMAX]] : tensor<2x4xf32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = stablehlo.custom_call @shloq.site(%y) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x4xf32>
  %3 = stablehlo.custom_call @shloq.site(%2) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}
