// The driver: stdin as `-`, --split-input-file output separators, --list-passes, and parse errors
// reported MLIR-style with line and column, exit 1 and no Python traceback.
// RUN: shloq-opt --split-input-file -p shloq-inline - < %s | FileCheck %s
// RUN: shloq-opt --list-passes | FileCheck %s --check-prefix=LIST
// RUN: not shloq-opt %S/Inputs/malformed.mlir 2>&1 | FileCheck %s --check-prefix=PARSE
// RUN: shloq-opt --verify-diagnostics %S/Inputs/malformed.mlir

// CHECK-LABEL: func.func @main
// CHECK-NEXT: stablehlo.negate
// CHECK: // -----
// CHECK-LABEL: func.func @main
// CHECK-NEXT: stablehlo.abs

// LIST-DAG: shloq-bind-params:
// LIST-DAG: shloq-fold-affine:
// LIST-DAG: shloq-fold-constants:
// LIST-DAG: shloq-inline:
// LIST-DAG: shloq-instrument:
// LIST-DAG: shloq-mark-sites:
// LIST-DAG: shloq-quantize:
// LIST-DAG: shloq-quantize-constants:

// PARSE: malformed.mlir:4:{{[0-9]+}}: error:
// PARSE-NOT: Traceback
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = stablehlo.negate %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}
// -----
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = stablehlo.abs %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}
