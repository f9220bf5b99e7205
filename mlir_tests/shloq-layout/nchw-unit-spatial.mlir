// At 1x1 spatial size (the last blocks of a MobileNet at small inputs) the NCHW<->NHWC transpose
// after a conv only moves unit dimensions and becomes a reshape: it must sink past the bias add,
// the batch-norm's multiply and add (broadcast constants) and the ReLU6 bounds, and past a
// residual add whose other operand is a reshaped conv output too, so each conv's affine ops and
// activation sit directly on its NHWC output (FoldAffine folds them in, the converter fuses them).
// Left at the first broadcast-constant operand, the batch-norm stayed NCHW: a separate ADD.
// RUN: shloq-opt -p shloq-layout %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.reshape %arg0 : (tensor<2x4x1x1xf32>) -> tensor<2x1x1x4xf32>
// CHECK: %[[C1:.*]] = stablehlo.convolution(%[[X]], %{{.*}}) {{.*}} -> tensor<2x1x1x4xf32>
// CHECK: %[[A1:.*]] = stablehlo.add %[[C1]], %{{.*}} : tensor<2x1x1x4xf32>
// CHECK: %[[M1:.*]] = stablehlo.multiply %[[A1]], %{{.*}} : tensor<2x1x1x4xf32>
// CHECK: %[[S1:.*]] = stablehlo.add %[[M1]], %{{.*}} : tensor<2x1x1x4xf32>
// CHECK: %[[R1:.*]] = stablehlo.maximum %[[S1]], %{{.*}} : tensor<2x1x1x4xf32>
// CHECK: %[[R2:.*]] = stablehlo.minimum %[[R1]], %{{.*}} : tensor<2x1x1x4xf32>
// CHECK: %[[C2:.*]] = stablehlo.convolution(%[[R2]], %{{.*}}) {{.*}} -> tensor<2x1x1x4xf32>
// CHECK: %[[A2:.*]] = stablehlo.add %[[C2]], %{{.*}} : tensor<2x1x1x4xf32>
// CHECK: %[[M2:.*]] = stablehlo.multiply %[[A2]], %{{.*}} : tensor<2x1x1x4xf32>
// CHECK: %[[S2:.*]] = stablehlo.add %[[M2]], %{{.*}} : tensor<2x1x1x4xf32>
// CHECK: %[[RES:.*]] = stablehlo.add %[[S2]], %[[R2]] : tensor<2x1x1x4xf32>
// CHECK: %[[Y:.*]] = stablehlo.reshape %[[RES]] : (tensor<2x1x1x4xf32>) -> tensor<2x4x1x1xf32>
// CHECK-NEXT: return %[[Y]]
// CHECK-NOT: stablehlo.transpose
func.func @main(%x: tensor<2x4x1x1xf32>) -> tensor<2x4x1x1xf32> {
  %w1 = stablehlo.constant dense<0.5> : tensor<4x4x1x1xf32>
  %w2 = stablehlo.constant dense<0.25> : tensor<4x4x1x1xf32>
  %b = stablehlo.constant dense<[0.5, -0.5, 1.0, 2.0]> : tensor<4xf32>
  %g = stablehlo.constant dense<[[[[1.5]], [[2.0]], [[0.5]], [[1.0]]]]> : tensor<1x4x1x1xf32>
  %s = stablehlo.constant dense<[[[[0.1]], [[0.2]], [[0.3]], [[0.4]]]]> : tensor<1x4x1x1xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %six = stablehlo.constant dense<6.0> : tensor<f32>
  %0 = stablehlo.convolution(%x, %w1) dim_numbers = [b, f, 0, 1]x[o, i, 0, 1]->[b, f, 0, 1], window = {} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<2x4x1x1xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  %bb = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<4xf32>) -> tensor<2x4x1x1xf32>
  %gb = stablehlo.broadcast_in_dim %g, dims = [0, 1, 2, 3] : (tensor<1x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  %sb = stablehlo.broadcast_in_dim %s, dims = [0, 1, 2, 3] : (tensor<1x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  %zb = stablehlo.broadcast_in_dim %zero, dims = [] : (tensor<f32>) -> tensor<2x4x1x1xf32>
  %sixb = stablehlo.broadcast_in_dim %six, dims = [] : (tensor<f32>) -> tensor<2x4x1x1xf32>
  %1 = stablehlo.add %0, %bb : tensor<2x4x1x1xf32>
  %2 = stablehlo.multiply %1, %gb : tensor<2x4x1x1xf32>
  %3 = stablehlo.add %2, %sb : tensor<2x4x1x1xf32>
  %4 = stablehlo.maximum %3, %zb : tensor<2x4x1x1xf32>
  %5 = stablehlo.minimum %4, %sixb : tensor<2x4x1x1xf32>
  %6 = stablehlo.convolution(%5, %w2) dim_numbers = [b, f, 0, 1]x[o, i, 0, 1]->[b, f, 0, 1], window = {} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<2x4x1x1xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  %7 = stablehlo.add %6, %bb : tensor<2x4x1x1xf32>
  %8 = stablehlo.multiply %7, %gb : tensor<2x4x1x1xf32>
  %9 = stablehlo.add %8, %sb : tensor<2x4x1x1xf32>
  %10 = stablehlo.add %9, %5 : tensor<2x4x1x1xf32>
  return %10 : tensor<2x4x1x1xf32>
}
