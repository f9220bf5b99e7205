// A weight marker must be fed by a constant (seen through broadcasts/reshapes): a weight that is an argument, or computed from one, is an error at the marker.
// RUN: shloq-opt --verify-diagnostics -p shloq-annotate %s

func.func @main(%x: tensor<4xf32>, %w: tensor<4x2xf32>) -> tensor<2xf32> {
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{weight site 1 is not fed by a constant}}
  %1 = stablehlo.custom_call @shloq.site(%w) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %2 = stablehlo.dot_general %0, %1, contracting_dims = [0] x [0] : (tensor<4xf32>, tensor<4x2xf32>) -> tensor<2xf32>
  %n = stablehlo.negate %w : tensor<4x2xf32>
  // expected-error @+1 {{weight site 2 is not fed by a constant}}
  %3 = stablehlo.custom_call @shloq.site(%n) {shloq.axis = 1 : i64, shloq.dtype = "i8", shloq.kind = "weight", shloq.op = "dense", shloq.site = 2 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %4 = stablehlo.dot_general %0, %3, contracting_dims = [0] x [0] : (tensor<4xf32>, tensor<4x2xf32>) -> tensor<2xf32>
  %5 = stablehlo.add %2, %4 : tensor<2xf32>
  return %5 : tensor<2xf32>
}
