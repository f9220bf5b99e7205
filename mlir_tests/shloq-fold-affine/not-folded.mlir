// Left alone: a constant varying along a non-channel dim, constant / x, a plain bias add, a result with two users, a non-constant weight.
// RUN: shloq-opt --split-input-file -p shloq-fold-affine %s | FileCheck %s

// The multiplier varies along dim 0 (rows), not the channel dim 1: nothing changes.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[W:.*]] = stablehlo.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]>
// CHECK-NEXT: %[[K:.*]] = stablehlo.constant dense<[2.000000e+00, 3.000000e+00]>
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %arg0, %[[W]]
// CHECK-NEXT: %[[KB:.*]] = stablehlo.broadcast_in_dim %[[K]], dims = [0]
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %[[D]], %[[KB]]
// CHECK-NEXT: return %[[M]]
func.func @main(%x: tensor<2x2xf32>) -> tensor<2x3xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %k = stablehlo.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.broadcast_in_dim %k, dims = [0] : (tensor<2xf32>) -> tensor<2x3xf32>
  %2 = stablehlo.multiply %0, %1 : tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----
// constant / x is not affine in x.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[W:.*]] = stablehlo.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>
// CHECK-NEXT: %[[K:.*]] = stablehlo.constant dense<[2.000000e+00, 3.000000e+00]>
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %arg0, %[[W]]
// CHECK-NEXT: %[[KB:.*]] = stablehlo.broadcast_in_dim %[[K]]
// CHECK-NEXT: %[[Q:.*]] = stablehlo.divide %[[KB]], %[[D]]
// CHECK-NEXT: return %[[Q]]
func.func @main(%x: tensor<2x1xf32>) -> tensor<2x2xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %k = stablehlo.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x1xf32>, tensor<1x2xf32>) -> tensor<2x2xf32>
  %1 = stablehlo.broadcast_in_dim %k, dims = [1] : (tensor<2xf32>) -> tensor<2x2xf32>
  %2 = stablehlo.divide %1, %0 : tensor<2x2xf32>
  return %2 : tensor<2x2xf32>
}

// -----
// A lone bias add is already in normal form: the bias constant and its broadcast are kept as they are.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[W:.*]] = stablehlo.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>
// CHECK-NEXT: %[[B:.*]] = stablehlo.constant dense<[5.000000e-01, 1.500000e+00]> : tensor<2xf32>
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %arg0, %[[W]]
// CHECK-NEXT: %[[BB:.*]] = stablehlo.broadcast_in_dim %[[B]], dims = [1]
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[D]], %[[BB]]
// CHECK-NEXT: return %[[A]]
func.func @main(%x: tensor<2x1xf32>) -> tensor<2x2xf32> {
  %w = stablehlo.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %b = stablehlo.constant dense<[0.5, 1.5]> : tensor<2xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x1xf32>, tensor<1x2xf32>) -> tensor<2x2xf32>
  %1 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<2xf32>) -> tensor<2x2xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x2xf32>
  return %2 : tensor<2x2xf32>
}

// -----
// The dot's result has a second user, so scaling the weight would change it: nothing is folded.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[W:.*]] = stablehlo.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>
// CHECK-NEXT: %[[K:.*]] = stablehlo.constant dense<3.000000e+00>
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %arg0, %[[W]]
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %[[D]], %[[K]]
// CHECK-NEXT: return %[[M]], %[[D]]
func.func @main(%x: tensor<2x1xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %w = stablehlo.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %k = stablehlo.constant dense<3.0> : tensor<2x2xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x1xf32>, tensor<1x2xf32>) -> tensor<2x2xf32>
  %1 = stablehlo.multiply %0, %k : tensor<2x2xf32>
  return %1, %0 : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----
// A weight that is an argument (not bound to a constant) cannot be scaled.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[K:.*]] = stablehlo.constant dense<3.000000e+00>
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %arg0, %arg1
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %[[D]], %[[K]]
// CHECK-NEXT: return %[[M]]
func.func @main(%x: tensor<2x1xf32>, %w: tensor<1x2xf32>) -> tensor<2x2xf32> {
  %k = stablehlo.constant dense<3.0> : tensor<2x2xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x1xf32>, tensor<1x2xf32>) -> tensor<2x2xf32>
  %1 = stablehlo.multiply %0, %k : tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}
