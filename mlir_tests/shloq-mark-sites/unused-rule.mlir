// A rule that applies to no op is reported: here op_path matches no location, so nothing is marked.
// RUN: shloq-opt -p 'shloq-mark-sites{op_path=decoder}' %s 2>&1 >/dev/null | FileCheck %s
// CHECK: warning: rule 1 (op_path='decoder') matches no op
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.add %x, %y : tensor<2x4xf32> loc("model/enc/add")
  return %0 : tensor<2x4xf32>
}
