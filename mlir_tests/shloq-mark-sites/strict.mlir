// In strict mode (the default) every activation op outside the catalogue is an error at its location, and no module is printed.
// RUN: shloq-opt --split-input-file --verify-diagnostics -p shloq-mark-sites %s | FileCheck %s --allow-empty
// RUN: not shloq-opt --split-input-file -p shloq-mark-sites %s 2>&1 | FileCheck %s --check-prefix=ERR

// CHECK-NOT: func.func
// ERR: strict.mlir:[[# @LINE + 2]]:8: error: 'stablehlo.sine' is not in shloq's op catalogue
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.sine %x : tensor<2x4xf32> // expected-error {{'stablehlo.sine' is not in shloq's op catalogue}}
  %1 = stablehlo.add %0, %y : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----
// Each unsupported op gets its own error.
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @below {{'stablehlo.atan2' is not in shloq's op catalogue}}
  %0 = stablehlo.atan2 %x, %y : tensor<2x4xf32>
  %1 = stablehlo.cosine %0 : tensor<2x4xf32>
  // expected-error @-1 {{'stablehlo.cosine' is not in shloq's op catalogue}}
  return %1 : tensor<2x4xf32>
}

// -----
// Ops on constants only are not activations: a sine of a constant is no error.
// CHECK-NOT: func.func
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = stablehlo.constant dense<1.0> : tensor<2xf32>
  %s = stablehlo.sine %c : tensor<2xf32>
  %0 = stablehlo.add %x, %x : tensor<2xf32>
  %1 = stablehlo.log %0 : tensor<2xf32> // expected-error {{'stablehlo.log' is not in shloq's op catalogue}}
  %2 = stablehlo.power %1, %s : tensor<2xf32>
  // expected-error @above {{'stablehlo.power' is not in shloq's op catalogue}}
  return %2 : tensor<2xf32>
}
