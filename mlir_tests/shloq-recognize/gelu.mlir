// GELU as JAX exports it becomes one `stablehlo.composite "tfl.gelu"` whose decomposition is a new private function
// holding the matched ops: the exact (erfc) form with approximate = false, the tanh form with approximate = true.
// RUN: shloq-opt -p shloq-recognize %S/Inputs/gelu-exact.mlir | FileCheck %s --check-prefix=EXACT
// RUN: shloq-opt --split-input-file -p shloq-recognize %s | FileCheck %s

// The ~65 ops of the erfc polynomial are one composite; main keeps nothing else.
// EXACT-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// EXACT-NEXT: %[[G:.*]] = stablehlo.composite "tfl.gelu" %arg0 {composite_attributes = {approximate = false}, decomposition = @shloq_gelu_0} : (tensor<2x4xf32>) -> tensor<2x4xf32>
// EXACT-NEXT: return %[[G]] : tensor<2x4xf32>
// EXACT-NEXT: }
// EXACT-LABEL: func.func private @shloq_gelu_0(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// EXACT: %[[HX:.*]] = stablehlo.multiply %{{.*}}, %arg0
// EXACT: stablehlo.exponential
// EXACT: stablehlo.select
// EXACT: %[[R:.*]] = stablehlo.multiply %[[HX]], %{{.*}}
// EXACT-NEXT: return %[[R]] : tensor<2x4xf32>
// EXACT-NEXT: }
// EXACT-NOT: func.func

// jax.nn.gelu(x) (approximate=True): x * 0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[G:.*]] = stablehlo.composite "tfl.gelu" %arg0 {composite_attributes = {approximate = true}, decomposition = @shloq_gelu_tanh_0} : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: return %[[G]] : tensor<2x4xf32>
// CHECK-NEXT: }
// CHECK-LABEL: func.func private @shloq_gelu_tanh_0(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK: stablehlo.multiply %arg0, %arg0
// CHECK: stablehlo.tanh
// CHECK: %[[R:.*]] = stablehlo.multiply %arg0, %{{.*}}
// CHECK-NEXT: return %[[R]] : tensor<2x4xf32>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %half = stablehlo.constant dense<5.000000e-01> : tensor<f32>
  %one = stablehlo.constant dense<1.000000e+00> : tensor<f32>
  %k = stablehlo.constant dense<0.797884583> : tensor<f32>
  %c = stablehlo.constant dense<4.471500e-02> : tensor<f32>
  %0 = stablehlo.multiply %x, %x : tensor<2x4xf32>
  %1 = stablehlo.multiply %0, %x : tensor<2x4xf32>
  %2 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %3 = stablehlo.multiply %2, %1 : tensor<2x4xf32>
  %4 = stablehlo.add %x, %3 : tensor<2x4xf32>
  %5 = stablehlo.broadcast_in_dim %k, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %6 = stablehlo.multiply %5, %4 : tensor<2x4xf32>
  %7 = stablehlo.tanh %6 : tensor<2x4xf32>
  %8 = stablehlo.broadcast_in_dim %one, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %9 = stablehlo.add %8, %7 : tensor<2x4xf32>
  %10 = stablehlo.broadcast_in_dim %half, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %11 = stablehlo.multiply %10, %9 : tensor<2x4xf32>
  %12 = stablehlo.multiply %x, %11 : tensor<2x4xf32>
  return %12 : tensor<2x4xf32>
}

