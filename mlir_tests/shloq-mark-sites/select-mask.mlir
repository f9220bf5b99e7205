// select(mask, a, b) with a mask that is static or computed from integer inputs is a SELECT_V2 unit: its float
// branches and its output share one site, a constant branch (a mask fill) included, and the integer mask ops need
// no markers.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s

// A padding mask from integer token ids; the -1e9 fill is marked (clamped) on the select's site.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[F:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant:clamped", shloq.site = 0 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[M:.*]] = stablehlo.compare NE, %arg1, %{{.*}}, SIGNED
// CHECK-NEXT: %[[S:.*]] = stablehlo.select %[[M]], %[[X]], %[[F]]
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[S]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "select", shloq.site = 0 : i64}
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: shloq.site = 1
func.func @main(%x: tensor<2x4xf32>, %ids: tensor<2x4xi32>) -> tensor<2x4xf32> {
  %zero = stablehlo.constant dense<0> : tensor<2x4xi32>
  %fill = stablehlo.constant dense<-1.0e9> : tensor<2x4xf32>
  %m = stablehlo.compare NE, %ids, %zero, SIGNED : (tensor<2x4xi32>, tensor<2x4xi32>) -> tensor<2x4xi1>
  %0 = stablehlo.select %m, %x, %fill : tensor<2x4xi1>, tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----
// A constant mask choosing between two activations: both inputs and the output on one site.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[Y:.*]] = stablehlo.custom_call @shloq.site(%arg1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[S:.*]] = stablehlo.select %{{.*}}, %[[X]], %[[Y]]
// CHECK-NEXT: stablehlo.custom_call @shloq.site(%[[S]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "select", shloq.site = 0 : i64}
// CHECK-NOT: shloq.site = 1
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %mask = stablehlo.constant dense<[[true, false, true, false], [false, true, false, true]]> : tensor<2x4xi1>
  %0 = stablehlo.select %mask, %x, %y : tensor<2x4xi1>, tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----
// A mask compared from a float activation: the compare is outside the catalogue (the select itself is fine).
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %fill = stablehlo.constant dense<-1.0e9> : tensor<2x4xf32>
  // expected-error @below {{'stablehlo.compare' is not in shloq's op catalogue}}
  %m = stablehlo.compare GT, %x, %zero, FLOAT : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xi1>
  %0 = stablehlo.select %m, %x, %fill : tensor<2x4xi1>, tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
