// A clamped constant (shloq.op = "constant:clamped", e.g. a clip bound sharing the activations' site) adds no range:
// site 0 gets min/max from its input and output markers only; a constant with a site of its own is ranged.
// RUN: shloq-opt -p shloq-instrument %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<4xf32>) -> (tensor<4xf32>, tensor<f32> {shloq.site = 0 : i64, shloq.stat = "min", shloq.where = {{"[^"]*"}}}, tensor<f32> {shloq.site = 0 : i64, shloq.stat = "max", shloq.where = {{"[^"]*"}}}, tensor<f32> {shloq.site = 0 : i64, shloq.stat = "min", shloq.where = {{"[^"]*"}}}, tensor<f32> {shloq.site = 0 : i64, shloq.stat = "max", shloq.where = {{"[^"]*"}}}, tensor<f32> {shloq.site = 1 : i64, shloq.stat = "min", shloq.where = {{"[^"]*"}}}, tensor<f32> {shloq.site = 1 : i64, shloq.stat = "max", shloq.where = {{"[^"]*"}}}, tensor<f32> {shloq.site = 2 : i64, shloq.stat = "min", shloq.where = {{"[^"]*"}}}, tensor<f32> {shloq.site = 2 : i64, shloq.stat = "max", shloq.where = {{"[^"]*"}}})
// CHECK-DAG: stablehlo.constant dense<2.500000e-01> : tensor<f32>
// CHECK-DAG: stablehlo.constant dense<5.000000e-01> : tensor<f32>
// CHECK-NOT: dense<-1.000000e+00> : tensor<f32>
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %lo = stablehlo.constant dense<-1.0> : tensor<4xf32>
  %c = stablehlo.constant dense<[0.25, 0.5, 0.25, 0.5]> : tensor<4xf32>
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = stablehlo.custom_call @shloq.site(%lo) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant:clamped", shloq.site = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = stablehlo.maximum %0, %1 : tensor<4xf32>
  %3 = stablehlo.custom_call @shloq.site(%2) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "maximum", shloq.site = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = stablehlo.custom_call @shloq.site(%c) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "constant", shloq.site = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %5 = stablehlo.multiply %3, %4 : tensor<4xf32>
  %6 = stablehlo.custom_call @shloq.site(%5) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "multiply", shloq.site = 2 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %6 : tensor<4xf32>
}
