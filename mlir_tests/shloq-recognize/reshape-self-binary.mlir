// A binary op of one reshaped value with itself moves before the reshape, where LiteRT's converter puts it (left
// after it, the converter moves it and then refuses the reshape between two scales). Through a chain of reshapes;
// two different reshaped values, or a reshaped value with a constant, stay as they are.
// RUN: shloq-opt --split-input-file -p shloq-recognize %s | FileCheck %s

// CHECK-LABEL: func.func @main(%arg0: tensor<2x5x3xf32>) -> tensor<2x15xf32> {
// CHECK-NEXT: %[[A:.*]] = stablehlo.add %arg0, %arg0 : tensor<2x5x3xf32>
// CHECK-NEXT: %[[R:.*]] = stablehlo.reshape %[[A]] : (tensor<2x5x3xf32>) -> tensor<2x15xf32>
// CHECK-NEXT: return %[[R]]
func.func @main(%x: tensor<2x5x3xf32>) -> tensor<2x15xf32> {
  %0 = stablehlo.reshape %x : (tensor<2x5x3xf32>) -> tensor<2x15xf32>
  %1 = stablehlo.add %0, %0 : tensor<2x15xf32>
  return %1 : tensor<2x15xf32>
}

// -----
// Two reshapes in a row: the multiply moves before both; the reshape also returned stays for that use.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[R1:.*]] = stablehlo.reshape %arg0 : (tensor<2x6xf32>) -> tensor<2x3x2xf32>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %arg0 : tensor<2x6xf32>
// CHECK-NEXT: %[[MR1:.*]] = stablehlo.reshape %[[M]] : (tensor<2x6xf32>) -> tensor<2x3x2xf32>
// CHECK-NEXT: %[[MR2:.*]] = stablehlo.reshape %[[MR1]] : (tensor<2x3x2xf32>) -> tensor<12xf32>
// CHECK-NEXT: return %[[MR2]], %[[R1]]
func.func @main(%x: tensor<2x6xf32>) -> (tensor<12xf32>, tensor<2x3x2xf32>) {
  %0 = stablehlo.reshape %x : (tensor<2x6xf32>) -> tensor<2x3x2xf32>
  %1 = stablehlo.reshape %0 : (tensor<2x3x2xf32>) -> tensor<12xf32>
  %2 = stablehlo.multiply %1, %1 : tensor<12xf32>
  return %2, %0 : tensor<12xf32>, tensor<2x3x2xf32>
}

// -----
// Different operands, or a constant one: unchanged.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[C:.*]] = stablehlo.constant
// CHECK-NEXT: %[[A:.*]] = stablehlo.reshape %arg0
// CHECK-NEXT: %[[B:.*]] = stablehlo.reshape %arg1
// CHECK-NEXT: %[[S:.*]] = stablehlo.subtract %[[A]], %[[B]]
// CHECK-NEXT: %[[T:.*]] = stablehlo.maximum %[[A]], %[[C]]
// CHECK-NEXT: return %[[S]], %[[T]]
func.func @main(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> (tensor<6xf32>, tensor<6xf32>) {
  %c = stablehlo.constant dense<0.5> : tensor<6xf32>
  %0 = stablehlo.reshape %x : (tensor<2x3xf32>) -> tensor<6xf32>
  %1 = stablehlo.reshape %y : (tensor<2x3xf32>) -> tensor<6xf32>
  %2 = stablehlo.subtract %0, %1 : tensor<6xf32>
  %3 = stablehlo.maximum %0, %c : tensor<6xf32>
  return %2, %3 : tensor<6xf32>, tensor<6xf32>
}
