// A binary op with a constant operand is a unit: the constant gets its own marker (shloq.op = "constant"), calibrated
// like an activation, with its own site for add/subtract/multiply/divide; for maximum/minimum it is on the op's site
// and clamped (shloq.op = "constant:clamped": it saturates to the range of the activations instead of widening it).
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// x * c, then c - (x * c) with a fused ReLU; the constant, used twice, has one marker per unit.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[C1:.*]] = stablehlo.custom_call @shloq.site(%[[C:.*]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant", shloq.site = 1 : i64}
// CHECK-DAG: %[[C2:.*]] = stablehlo.custom_call @shloq.site(%[[C]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant", shloq.site = 2 : i64}
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[M:.*]] = stablehlo.multiply %[[X]], %[[C1]]
// CHECK-NEXT: %[[MM:.*]] = stablehlo.custom_call @shloq.site(%[[M]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "multiply", shloq.site = 3 : i64}
// CHECK-NEXT: %[[S:.*]] = stablehlo.subtract %[[C2]], %[[MM]]
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[S]], %{{.*}}
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "subtract", shloq.site = 4 : i64}
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: shloq.site = 5
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c = stablehlo.constant dense<2.0> : tensor<2x4xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<2x4xf32>
  %1 = stablehlo.subtract %c, %0 : tensor<2x4xf32>
  %2 = stablehlo.maximum %1, %zero : tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}

// -----
// x / c with a per-channel c (a broadcast constant, marked after the broadcast); DIV takes no fused ReLU, so the
// ReLU after it is a unit of its own.
// CHECK-LABEL: func.func @main
// CHECK: %[[B:.*]] = stablehlo.broadcast_in_dim %{{.*}}, dims = [1]
// CHECK-NEXT: %[[BM:.*]] = stablehlo.custom_call @shloq.site(%[[B]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant", shloq.site = 1 : i64}
// CHECK: %[[D:.*]] = stablehlo.divide %{{.*}}, %[[BM]]
// CHECK-NEXT: %[[DM:.*]] = stablehlo.custom_call @shloq.site(%[[D]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "divide", shloq.site = 2 : i64}
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[DM]], %{{.*}}
// CHECK-NEXT: %[[RM:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "relu", shloq.site = 3 : i64}
// CHECK-NEXT: return %[[RM]]
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c = stablehlo.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %cb = stablehlo.broadcast_in_dim %c, dims = [1] : (tensor<4xf32>) -> tensor<2x4xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %0 = stablehlo.divide %x, %cb : tensor<2x4xf32>
  %1 = stablehlo.maximum %0, %zero : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----
// maximum/minimum with a (non-zero) constant share one scale: input, constant and output markers all have site 0;
// the constants are clamped.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[A:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant:clamped", shloq.site = 0 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-DAG: %[[B:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant:clamped", shloq.site = 0 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[M:.*]] = stablehlo.maximum %[[X]], %{{.*}}
// CHECK-NEXT: %[[MM:.*]] = stablehlo.custom_call @shloq.site(%[[M]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "maximum", shloq.site = 0 : i64}
// CHECK-NEXT: %[[N:.*]] = stablehlo.minimum %[[MM]], %{{.*}}
// CHECK-NEXT: %[[NM:.*]] = stablehlo.custom_call @shloq.site(%[[N]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "minimum", shloq.site = 0 : i64}
// CHECK-NEXT: return %[[NM]]
// CHECK-NOT: shloq.site = 1
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c = stablehlo.constant dense<0.5> : tensor<2x4xf32>
  %d = stablehlo.constant dense<-0.5> : tensor<2x4xf32>
  %0 = stablehlo.maximum %x, %c : tensor<2x4xf32>
  %1 = stablehlo.minimum %0, %d : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}