// -----
// gelu(x + b) with a per-channel bias b: the add (a non-splat constant operand) stays outside the composite,
// which takes the add's result.
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[B:.*]] = stablehlo.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// CHECK-NEXT: %[[BB:.*]] = stablehlo.broadcast_in_dim %[[B]], dims = [1]
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %arg0, %[[BB]] : tensor<2x4xf32>
// CHECK-NEXT: %[[G:.*]] = stablehlo.composite "tfl.gelu" %[[A]] {composite_attributes = {approximate = true}, decomposition = @shloq_gelu_tanh_0}
// CHECK-NEXT: return %[[G]] : tensor<2x4xf32>
// CHECK-LABEL: func.func private @shloq_gelu_tanh_0(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NOT: dims = [1]
// CHECK: stablehlo.tanh
// CHECK: return
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %b = stablehlo.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %half = stablehlo.constant dense<5.000000e-01> : tensor<f32>
  %one = stablehlo.constant dense<1.000000e+00> : tensor<f32>
  %k = stablehlo.constant dense<0.797884583> : tensor<f32>
  %c = stablehlo.constant dense<4.471500e-02> : tensor<f32>
  %bb = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<4xf32>) -> tensor<2x4xf32>
  %y = stablehlo.add %x, %bb : tensor<2x4xf32>
  %0 = stablehlo.multiply %y, %y : tensor<2x4xf32>
  %1 = stablehlo.multiply %0, %y : tensor<2x4xf32>
  %2 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %3 = stablehlo.multiply %2, %1 : tensor<2x4xf32>
  %4 = stablehlo.add %y, %3 : tensor<2x4xf32>
  %5 = stablehlo.broadcast_in_dim %k, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %6 = stablehlo.multiply %5, %4 : tensor<2x4xf32>
  %7 = stablehlo.tanh %6 : tensor<2x4xf32>
  %8 = stablehlo.broadcast_in_dim %one, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %9 = stablehlo.add %8, %7 : tensor<2x4xf32>
  %10 = stablehlo.broadcast_in_dim %half, dims = [] : (tensor<f32>) -> tensor<2x4xf32>
  %11 = stablehlo.multiply %10, %9 : tensor<2x4xf32>
  %12 = stablehlo.multiply %y, %11 : tensor<2x4xf32>
  return %12 : tensor<2x4xf32>
}

// -----
// Two GELUs in a row are two composites, each with its own decomposition (numbered from the last one).
// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT: %[[G1:.*]] = stablehlo.composite "tfl.gelu" %arg0 {composite_attributes = {approximate = true}, decomposition = @shloq_gelu_tanh_1}
// CHECK-NEXT: %[[G2:.*]] = stablehlo.composite "tfl.gelu" %[[G1]] {composite_attributes = {approximate = true}, decomposition = @shloq_gelu_tanh_0}
// CHECK-NEXT: return %[[G2]] : tensor<2x4xf32>
// CHECK-DAG: func.func private @shloq_gelu_tanh_0(
// CHECK-DAG: func.func private @shloq_gelu_tanh_1(
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %half = stablehlo.constant dense<5.000000e-01> : tensor<2x4xf32>
  %one = stablehlo.constant dense<1.000000e+00> : tensor<2x4xf32>
  %k = stablehlo.constant dense<0.797884583> : tensor<2x4xf32>
  %c = stablehlo.constant dense<4.471500e-02> : tensor<2x4xf32>
  %0 = stablehlo.multiply %x, %x : tensor<2x4xf32>
  %1 = stablehlo.multiply %0, %x : tensor<2x4xf32>
  %3 = stablehlo.multiply %c, %1 : tensor<2x4xf32>
  %4 = stablehlo.add %x, %3 : tensor<2x4xf32>
  %6 = stablehlo.multiply %k, %4 : tensor<2x4xf32>
  %7 = stablehlo.tanh %6 : tensor<2x4xf32>
  %9 = stablehlo.add %one, %7 : tensor<2x4xf32>
  %11 = stablehlo.multiply %half, %9 : tensor<2x4xf32>
  %y = stablehlo.multiply %x, %11 : tensor<2x4xf32>
  %20 = stablehlo.multiply %y, %y : tensor<2x4xf32>
  %21 = stablehlo.multiply %20, %y : tensor<2x4xf32>
  %23 = stablehlo.multiply %c, %21 : tensor<2x4xf32>
  %24 = stablehlo.add %y, %23 : tensor<2x4xf32>
  %26 = stablehlo.multiply %k, %24 : tensor<2x4xf32>
  %27 = stablehlo.tanh %26 : tensor<2x4xf32>
  %29 = stablehlo.add %one, %27 : tensor<2x4xf32>
  %31 = stablehlo.multiply %half, %29 : tensor<2x4xf32>
  %32 = stablehlo.multiply %y, %31 : tensor<2x4xf32>
  return %32 : tensor<2x4xf32>
}
