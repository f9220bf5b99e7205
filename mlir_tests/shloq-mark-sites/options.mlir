// Option handling: act_qtype= (empty) marks nothing; an unknown option or a non-boolean strict is a clean command-line error.
// RUN: shloq-opt -p 'shloq-mark-sites{act_qtype=}' %s | FileCheck %s --check-prefix=NOACT
// RUN: not shloq-opt -p 'shloq-mark-sites{bogus=1}' %s 2>&1 | FileCheck %s --check-prefix=BOGUS
// RUN: not shloq-opt -p 'shloq-mark-sites{strict=maybe}' %s 2>&1 | FileCheck %s --check-prefix=BOOL
// RUN: not shloq-opt -p 'shloq-nonexistent' %s 2>&1 | FileCheck %s --check-prefix=NOPASS

// NOACT-LABEL: func.func @main
// NOACT-NOT: shloq.site
// NOACT: return
// BOGUS: shloq-opt: error: pass 'shloq-mark-sites' has no option 'bogus'; options: strict, op_path, weight_qtype, act_qtype
// BOGUS-NOT: func.func
// BOOL: shloq-opt: error: option 'strict' of 'shloq-mark-sites' takes true or false, not 'maybe'
// NOPASS: shloq-opt: error: unknown pass 'shloq-nonexistent'; known passes: {{.*}}shloq-mark-sites
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.add %x, %y : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
