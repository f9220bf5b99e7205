"""shloq-inline: JAX wraps relu, softmax and friends in private functions; patterns need them flat."""
from __future__ import annotations

import dataclasses

from litert_converter.mlir import ir

from shloq import mlir
from shloq.passes import ModulePass, register


@register
@dataclasses.dataclass
class InlinePass(ModulePass):
    name = "shloq-inline"
    summary = "Inline every func.call into main and drop the private functions left unused."

    def run(self, module):
        funcs = {ir.StringAttr(op.attributes["sym_name"]).value: op for op in module.body.operations
                 if op.operation.name == "func.func"}
        main = mlir.main_func(module)
        block = main.regions[0].blocks[0]
        while True:
            calls = [op for op in block.operations if op.operation.name == "func.call"]
            if not calls:
                break
            for call in calls:
                _inline_call(call.operation, funcs[ir.FlatSymbolRefAttr(call.attributes["callee"]).value])
        for name, func in funcs.items():
            if func.operation != main.operation and "sym_visibility" in func.attributes:
                func.operation.erase()


def _inline_call(call, callee):
    """Clones the callee's body before `call`, naming each op `<call name>/<op name>`."""
    body = callee.regions[0].blocks[0]
    mapping = dict(zip(body.arguments, call.operands))
    call_name = mlir.location_name(call.location)
    ip = ir.InsertionPoint(call)
    for op in body.operations:
        op = op.operation
        if op.name == "func.return":
            for result, value in zip(call.results, op.operands):
                result.replace_all_uses_with(mapping.get(value, value))
            continue
        clone = op.clone(ip=ip)
        for i, operand in enumerate(clone.operands):
            if operand in mapping:
                clone.operands[i] = mapping[operand]
        inner = mlir.location_name(op.location) or op.name.split(".")[-1]
        clone.location = ir.Location.name(f"{call_name}/{inner}" if call_name else inner, childLoc=call.location)
        mapping.update(zip(op.results, clone.results))
    call.erase()
