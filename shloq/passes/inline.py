"""shloq-inline: JAX wraps relu, softmax and friends in private functions; patterns need them flat."""
from __future__ import annotations

import dataclasses

from litert_converter.mlir import ir

from shloq import catalogue, mlir
from shloq.passes import ModulePass, register


@register
@dataclasses.dataclass
class InlinePass(ModulePass):
    name = "shloq-inline"
    summary = ("Inline every func.call into main and drop the private functions left unused; "
               "jax.image.resize becomes the LiteRT resize composite.")

    def run(self, module):
        funcs = {ir.StringAttr(op.attributes["sym_name"]).value: op for op in module.body.operations
                 if op.operation.name == "func.func"}
        main = mlir.main_func(module)
        recursive = _recursive_call(main, funcs)
        if recursive is not None:
            recursive.location.emit_error(
                f"recursive call to @{_callee(recursive)} cannot be inlined")
            return
        composites: dict = {}  # flattened function -> its composite (name, attributes), or None

        def flatten(name):
            """Callees first, so that a resize is recognised (by running it, once) on a flat body."""
            for call in _calls(funcs[name].operation):
                callee = _callee(call)
                if callee not in composites:
                    flatten(callee)
                    composites[callee] = catalogue.resize_composite(funcs[callee])
                found = composites[callee]
                if found is not None:
                    _to_composite(call, *found)
                else:
                    _inline_call(call, funcs[callee])

        flatten(ir.StringAttr(main.attributes["sym_name"]).value)
        kept = [main] + [funcs[name] for name in _decompositions(main)]
        for func in funcs.values():
            if func not in kept and _is_private(func):
                func.operation.erase()


def _decompositions(main) -> list[str]:
    """Functions the composites in main decompose into (they stay)."""
    return [ir.FlatSymbolRefAttr(op.attributes["decomposition"]).value for op in mlir.walk(main.operation)
            if op.name == "stablehlo.composite"]


def _to_composite(call, name: str, attributes: dict):
    """Replaces `call` by a `stablehlo.composite` decomposing into the called function."""
    composite = mlir.make_composite(name, call.operands, [r.type for r in call.results], attributes, _callee(call),
                                    call.location, ir.InsertionPoint(call))
    for old, new in zip(call.results, composite.results):
        old.replace_all_uses_with(new)
    call.erase()


def _calls(op) -> list:
    """The func.call ops nested anywhere inside `op` (in branches and loop bodies too)."""
    return [inner for inner in mlir.walk(op) if inner.name == "func.call"]


def _callee(call) -> str:
    return ir.FlatSymbolRefAttr(call.attributes["callee"]).value


def _recursive_call(main, funcs):
    """A call that closes a cycle among the functions reachable from main, or None."""
    state = {}  # function name -> "open" while on the DFS stack, "done" after

    def visit(name):
        state[name] = "open"
        for call in _calls(funcs[name].operation):
            callee = _callee(call)
            if state.get(callee) == "open":
                return call
            if callee not in state and (found := visit(callee)) is not None:
                return found
        state[name] = "done"
        return None

    return visit(ir.StringAttr(main.attributes["sym_name"]).value)


def _is_private(func) -> bool:
    return "sym_visibility" in func.attributes and ir.StringAttr(func.attributes["sym_visibility"]).value == "private"


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
        _remap_operands(clone, mapping)
        inner = mlir.location_name(op.location) or op.name.split(".")[-1]
        clone.location = ir.Location.name(f"{call_name}/{inner}" if call_name else inner, childLoc=call.location)
        mapping.update(zip(op.results, clone.results))
    call.erase()


def _remap_operands(clone, mapping) -> None:
    """Points `clone`'s operands, and those of the ops in its regions, from the callee's values to
    the caller's. `Operation.clone` only remaps values defined inside the clone: a loop body that
    reads a constant or argument of the callee (JAX's RNG `while` loops do) would otherwise keep
    using the callee's value, freed with the callee."""
    for op in (clone, *mlir.walk(clone)):
        for i, operand in enumerate(op.operands):
            if operand in mapping:
                op.operands[i] = mapping[operand]
