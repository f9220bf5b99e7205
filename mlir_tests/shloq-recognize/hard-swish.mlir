// Hard-swish x * relu6(x + 3) / 6 becomes `stablehlo.composite "aten.hardswish.default"` (no attributes) whose
// decomposition is a new private function holding the matched ops.
// RUN: shloq-opt --split-input-file -p shloq-recognize %s | FileCheck %s

// x * (min(max(x + 3, 0), 6) * (1/6)).
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[H:.*]] = stablehlo.composite "aten.hardswish.default" %arg0 {decomposition = @shloq_hard_swish_0} : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: return %[[H]] : tensor<2x4xf32>
// CHECK-NEXT: }
// CHECK-LABEL: func.func private @shloq_hard_swish_0(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK: stablehlo.add %arg0
// CHECK: stablehlo.maximum
// CHECK: stablehlo.minimum
// CHECK: %[[R:.*]] = stablehlo.multiply %arg0, %{{.*}}
// CHECK-NEXT: return %[[R]] : tensor<2x4xf32>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %three = stablehlo.constant dense<3.000000e+00> : tensor<2x4xf32>
  %zero = stablehlo.constant dense<0.000000e+00> : tensor<2x4xf32>
  %six = stablehlo.constant dense<6.000000e+00> : tensor<2x4xf32>
  %sixth = stablehlo.constant dense<0.166666672> : tensor<2x4xf32>
  %0 = stablehlo.add %x, %three : tensor<2x4xf32>
  %1 = stablehlo.maximum %0, %zero : tensor<2x4xf32>
  %2 = stablehlo.minimum %1, %six : tensor<2x4xf32>
  %3 = stablehlo.multiply %2, %sixth : tensor<2x4xf32>
  %4 = stablehlo.multiply %x, %3 : tensor<2x4xf32>
  return %4 : tensor<2x4xf32>
}

// -----
// The ReLU6 spelled as a clamp, and the product in the other order: the same function, the same composite.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[H:.*]] = stablehlo.composite "aten.hardswish.default" %arg0 {decomposition = @shloq_hard_swish_0}
// CHECK-NEXT: return %[[H]] : tensor<2x4xf32>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %three = stablehlo.constant dense<3.000000e+00> : tensor<2x4xf32>
  %zero = stablehlo.constant dense<0.000000e+00> : tensor<2x4xf32>
  %six = stablehlo.constant dense<6.000000e+00> : tensor<2x4xf32>
  %sixth = stablehlo.constant dense<0.166666672> : tensor<2x4xf32>
  %0 = stablehlo.add %x, %three : tensor<2x4xf32>
  %1 = stablehlo.clamp %zero, %0, %six : tensor<2x4xf32>
  %2 = stablehlo.multiply %x, %1 : tensor<2x4xf32>
  %3 = stablehlo.multiply %sixth, %2 : tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}

// -----
// jax.nn.hard_swish's spelling, x * (min(max(x + 3, 0), 6) / 6): the divide by 6, first rewritten as a multiply by
// 1/6, is gone before matching, so the region closes (the decomposition holds the multiply by 0.166666672).
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[H:.*]] = stablehlo.composite "aten.hardswish.default" %arg0 {decomposition = @shloq_hard_swish_0}
// CHECK-NEXT: return %[[H]] : tensor<2x4xf32>
// CHECK-LABEL: func.func private @shloq_hard_swish_0
// CHECK-NOT: stablehlo.divide
// CHECK: stablehlo.constant dense<0.166666672>
// CHECK-NOT: stablehlo.divide
// CHECK: return
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %six = stablehlo.constant dense<6.000000e+00> : tensor<f32>
  %three = stablehlo.constant dense<3.000000e+00> : tensor<f32>
  %zero = stablehlo.constant dense<0.000000e+00> : tensor<f32>
  %0 = stablehlo.broadcast_in_dim %three, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %1 = stablehlo.add %x, %0 : tensor<2x4xf32>
  %2 = stablehlo.broadcast_in_dim %zero, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %3 = stablehlo.maximum %1, %2 : tensor<2x4xf32>
  %4 = stablehlo.broadcast_in_dim %six, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %5 = stablehlo.minimum %3, %4 : tensor<2x4xf32>
  %6 = stablehlo.broadcast_in_dim %six, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %7 = stablehlo.divide %5, %6 : tensor<2x4xf32>
  %8 = stablehlo.multiply %x, %7 : tensor<2x4xf32>
  return %8 : tensor<2x4xf32>
}
