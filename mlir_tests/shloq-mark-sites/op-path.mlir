// op_path is a regex on the op's location name: only matching units get markers, and unsupported ops outside it raise no error.
// RUN: shloq-opt -p 'shloq-mark-sites{op_path=/enc/}' %s | FileCheck %s --check-prefix=ENC
// RUN: shloq-opt -p 'shloq-mark-sites{op_path=dec/mul$}' %s | FileCheck %s --check-prefix=DEC
// RUN: not shloq-opt -p 'shloq-mark-sites{op_path=^model/}' %s 2>&1 | FileCheck %s --check-prefix=ALL

// Only the add (model/enc/add) is quantized; the multiply and the unsupported sine stay float without error.
// ENC-LABEL: func.func @main
// ENC-DAG: %[[Y:.*]] = stablehlo.custom_call @shloq.site(%arg1) {{{.*}}shloq.site = 1 : i64}
// ENC-DAG: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {{{.*}}shloq.site = 0 : i64}
// ENC: %[[A:.*]] = stablehlo.add %[[X]], %[[Y]]
// ENC-NEXT: %[[AM:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "add", shloq.site = 2 : i64}
// ENC-NEXT: %[[M:.*]] = stablehlo.multiply %[[AM]], %arg1
// ENC-NEXT: stablehlo.sine %[[M]]
// ENC-NEXT: return
// ENC-NOT: shloq.site = 3

// Only the multiply is quantized: the add's result gets an input marker for it, the add itself reads raw arguments.
// DEC-LABEL: func.func @main
// DEC: %[[Y:.*]] = stablehlo.custom_call @shloq.site(%arg1) {{{.*}}shloq.site = 1 : i64}
// DEC-NEXT: %[[A:.*]] = stablehlo.add %arg0, %arg1
// DEC-NEXT: %[[AM:.*]] = stablehlo.custom_call @shloq.site(%[[A]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "input", shloq.site = 0 : i64}
// DEC-NEXT: %[[M:.*]] = stablehlo.multiply %[[AM]], %[[Y]]
// DEC-NEXT: %[[MM:.*]] = stablehlo.custom_call @shloq.site(%[[M]]) {shloq.dtype = "i8", shloq.kind = "activation", shloq.op = "multiply", shloq.site = 2 : i64}
// DEC-NEXT: stablehlo.sine %[[MM]]

// A pattern matching every op brings back the strict error on the sine, at its position in this file with its
// location name as a note, and no module is printed.
// ALL: op-path.mlir:[[# @LINE + 6]]:8: error: 'stablehlo.sine' is not in shloq's op catalogue
// ALL-NEXT: op-path.mlir:[[# @LINE + 5]]:8: note: at model/dec/sin
// ALL-NOT: func.func
func.func @main(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.add %x, %y : tensor<2x4xf32> loc("model/enc/add")
  %1 = stablehlo.multiply %0, %y : tensor<2x4xf32> loc("model/dec/mul")
  %2 = stablehlo.sine %1 : tensor<2x4xf32> loc("model/dec/sin")
  return %2 : tensor<2x4xf32>
}
