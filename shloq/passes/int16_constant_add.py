"""shloq-int16-constant-add: an int16 ADD of a constant becomes a SUB of the negated constant.

LiteRT's int16 ADD takes operands of equal shapes only (`VerifyAddOpShapeConstraints` in the
converter's `tfl_ops.cc`), and the converter shrinks a broadcast constant operand (a bias, a
position embedding, `var + eps`) to its own shape, so the converted ADD fails to verify. int16
SUB broadcasts. Runs after shloq-quantize: `x + c` with an int16 output and a constant `c`
becomes `x - (-c)`, the constant quantized with the same type (symmetric, so -c lands on the
negated integers: the same values). The catalogue names the ops (`OpSpec.int16_broadcasting`)."""
from __future__ import annotations

import dataclasses

from litert_converter.mlir import ir

from shloq import catalogue, mlir
from shloq.passes import ModulePass, register
from shloq.passes.tfl import uniform_params

_SHAPE_OPS = ("stablehlo.broadcast_in_dim", "stablehlo.reshape", "stablehlo.convert")


@register
@dataclasses.dataclass
class Int16ConstantAddPass(ModulePass):
    name = "shloq-int16-constant-add"
    summary = "Compute int16 x + constant as x - (-constant): LiteRT's int16 ADD does not broadcast."

    def run(self, module):
        for op in list(mlir.entry_block(module).operations):
            op = op.operation
            spec = catalogue.SPECS.get(op.name.removeprefix("stablehlo."))
            if spec is None or not spec.int16_broadcasting or not _int16_result(op):
                continue
            found = next(((i, q) for i, v in enumerate(op.operands) if (q := _quantized_constant(v)) is not None), None)
            if found is None:
                continue
            index, quantize = found
            ip = ir.InsertionPoint(op)
            negated = _negated(quantize.operands[0], ip)
            q = ir.Operation.create("stablehlo.uniform_quantize", results=[quantize.results[0].type],
                                    operands=[negated], loc=quantize.location, ip=ip)
            dq = ir.Operation.create("stablehlo.uniform_dequantize", results=[op.operands[index].type],
                                     operands=[q.results[0]], loc=quantize.location, ip=ip)
            other = op.operands[1 - index]
            replacement = ir.Operation.create(f"stablehlo.{spec.int16_broadcasting}", results=[op.results[0].type],
                                              operands=[other, dq.results[0]], loc=op.location, ip=ip)
            op.results[0].replace_all_uses_with(replacement.results[0])
            op.erase()
        mlir.erase_dead(mlir.entry_block(module))


def _int16_result(op) -> bool:
    users = mlir.users(op.results[0])
    return bool(users) and all(u.name == "stablehlo.uniform_quantize" and (p := uniform_params(u.results[0].type))
                               and p[0] == "i16" for u in users)


def _quantized_constant(value):
    """The `uniform_quantize` of a constant (seen through broadcasts and reshapes) that `value`
    dequantizes, else None."""
    dq = mlir.producer(value)
    q = mlir.producer(dq.operands[0]) if dq is not None and dq.name == "stablehlo.uniform_dequantize" else None
    if q is None or q.name != "stablehlo.uniform_quantize" or mlir.constant_source(q.operands[0]) is None:
        return None
    return q


def _negated(value, ip):
    """-value for a constant seen through broadcasts, reshapes and converts, rebuilt the same way."""
    op = mlir.producer(value)
    if op.name in _SHAPE_OPS:
        source = _negated(op.operands[0], ip)
        copy = op.clone(ip=ip)
        copy.operands[0] = source
        return copy.results[0]
    return mlir.make_constant(-mlir.constant_value(op), op.location, ip).results[0]
