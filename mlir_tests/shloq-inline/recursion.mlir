// A recursive call cannot be inlined: the pass reports it on the call and changes nothing.
// RUN: shloq-opt --verify-diagnostics -p shloq-inline %s

func.func private @loop(%a: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{recursive call to @loop cannot be inlined}}
  %r = func.call @loop(%a) : (tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
func.func @main(%x: tensor<f32>) -> tensor<f32> {
  %0 = func.call @loop(%x) : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
