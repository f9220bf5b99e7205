// An unsupported weight_qtype or an invalid op_path regex is a clean "shloq-opt: error:" with exit 1.
// RUN: not shloq-opt -p 'shloq-mark-sites{weight_qtype=int2}' %s 2>&1 | FileCheck %s --check-prefix=QTYPE
// RUN: not shloq-opt -p 'shloq-mark-sites{op_path=(}' %s 2>&1 | FileCheck %s --check-prefix=REGEX

// QTYPE-NOT: Traceback
// QTYPE: shloq-opt: error: {{.*}}weight_qtype='int2' is not supported
// REGEX-NOT: Traceback
// REGEX: shloq-opt: error: {{.*}}'(' is not a valid regex
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.add %x, %y : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
