// Divides by a constant: x / c becomes x * (1/c), the reciprocal spelled as c was (a splat or a per-channel vector,
// broadcast); a mean with keepdims, reshape(reduce(x)) / n, becomes reshape(reduce(x) / n); divides the converter
// fuses into a MEAN, and divides that are not by a usable float constant, are left alone.
// RUN: shloq-opt --split-input-file -p shloq-recognize %s | FileCheck %s

// x / 4 is x * 0.25.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[R:.*]] = stablehlo.constant dense<2.500000e-01> : tensor<f32>
// CHECK-NEXT: %[[RB:.*]] = stablehlo.broadcast_in_dim %[[R]], dims = [] : (tensor<f32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[RB]] : tensor<2x4xf32>
// CHECK-NEXT: return %[[M]] : tensor<2x4xf32>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c = stablehlo.constant dense<4.0> : tensor<f32>
  %cb = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %0 = stablehlo.divide %x, %cb : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----
// The numerator may be any activation op (here an add): (x + y) / 8 is (x + y) * 0.125.
// CHECK-LABEL: func.func @main
// CHECK: %[[A:.*]] = stablehlo.add %arg0, %arg1
// CHECK-NEXT: %[[R:.*]] = stablehlo.constant dense<1.250000e-01> : tensor<2x4xf32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %[[A]], %[[R]]
// CHECK-NEXT: return %[[M]]
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c = stablehlo.constant dense<8.0> : tensor<2x4xf32>
  %0 = stablehlo.add %x, %y : tensor<2x4xf32>
  %1 = stablehlo.divide %0, %c : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----
// A mean (reduce-add divided by the count) keeps its divide, which the converter fuses into MEAN.
// CHECK-LABEL: func.func @main
// CHECK: %[[S:.*]] = stablehlo.reduce(%arg0 init: %{{.*}}) applies stablehlo.add across dimensions = [1]
// CHECK-NEXT: %[[D:.*]] = stablehlo.divide %[[S]], %{{.*}} : tensor<2xf32>
// CHECK-NEXT: return %[[D]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %n = stablehlo.constant dense<4.0> : tensor<2xf32>
  %0 = stablehlo.reduce(%x init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = stablehlo.divide %0, %n : tensor<2xf32>
  return %1 : tensor<2xf32>
}

// -----
// A mean with keepdims: the divide moves before the reshape that restores the reduced dimension, as the
// converter's MEAN fusion wants it; the count is rebuilt with the reduce's shape.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x1xf32> {
// CHECK: %[[S:.*]] = stablehlo.reduce(%arg0 init: %{{.*}}) applies stablehlo.add across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
// CHECK-NEXT: %[[N:.*]] = stablehlo.constant dense<4.000000e+00> : tensor<2xf32>
// CHECK-NEXT: %[[D:.*]] = stablehlo.divide %[[S]], %[[N]] : tensor<2xf32>
// CHECK-NEXT: %[[K:.*]] = stablehlo.reshape %[[D]] : (tensor<2xf32>) -> tensor<2x1xf32>
// CHECK-NEXT: return %[[K]] : tensor<2x1xf32>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x1xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %n = stablehlo.constant dense<4.0> : tensor<2x1xf32>
  %0 = stablehlo.reduce(%x init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = stablehlo.reshape %0 : (tensor<2xf32>) -> tensor<2x1xf32>
  %2 = stablehlo.divide %1, %n : tensor<2x1xf32>
  return %2 : tensor<2x1xf32>
}

// -----
// A divide by zero keeps its divide.
// CHECK-LABEL: func.func @main
// CHECK-NOT: stablehlo.multiply
// CHECK: %[[D:.*]] = stablehlo.divide %arg0, %{{.*}}
// CHECK-NEXT: return %[[D]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %0 = stablehlo.divide %x, %c : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----
// A divide by a per-channel constant multiplies by the reciprocal vector, broadcast as the divisor was.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[R:.*]] = stablehlo.constant dense<[1.000000e+00, 5.000000e-01, 2.500000e-01, 1.250000e-01]> : tensor<4xf32>
// CHECK-NEXT: %[[RB:.*]] = stablehlo.broadcast_in_dim %[[R]], dims = [1] : (tensor<4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[RB]]
// CHECK-NEXT: return %[[M]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c = stablehlo.constant dense<[1.0, 2.0, 4.0, 8.0]> : tensor<4xf32>
  %cb = stablehlo.broadcast_in_dim %c, dims = [1] : (tensor<4xf32>) -> tensor<2x4xf32>
  %0 = stablehlo.divide %x, %cb : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----
// A divide of two activations multiplies by sign(y) / |y|, with 1 / |y| = rsqrt(|y|)**2 (LiteRT's int8 DIV aborts
// on a zero divisor and saturates small quotients).
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[A:.*]] = stablehlo.abs %arg1
// CHECK-NEXT: %[[R:.*]] = stablehlo.rsqrt %[[A]]
// CHECK-NEXT: %[[I:.*]] = stablehlo.multiply %[[R]], %[[R]]
// CHECK-NEXT: %[[S:.*]] = stablehlo.multiply %arg1, %[[I]]
// CHECK-NEXT: %[[Q:.*]] = stablehlo.multiply %[[S]], %[[I]]
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[Q]]
// CHECK-NEXT: return %[[M]]
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.divide %x, %y : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----
// An integer divide by a constant is left alone.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[C:.*]] = stablehlo.constant dense<2> : tensor<4xi32>
// CHECK-NEXT: %[[D:.*]] = stablehlo.divide %arg0, %[[C]] : tensor<4xi32>
// CHECK-NEXT: return %[[D]]
func.func @main(%i: tensor<4xi32>) -> tensor<4xi32> {
  %c = stablehlo.constant dense<2> : tensor<4xi32>
  %0 = stablehlo.divide %i, %c : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----
// An L2 normalisation, x / max(sqrt(v), c), multiplies by rsqrt(max(v, c * c)) before the broadcast.
// CHECK-LABEL: func.func @main
// CHECK-NOT: stablehlo.divide
// CHECK: %[[B:.*]] = stablehlo.constant dense<0.0100000007> : tensor<2x1xf32>
// CHECK-NEXT: %[[F:.*]] = stablehlo.maximum %arg1, %[[B]] : tensor<2x1xf32>
// CHECK-NEXT: %[[R:.*]] = stablehlo.rsqrt %[[F]] : tensor<2x1xf32>
// CHECK-NEXT: %[[RB:.*]] = stablehlo.broadcast_in_dim %[[R]], dims = [0, 1] : (tensor<2x1xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[RB]]
// CHECK-NEXT: return %[[M]]
func.func @main(%x: tensor<2x4xf32>, %v: tensor<2x1xf32>) -> tensor<2x4xf32> {
  %eps = stablehlo.constant dense<0.1> : tensor<2x1xf32>
  %0 = stablehlo.sqrt %v : tensor<2x1xf32>
  %1 = stablehlo.maximum %0, %eps : tensor<2x1xf32>
  %2 = stablehlo.broadcast_in_dim %1, dims = [0, 1] : (tensor<2x1xf32>) -> tensor<2x4xf32>
  %3 = stablehlo.divide %x, %2 : tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}
