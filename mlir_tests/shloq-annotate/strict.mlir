// Annotation places composites only where shloq-mark-sites put sites, so strict mode refuses an op outside the
// catalogue before anything is annotated.
// RUN: shloq-opt --verify-diagnostics -p 'shloq-mark-sites,shloq-annotate' %s

func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.add %x, %x : tensor<2x4xf32>
  // expected-error @+1 {{'stablehlo.sine' is not in shloq's op catalogue}}
  %1 = stablehlo.sine %0 : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}
