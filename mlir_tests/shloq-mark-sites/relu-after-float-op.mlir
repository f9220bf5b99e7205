// A ReLU whose producer cannot fuse with it (here a sine, outside the catalogue) is a unit of its own.
// RUN: shloq-opt -p 'shloq-mark-sites{strict=false}' %s 2>/dev/null | FileCheck %s
// RUN: shloq-opt -p 'shloq-mark-sites{strict=false}' %s 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN

// CHECK-LABEL: func.func @main
// CHECK: %[[M:.*]] = stablehlo.sine %arg0
// CHECK-NEXT: %[[IN:.*]] = stablehlo.custom_call @shloq.site(%[[M]]) {{{.*}}shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[IN]]
// CHECK-NEXT: %[[OUT:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {{{.*}}shloq.op = "relu", shloq.site = 1 : i64}
// CHECK-NEXT: return %[[OUT]]
// WARN: warning: 'stablehlo.sine' is not in shloq's op catalogue; it stays float
// WARN-NOT: stablehlo.maximum
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %0 = stablehlo.sine %x : tensor<2x4xf32>
  %1 = stablehlo.maximum %0, %zero : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}
