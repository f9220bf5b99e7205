// With strict=false an op outside the catalogue is a warning and stays float (no marker on its input); ops reading it still get input markers.
// RUN: shloq-opt --verify-diagnostics -p 'shloq-mark-sites{strict=false}' %s | FileCheck %s
// RUN: shloq-opt -p 'shloq-mark-sites{strict=false}' %s 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN

// WARN: non-strict.mlir:[[# @LINE + 12]]:8: warning: 'stablehlo.sine' is not in shloq's op catalogue; it stays float
// WARN-NOT: error
// CHECK-LABEL: func.func @main
// CHECK: %[[Y:.*]] = stablehlo.custom_call @shloq.site(%arg1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 1 : i64}
// CHECK-NEXT: %[[S:.*]] = stablehlo.sine %arg0
// CHECK-NEXT: %[[SM:.*]] = stablehlo.custom_call @shloq.site(%[[S]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %[[SM]], %[[Y]]
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64}
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: shloq.site = 3
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-warning @+1 {{'stablehlo.sine' is not in shloq's op catalogue; it stays float}}
  %0 = stablehlo.sine %x : tensor<2x4xf32>
  %1 = stablehlo.add %0, %y : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}
