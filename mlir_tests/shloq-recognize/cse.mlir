// shloq-recognize runs CSE first: identical ops (two reductions of one tensor, two equal constants) become one.
// RUN: shloq-opt --split-input-file -p shloq-recognize %s | FileCheck %s

// Two identical reduce-max of x: one reduce, read twice.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2xf32> {
// CHECK-NEXT: %[[I:.*]] = stablehlo.constant dense<0xFF800000> : tensor<f32>
// CHECK-NEXT: %[[R:.*]] = stablehlo.reduce(%arg0 init: %[[I]]) applies stablehlo.maximum across dimensions = [1]
// CHECK-NEXT: %[[S:.*]] = stablehlo.add %[[R]], %[[R]] : tensor<2xf32>
// CHECK-NEXT: return %[[S]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2xf32> {
  %init0 = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %init1 = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %0 = stablehlo.reduce(%x init: %init0) applies stablehlo.maximum across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = stablehlo.reduce(%x init: %init1) applies stablehlo.maximum across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %2 = stablehlo.add %0, %1 : tensor<2xf32>
  return %2 : tensor<2xf32>
}

// -----
// Ops that differ (another reduced dimension) stay apart.
// CHECK-LABEL: func.func @main
// CHECK: stablehlo.reduce(%arg0 init: %{{.*}}) applies stablehlo.maximum across dimensions = [0]
// CHECK-NEXT: stablehlo.reduce(%arg0 init: %{{.*}}) applies stablehlo.maximum across dimensions = [1]
func.func @main(%x: tensor<4x4xf32>) -> tensor<4xf32> {
  %init = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %0 = stablehlo.reduce(%x init: %init) applies stablehlo.maximum across dimensions = [0] : (tensor<4x4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = stablehlo.reduce(%x init: %init) applies stablehlo.maximum across dimensions = [1] : (tensor<4x4xf32>, tensor<f32>) -> tensor<4xf32>
  %2 = stablehlo.add %0, %1 : tensor<4xf32>
  return %2 : tensor<4xf32>
}
