// An activation marker with no range in the file and no shloq.min/max is an error at the marker; the other markers don't mask it, and nothing is printed.
// RUN: %python -c "import json; json.dump({'sites': {'0': [-1.0, 1.0]}}, open('%t.json', 'w'))"
// RUN: shloq-opt --verify-diagnostics -p 'shloq-annotate{file=%t.json}' %s | FileCheck %s --allow-empty
// RUN: not shloq-opt -p 'shloq-annotate{file=%t.json}' %s

// CHECK-NOT: func.func
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = stablehlo.abs %0 : tensor<4xf32>
  // expected-error @+1 {{site 1 has no calibrated range}}
  %2 = stablehlo.custom_call @shloq.site(%1) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "relu", shloq.site = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = stablehlo.exponential %2 : tensor<4xf32>
  // expected-error @+1 {{site 2 has no calibrated range}}
  %4 = stablehlo.custom_call @shloq.site(%3) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "exp", shloq.site = 2 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}
