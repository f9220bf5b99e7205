"""shloq-tfl-retype: the int8 stand-ins of shloq-int16-scaffold become the int16 ops they stand for.

shloq-int16-scaffold hands GELU, CONCATENATION and PAD of an int16 model to the converter in int8,
on the int16 scale times `SCAFFOLD_RATIO`, between requantizes and reshapes named `SCAFFOLD`. This
pass retypes every int8 tensor reachable from a scaffold requantize (up to the requantize back) to
int16 on the int16 scale, constants with their integers scaled alike; the requantizes then map
int16 to the same int16 and go, and so do the reshapes that undo each other (a reshaped constant,
such as a pad value, becomes a constant of the new shape)."""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import mlir
from shloq.passes import register
from shloq.passes.int16_scaffold import SCAFFOLD, SCAFFOLD_RATIO
from shloq.passes.tfl import TFLPass, stored_integers, uniform_params


def is_scaffold(op) -> bool:
    return mlir.location_name(op.location) == SCAFFOLD


@register
@dataclasses.dataclass
class RetypePass(TFLPass):
    name = "shloq-tfl-retype"
    summary = "Retype the int8 stand-ins of shloq-int16-scaffold to int16 and drop the scaffold."

    def run(self, module):
        ops = list(mlir.walk(module.operation))
        todo = [op.results[0] for op in ops if is_scaffold(op) and op.name in ("tfl.quantize", "tfl.pseudo_qconst")
                and _storage(op.results[0]) == "i8"]
        retyped = []
        while todo:
            value = todo.pop()
            if _storage(value) != "i8" or any(value == v for v in retyped):
                continue
            retyped.append(value)
            todo.extend(r for user in mlir.users(value) if user.name != "tfl.quantize" for r in user.results)
        for value in retyped:
            value.set_type(_widened(value.type))
            const = mlir.producer(value)
            if const is not None and const.name == "tfl.pseudo_qconst":
                integers = stored_integers(const).astype(np.int16) * np.int16(SCAFFOLD_RATIO)
                const.attributes["qtype"] = ir.TypeAttr.get(value.type)
                const.attributes["value"] = ir.DenseElementsAttr.get(integers)
        for op in ops:
            if is_scaffold(op) and op.name == "tfl.quantize" and op.operands[0].type == op.results[0].type:
                op.results[0].replace_all_uses_with(op.operands[0])
        for op in ops:
            if is_scaffold(op) and op.name == "tfl.reshape" and list(op.results[0].uses):
                source = op.operands[0]
                while (producer := mlir.producer(source)) is not None and is_scaffold(producer) \
                        and producer.name == "tfl.reshape":
                    source = producer.operands[0]
                const = mlir.producer(source)
                if source.type == op.results[0].type:
                    op.results[0].replace_all_uses_with(source)
                elif const is not None and const.name == "tfl.pseudo_qconst":  # a pad value: no RESHAPE op
                    op.results[0].replace_all_uses_with(_reshaped_constant(const, op.results[0].type, op))
                else:
                    op.operands[0] = source
        _erase_unused(op for op in reversed(ops) if is_scaffold(op) or op.name == "arith.constant")


def _reshaped_constant(const, type_, before):
    shape = ir.RankedTensorType(type_).shape
    integers = stored_integers(const).reshape(shape)
    return ir.Operation.create("tfl.pseudo_qconst", results=[type_], attributes={
        "qtype": ir.TypeAttr.get(type_), "value": ir.DenseElementsAttr.get(np.require(integers, requirements="C"))},
        loc=const.location, ip=ir.InsertionPoint(before)).results[0]


def _erase_unused(ops) -> None:
    for op in ops:
        if all(not list(r.uses) for r in op.results):
            op.erase()


def _storage(value) -> str | None:
    params = uniform_params(value.type)
    return params and params[0]


def _widened(type_):
    """The int16 tensor type of an int8 stand-in's type."""
    shape = ir.RankedTensorType(type_).shape
    _, scale, _ = uniform_params(type_)
    return ir.Type.parse(f"tensor<{''.join(f'{d}x' for d in shape)}"
                         f"!quant.uniform<i16:f32, {scale / SCAFFOLD_RATIO!r}>>")
