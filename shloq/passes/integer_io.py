"""shloq-integer-io: the model takes and returns its quantized tensors (no QUANTIZE/DEQUANTIZE at
the boundary), as microcontroller runtimes without float want it.

Runs after shloq-quantize. An input whose only use is a `uniform_quantize` takes that quantized
type; a result produced by a `uniform_dequantize` is returned before it, and a computed result
that is quantized (shloq-quantize returns it from before its quantize when other ops read it too)
is returned as the quantized value. The converter then emits int8 (or int16) input and output
tensors carrying the scale and zero point."""
from __future__ import annotations

import dataclasses


from shloq import mlir
from shloq.passes import ModulePass, register


@register
@dataclasses.dataclass
class IntegerIOPass(ModulePass):
    name = "shloq-integer-io"
    summary = "Make quantized model inputs and outputs integer tensors (drop the boundary quantize/dequantize)."

    def run(self, module):
        func = mlir.main_func(module)
        block = mlir.entry_block(module)
        for i, arg in enumerate(block.arguments):
            consumers = mlir.users(arg)
            if len(consumers) == 1 and consumers[0].name == "stablehlo.uniform_quantize":
                quantize = consumers[0]
                arg.set_type(quantize.results[0].type)
                quantize.results[0].replace_all_uses_with(arg)
                quantize.erase()
            elif mlir.is_float_tensor(arg.type) and consumers:
                self.warn(arg.location, f"input {mlir.location_name(arg.location) or i!r} stays float: "
                          "it is not quantized once for all its uses")
        ret = [op.operation for op in block.operations if op.operation.name == "func.return"][0]
        for i, value in enumerate(ret.operands):
            op = mlir.producer(value)
            quantize = next((u for u in mlir.users(value) if u.name == "stablehlo.uniform_quantize"), None)
            if op is not None and op.name == "stablehlo.uniform_dequantize":
                ret.operands[i] = op.operands[0]
            elif op is not None and quantize is not None:
                ret.operands[i] = quantize.results[0]
            elif mlir.is_float_tensor(value.type):
                self.warn(value.location, f"result {i} stays float: it is not produced by a quantized op")
        mlir.erase_dead(block)
        mlir.set_function_type(func)
