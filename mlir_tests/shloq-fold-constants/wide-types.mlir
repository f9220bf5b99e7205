// Folding keeps the element type: f64 and i64 arithmetic folds to f64 and i64 constants.
// RUN: shloq-opt -p shloq-fold-constants %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG: stablehlo.constant dense<[2.500000e+00, 3.500000e+00]> : tensor<2xf64>
// CHECK-DAG: stablehlo.constant dense<[3, -3]> : tensor<2xi64>
func.func @main(%x: tensor<2xf64>, %i: tensor<2xi64>) -> (tensor<2xf64>, tensor<2xi64>) {
  %a = stablehlo.constant dense<[1.5, 2.5]> : tensor<2xf64>
  %b = stablehlo.constant dense<1.0> : tensor<2xf64>
  %0 = stablehlo.add %a, %b : tensor<2xf64>
  %1 = stablehlo.add %x, %0 : tensor<2xf64>
  %c = stablehlo.constant dense<[7, -7]> : tensor<2xi64>
  %d = stablehlo.constant dense<2> : tensor<2xi64>
  %2 = stablehlo.divide %c, %d : tensor<2xi64>
  %3 = stablehlo.add %i, %2 : tensor<2xi64>
  return %1, %3 : tensor<2xf64>, tensor<2xi64>
}
