"""shloq-int16-broadcast-add: an int16 ADD that broadcasts becomes a SUB of the negated operand.

LiteRT's int16 ADD takes operands of equal shapes only (`VerifyAddOpShapeConstraints` in the
converter's `tfl_ops.cc`), and the converter shrinks a broadcast constant operand (a bias, a
position embedding, `var + eps`) to its own shape and folds a broadcast activation into the ADD,
so the converted ADD fails to verify. int16 SUB broadcasts. Runs after shloq-quantize, on ADDs
with an int16 output: `x + c` with a constant `c` becomes `x - (-c)`, the constant quantized with
the same type (symmetric, so -c lands on the negated integers: the same values); `x + bcast(y)`
becomes `x - bcast(y * -1)`, the product on y's grid (an int16 MUL by a constant, exact). The
catalogue names the ops (`OpSpec.int16_broadcasting`)."""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import catalogue, mlir
from shloq.passes import ModulePass, register
from shloq.passes.quantize import tensor_type_text
from shloq.passes.tfl import is_int16
from shloq.qscheme import quantized_type

_SHAPE_OPS = ("stablehlo.broadcast_in_dim", "stablehlo.reshape", "stablehlo.convert")


@register
@dataclasses.dataclass
class Int16BroadcastAddPass(ModulePass):
    name = "shloq-int16-broadcast-add"
    summary = "Compute an int16 x + c or x + broadcast(y) as a SUB of its negation: int16 ADD does not broadcast."

    def run(self, module):
        for op in list(mlir.entry_block(module).operations):
            op = op.operation
            spec = catalogue.SPECS.get(op.name.removeprefix("stablehlo."))
            if spec is None or not spec.int16_broadcasting or not _int16_result(op):
                continue
            ip = ir.InsertionPoint(op)
            found = next(((i, q) for i, v in enumerate(op.operands) if (q := _quantized_constant(v)) is not None), None)
            if found is not None:
                index, quantize = found
                negated = _dequantized(_negated(quantize.operands[0], ip), quantize, ip)
            else:
                found = next(((i, q) for i, v in enumerate(op.operands) if (q := _quantized_broadcast(v)) is not None),
                             None)
                if found is None:
                    continue
                index, quantize = found
                negated = _dequantized(_negated_broadcast(mlir.producer(quantize.operands[0]), ip), quantize, ip)
            replacement = ir.Operation.create(f"stablehlo.{spec.int16_broadcasting}", results=[op.results[0].type],
                                              operands=[op.operands[1 - index], negated], loc=op.location, ip=ip)
            op.results[0].replace_all_uses_with(replacement.results[0])
            op.erase()
        mlir.erase_dead(mlir.entry_block(module))


def _int16_result(op) -> bool:
    users = mlir.users(op.results[0])
    return bool(users) and all(u.name == "stablehlo.uniform_quantize" and is_int16(u.results[0].type) for u in users)


def _quantized_constant(value):
    """The `uniform_quantize` of a constant (seen through broadcasts and reshapes) that `value`
    dequantizes, else None."""
    dq = mlir.producer(value)
    q = mlir.producer(dq.operands[0]) if dq is not None and dq.name == "stablehlo.uniform_dequantize" else None
    if q is None or q.name != "stablehlo.uniform_quantize" or mlir.constant_source(q.operands[0]) is None:
        return None
    return q


def _quantized_broadcast(value):
    """The `uniform_quantize` of a broadcast that repeats elements of a quantized activation, which
    `value` dequantizes, else None."""
    dq = mlir.producer(value)
    q = mlir.producer(dq.operands[0]) if dq is not None and dq.name == "stablehlo.uniform_dequantize" else None
    broadcast = mlir.producer(q.operands[0]) if q is not None and q.name == "stablehlo.uniform_quantize" else None
    if broadcast is None or broadcast.name != "stablehlo.broadcast_in_dim" or catalogue.same_elements(broadcast):
        return None
    source = mlir.producer(broadcast.operands[0])
    if source is None or source.name != "stablehlo.uniform_dequantize" or mlir.constant_source(value) is not None:
        return None
    return q


def _dequantized(value, quantize, ip):
    """`value` quantized with `quantize`'s type and dequantized."""
    q = ir.Operation.create("stablehlo.uniform_quantize", results=[quantize.results[0].type], operands=[value],
                            loc=quantize.location, ip=ip)
    return ir.Operation.create("stablehlo.uniform_dequantize", results=[value.type], operands=[q.results[0]],
                               loc=quantize.location, ip=ip).results[0]


def _negated_broadcast(broadcast, ip):
    """`broadcast` of `y * -1`, the product quantized as y is (`y` the dequantized activation it
    broadcasts)."""
    y = broadcast.operands[0]
    y_quantize = mlir.producer(mlir.producer(y).operands[0])
    minus_one = mlir.make_constant(np.full(mlir.tensor_shape(y.type), -1.0, np.float32), broadcast.location, ip)
    one_type = ir.Type.parse(tensor_type_text(mlir.tensor_shape(y.type), quantized_type("i16", 1.0 / 32767)))
    q = ir.Operation.create("stablehlo.uniform_quantize", results=[one_type], operands=[minus_one.results[0]],
                            loc=broadcast.location, ip=ip)
    dq = ir.Operation.create("stablehlo.uniform_dequantize", results=[y.type], operands=[q.results[0]],
                             loc=broadcast.location, ip=ip)
    product = ir.Operation.create("stablehlo.multiply", results=[y.type], operands=[y, dq.results[0]],
                                  loc=broadcast.location, ip=ip)
    negated = _dequantized(product.results[0], y_quantize, ip)
    copy = broadcast.clone(ip=ip)
    copy.operands[0] = negated
    return copy.results[0]


def _negated(value, ip):
    """-value for a constant seen through broadcasts, reshapes and converts, rebuilt the same way."""
    op = mlir.producer(value)
    if op.name in _SHAPE_OPS:
        source = _negated(op.operands[0], ip)
        copy = op.clone(ip=ip)
        copy.operands[0] = source
        return copy.results[0]
    return mlir.make_constant(-mlir.constant_value(op), op.location, ip).results[0]
