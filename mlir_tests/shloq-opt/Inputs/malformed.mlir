// Not a test: input for ../driver.mlir. Line 4 has an op the parser does not know.
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{custom op 'stablehlo.bogus' is unknown}}
  %0 = stablehlo.bogus %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}
