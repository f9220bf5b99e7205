"""shloq-inline: JAX wraps relu, softmax and friends in private functions; patterns need them flat."""
from __future__ import annotations

import dataclasses

from litert_converter.mlir import ir

from shloq import catalogue, mlir, shapes
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
                    _to_composite(call, *found, funcs)
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


def _to_composite(call, name: str, attributes: dict, nchw: bool, funcs: dict):
    """Replaces `call` by a `stablehlo.composite` decomposing into the called function; a
    channels-first call becomes transpose -> NHWC composite -> transpose, decomposing into an NHWC
    copy of the function."""
    ip, loc = ir.InsertionPoint(call), call.location
    if not nchw:
        composite = mlir.make_composite(name, call.operands, [r.type for r in call.results], attributes,
                                        _callee(call), loc, ip)
        call.results[0].replace_all_uses_with(composite.results[0])
    else:
        decomposition = _nhwc_copy(funcs, _callee(call))
        x = shapes.transposed(call.operands[0], NCHW_TO_NHWC, ip, loc)
        out = mlir.tensor_shape(call.results[0].type)
        out_type = ir.RankedTensorType.get([out[d] for d in NCHW_TO_NHWC],
                                           ir.RankedTensorType(call.results[0].type).element_type)
        composite = mlir.make_composite(name, [x], [out_type], attributes, decomposition, loc, ip)
        call.results[0].replace_all_uses_with(shapes.transposed(composite.results[0], NHWC_TO_NCHW, ip, loc))
    call.erase()


NCHW_TO_NHWC, NHWC_TO_NCHW = [0, 2, 3, 1], [0, 3, 1, 2]


def _nhwc_copy(funcs: dict, name: str) -> str:
    """A private function computing the channels-first function `name` on NHWC tensors (made
    once): transpose in, the function's body, transpose out."""
    copy_name = f"{name}_nhwc"
    if copy_name in funcs:
        return copy_name
    func = funcs[name]
    body = func.regions[0].blocks[0]
    ret = [op for op in body.operations if op.operation.name == "func.return"][0]

    def nhwc(type_):
        shape = mlir.tensor_shape(type_)
        return ir.RankedTensorType.get([shape[d] for d in NCHW_TO_NHWC], ir.RankedTensorType(type_).element_type)

    arg_type, result_type = nhwc(body.arguments[0].type), nhwc(ret.operands[0].type)
    copy = ir.Operation.create("func.func", regions=1, attributes={
        "sym_name": ir.StringAttr.get(copy_name), "sym_visibility": ir.StringAttr.get("private"),
        "function_type": ir.TypeAttr.get(ir.FunctionType.get([arg_type], [result_type]))},
        loc=func.location, ip=ir.InsertionPoint.after(func))
    block = copy.regions[0].blocks.append(arg_type)
    ip = ir.InsertionPoint(block)
    mapping = {body.arguments[0]: shapes.transposed(block.arguments[0], NHWC_TO_NCHW, ip, func.location)}
    for op in body.operations:
        op = op.operation
        if op.name == "func.return":
            result = shapes.transposed(mapping.get(op.operands[0], op.operands[0]), NCHW_TO_NHWC, ip, op.location)
            ir.Operation.create("func.return", operands=[result], loc=op.location, ip=ip)
            continue
        clone = op.clone(ip=ip)
        for i, operand in enumerate(clone.operands):
            if operand in mapping:
                clone.operands[i] = mapping[operand]
        mapping.update(zip(op.results, clone.results))
    funcs[copy_name] = copy
    return copy_name


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
