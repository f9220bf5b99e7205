"""shloq-int16-scaffold: int16 ops the converter has no int16 pattern for are handed over in int8.

LiteRT runs GELU, CONCATENATION and PAD on int16 tensors, but litert-converter 0.5.0 only
legalizes them for int8 (`'tfl.gelu' op operand #0 must be ... QI8`). Runs after shloq-quantize:
each such op (catalogue `int16_by_retype`) between int16 quantizes gets int8 quantizes of its
operands and result, on the int16 scale times 256, and a requantize between the two types on each
side; shloq-tfl-retype gives the converted op its int16 types back and removes the rest. A
requantize next to a kernel would be folded into it by the converter's `FoldTrivalRequantizeOp`
(which changes that kernel's type and trips its type check), so each requantize stands between
two reshapes, to a 1-D tensor and back: a requantize of a reshape is kept. Every op inserted is
named `SCAFFOLD` (location), which is how shloq-tfl-retype finds it."""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import catalogue, mlir
from shloq.passes import ModulePass, register
from shloq.passes.tfl import is_int16, uniform_params

SCAFFOLD = "shloq.int16_scaffold"
SCAFFOLD_RATIO = 256  # int8 scale / int16 scale: the int8 grid spans the int16 one


@register
@dataclasses.dataclass
class Int16ScaffoldPass(ModulePass):
    name = "shloq-int16-scaffold"
    summary = "Hand int16 GELU/CONCATENATION/PAD to the converter in int8 between int16 requantizes."

    def run(self, module):
        for op in list(mlir.entry_block(module).operations):
            op = op.operation
            spec = catalogue.single_op_spec(op)
            if spec is None or not spec.int16_by_retype:
                continue
            users = mlir.users(op.results[0])
            if len(users) != 1 or users[0].name != "stablehlo.uniform_quantize" or not is_int16(users[0].results[0].type):
                continue
            for i, operand in enumerate(op.operands):
                source = mlir.producer(operand)
                if source is None or source.name != "stablehlo.uniform_dequantize" or not is_int16(source.operands[0].type):
                    continue
                op.operands[i] = _to_int8(operand, source.operands[0].type, op)
            _result_from_int8(op, users[0])


def _quantized(shape, storage: str, scale: float):
    return ir.Type.parse(f"tensor<{''.join(f'{d}x' for d in shape)}!quant.uniform<{storage}:f32, {scale!r}>>")


def _qdq(value, quantized_type, loc, ip):
    """`uniform_dequantize(uniform_quantize(value))` with `quantized_type`."""
    q = ir.Operation.create("stablehlo.uniform_quantize", results=[quantized_type], operands=[value], loc=loc, ip=ip)
    return ir.Operation.create("stablehlo.uniform_dequantize", results=[value.type], operands=[q.results[0]],
                               loc=loc, ip=ip).results[0]


def _reshape(value, shape, loc, ip):
    element = ir.RankedTensorType(value.type).element_type
    return ir.Operation.create("stablehlo.reshape", results=[ir.RankedTensorType.get(list(shape), element)],
                               operands=[value], loc=loc, ip=ip).results[0]


def _flat(shape) -> tuple:
    """A shape of another rank holding the same elements (so the reshape is not folded away)."""
    size = int(np.prod(shape))
    return (1, size) if len(shape) == 1 else (size,)


def _requantized(value, source_storage, target_storage, scale16, loc, ip):
    """`value` (on the grid of `source_storage`) flattened, requantized to `target_storage` and
    reshaped back, each step quantized so the converter keeps it."""
    shape = mlir.tensor_shape(value.type)
    scales = {"i16": scale16, "i8": scale16 * SCAFFOLD_RATIO}
    flat = _reshape(value, _flat(shape), loc, ip)
    flat = _qdq(flat, _quantized(_flat(shape), source_storage, scales[source_storage]), loc, ip)
    flat = _qdq(flat, _quantized(_flat(shape), target_storage, scales[target_storage]), loc, ip)
    back = _reshape(flat, shape, loc, ip)
    return _qdq(back, _quantized(shape, target_storage, scales[target_storage]), loc, ip)


def _to_int8(value, int16_type, op):
    """`value` (the dequantized int16 operand of `op`) requantized to int8 for it."""
    loc = ir.Location.name(SCAFFOLD, childLoc=op.location)
    return _requantized(value, "i16", "i8", uniform_params(int16_type)[1], loc, ir.InsertionPoint(op))


def _result_from_int8(op, quantize):
    """`op`'s result quantized to int8, then requantized to the int16 `quantize` that reads it."""
    loc = ir.Location.name(SCAFFOLD, childLoc=op.location)
    scale16 = uniform_params(quantize.results[0].type)[1]
    ip = ir.InsertionPoint(quantize)
    shape = mlir.tensor_shape(op.results[0].type)
    result = _qdq(op.results[0], _quantized(shape, "i8", scale16 * SCAFFOLD_RATIO), loc, ip)
    result = _requantized(result, "i8", "i16", scale16, loc, ip)
    quantize.operands[0] = result
