// An input with a name location (as jax.export gives them) is warned about at its position in this file, with its
// name as a note; an unused input is left alone, silently.
// RUN: shloq-opt -p shloq-integer-io %s 2>/dev/null | FileCheck %s
// RUN: shloq-opt -p shloq-integer-io %s 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN

// %x is also read by a float multiply: it stays float.
// CHECK-LABEL: func.func @main(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 1.000000e-01>> {
// CHECK-NEXT: %[[Q:.*]] = stablehlo.uniform_quantize %arg0
// CHECK-NEXT: %[[D:.*]] = stablehlo.uniform_dequantize %[[Q]]
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[D]]
// WARN: named-input.mlir:[[# @LINE + 3]]:17: warning: input 'x' stays float: it is not quantized once for all its uses
// WARN-NEXT: named-input.mlir:[[# @LINE + 2]]:17: note: at x
// WARN-NOT: warning
func.func @main(%x: tensor<4xf32> loc("x"), %unused: tensor<4xf32> loc("y")) -> tensor<4xf32> {
  %0 = stablehlo.uniform_quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %1 = stablehlo.uniform_dequantize %0 : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  %2 = stablehlo.multiply %x, %1 : tensor<4xf32>
  %3 = stablehlo.uniform_quantize %2 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %4 = stablehlo.uniform_dequantize %3 : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}
