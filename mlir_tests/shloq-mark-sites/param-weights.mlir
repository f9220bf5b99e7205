// With param_args, weights that are entry arguments (as in QAT) are static: the dense, its bias and an unfolded
// batch-norm (subtract, multiply by per-channel parameters) and the ReLU form one unit, and the weight argument
// gets a per-channel weight marker.
// RUN: shloq-opt -p 'shloq-mark-sites{param_args="1,2,3,4"}' %s | FileCheck %s
// RUN: not shloq-opt -p 'shloq-mark-sites{param_args=x}' %s 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[W:.*]] = stablehlo.custom_call @shloq.site(%arg1) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 1 : i64}
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {{{.*}}shloq.op = "input", shloq.site = 0 : i64}
// CHECK: stablehlo.dot_general %[[X]], %[[W]]
// CHECK-NOT: @shloq.site
// CHECK: %[[R:.*]] = stablehlo.maximum
// CHECK-NEXT: stablehlo.custom_call @shloq.site(%[[R]]) {{{.*}}shloq.op = "dense", shloq.site = 2 : i64}
// BAD: shloq-opt: error: param_args of 'shloq-mark-sites' takes argument indices, not 'x'
func.func @main(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>, %b: tensor<3xf32>, %mean: tensor<3xf32>,
                %scale: tensor<3xf32>) -> tensor<2x3xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<2x3xf32>
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
  %2 = stablehlo.add %0, %1 : tensor<2x3xf32>
  %3 = stablehlo.reshape %mean : (tensor<3xf32>) -> tensor<1x3xf32>
  %4 = stablehlo.broadcast_in_dim %3, dims = [0, 1] : (tensor<1x3xf32>) -> tensor<2x3xf32>
  %5 = stablehlo.subtract %2, %4 : tensor<2x3xf32>
  %6 = stablehlo.broadcast_in_dim %scale, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>
  %7 = stablehlo.multiply %5, %6 : tensor<2x3xf32>
  %8 = stablehlo.maximum %7, %zero : tensor<2x3xf32>
  return %8 : tensor<2x3xf32>
}

// A parameter that varies along a non-channel dimension is not a per-channel shift: no fusion, so the dense is a
// unit of its own and the add is an add unit whose static operand (the broadcast parameter) gets its own marker.
// RUN: shloq-opt --verify-diagnostics -p 'shloq-mark-sites{param_args="1,2"}' %S/Inputs/row-shift.mlir | FileCheck %s --check-prefix=ROW
// ROW-LABEL: func.func @main
// ROW: %[[D:.*]] = stablehlo.dot_general
// ROW-NEXT: %[[DM:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {{{.*}}shloq.op = "dense", shloq.site = 3 : i64}
// ROW-NEXT: %[[B:.*]] = stablehlo.broadcast_in_dim %arg2
// ROW-NEXT: %[[BM:.*]] = stablehlo.custom_call @shloq.site(%[[B]]) {{{.*}}shloq.kind = "activation", shloq.op = "constant", shloq.site = 1 : i64}
// ROW-NEXT: %[[A:.*]] = stablehlo.add %[[DM]], %[[BM]]
// ROW-NEXT: stablehlo.custom_call @shloq.site(%[[A]]) {{{.*}}shloq.op = "add", shloq.site = 4 : i64}
