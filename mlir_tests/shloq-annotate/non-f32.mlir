// quant.fake_quant's decomposition and the converter's lowering are for f32 tensors: a marker on another float type is an error at the marker.
// RUN: shloq-opt --verify-diagnostics -p shloq-annotate %s

func.func @main(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  // expected-error @+1 {{site 0: quant.fake_quant annotates f32 tensors, not bf16}}
  %0 = stablehlo.custom_call @shloq.site(%x) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64, shloq.min = -1.0 : f32, shloq.max = 1.0 : f32} : (tensor<4xbf16>) -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}
