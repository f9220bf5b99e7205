// A reduce-add divided by anything but the element count is not a mean: both ops are outside the catalogue (strict errors).
// RUN: shloq-opt --verify-diagnostics -p shloq-mark-sites %s

func.func @main(%x: tensor<2x4xf32>) -> tensor<2xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %n = stablehlo.constant dense<3.0> : tensor<2xf32>
  // expected-error @+1 {{'stablehlo.reduce' is not in shloq's op catalogue}}
  %0 = stablehlo.reduce(%x init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = stablehlo.divide %0, %n : tensor<2xf32> // expected-error {{'stablehlo.divide' is not in shloq's op catalogue}}
  return %1 : tensor<2xf32>
}
