// A dot_general between two activations (attention's q.k and p.v) is a BATCH_MATMUL unit: both inputs get markers
// and the output its own site; no weight marker. So is one between an activation and a constant with batch
// dimensions (no per-channel weight): the constant gets a per-tensor site of its own. The second operand's site is
// symmetric (`shloq.symmetric = 1`: zero point 0), as XNNPACK's int8 BATCH_MATMUL requires; a fixed grid stays fixed.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// Batched over dim 0, contracting the last dims (q . k^T).
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[K:.*]] = stablehlo.custom_call @shloq.site(%arg1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64, shloq.symmetric = 1 : i64}
// CHECK-DAG: %[[Q:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[D:.*]] = stablehlo.dot_general %[[Q]], %[[K]], batching_dims = [0] x [0], contracting_dims = [2] x [2]
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "batch_matmul", shloq.site = 2 : i64}
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: shloq.kind = "weight"
func.func @main(%q: tensor<2x3x4xf32>, %k: tensor<2x5x4xf32>) -> tensor<2x3x5xf32> {
  %0 = stablehlo.dot_general %q, %k, batching_dims = [0] x [0], contracting_dims = [2] x [2] : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----
// x . x^T: one input marker, read as both operands. Its grid is also the first operand's, which zero point 0
// would cost precision (as a fused QKV dense's queries), so it stays asymmetric.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[D:.*]] = stablehlo.dot_general %[[X]], %[[X]], contracting_dims = [1] x [1]
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "batch_matmul", shloq.site = 1 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<3x4xf32>) -> tensor<3x3xf32> {
  %0 = stablehlo.dot_general %x, %x, contracting_dims = [1] x [1] : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----
// x . c with c a constant batched like x.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[C:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant", shloq.site = 1 : i64, shloq.symmetric = 1 : i64} : (tensor<2x4x3xf32>)
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[D:.*]] = stablehlo.dot_general %[[X]], %[[C]], batching_dims = [0] x [0], contracting_dims = [2] x [1]
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "batch_matmul", shloq.site = 2 : i64}
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: shloq.kind = "weight"
func.func @main(%x: tensor<2x5x4xf32>) -> tensor<2x5x3xf32> {
  %c = stablehlo.constant dense<0.5> : tensor<2x4x3xf32>
  %0 = stablehlo.dot_general %x, %c, batching_dims = [0] x [0], contracting_dims = [2] x [1] : (tensor<2x5x4xf32>, tensor<2x4x3xf32>) -> tensor<2x5x3xf32>
  return %0 : tensor<2x5x3xf32>
}

// -----
// P.V after attention: V's site is symmetric, and so is every marker of the site it shares (the
// reshape of V); the softmax output keeps its fixed grid (zero point -128) and the lhs is asymmetric.
// CHECK-LABEL: func.func @main
// CHECK: stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64, shloq.softmax_axis = 4 : i64}
// CHECK-NEXT: stablehlo.custom_call @shloq.site(%arg1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.symmetric = 1 : i64}
// CHECK: stablehlo.reshape
// CHECK-NEXT: %[[V:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "reshape", shloq.site = 0 : i64, shloq.symmetric = 1 : i64}
// CHECK: %[[P:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "fixed", shloq.op = "softmax", shloq.scale = 3.906250e-03 : f32, shloq.site = 2 : i64, shloq.zero_point = -128 : i64}
// CHECK-NEXT: stablehlo.dot_general %[[P]], %[[V]]
// CHECK-NOT: shloq.kind = "fixed"{{.*}}shloq.symmetric
func.func @main(%s: tensor<2x4x4xf32>, %v: tensor<2x8xf32>) -> tensor<2x4x2xf32> {
  %v3 = stablehlo.reshape %v : (tensor<2x8xf32>) -> tensor<2x4x2xf32>
  %cst = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %cst0 = stablehlo.constant dense<0.0> : tensor<f32>
  %m = stablehlo.reduce(%s init: %cst) applies stablehlo.maximum across dimensions = [2] : (tensor<2x4x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %mb = stablehlo.broadcast_in_dim %m, dims = [0, 1] : (tensor<2x4xf32>) -> tensor<2x4x4xf32>
  %d = stablehlo.subtract %s, %mb : tensor<2x4x4xf32>
  %e = stablehlo.exponential %d : tensor<2x4x4xf32>
  %t = stablehlo.reduce(%e init: %cst0) applies stablehlo.add across dimensions = [2] : (tensor<2x4x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %tb = stablehlo.broadcast_in_dim %t, dims = [0, 1] : (tensor<2x4xf32>) -> tensor<2x4x4xf32>
  %p = stablehlo.divide %e, %tb : tensor<2x4x4xf32>
  %0 = stablehlo.dot_general %p, %v3, batching_dims = [0] x [0], contracting_dims = [2] x [1] : (tensor<2x4x4xf32>, tensor<2x4x2xf32>) -> tensor<2x4x2xf32>
  return %0 : tensor<2x4x2xf32>
}
