"""shloq-tfl-conv-bias: 16x8 CONV_2D and DEPTHWISE_CONV_2D get an int64 bias.

LiteRT's int16 conv kernels read the bias as int64 (`conv.cc`, `depthwise_conv.cc`); the converter
(litert-converter 0.5.0) emits the int32 bias of the int8 kernels, which DEPTHWISE_CONV_2D refuses
at prepare and CONV_2D reads as int64 pairs (tens of thousands of steps off). The pass puts the
same integers in a plain i64 constant (this MLIR cannot give a quantized type i64 storage; the
kernels only read the stored integers, whose scale is input scale times weight scale)."""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import mlir
from shloq.passes import register
from shloq.passes.tfl import TFLPass, is_int16, stored_integers

CONVS = ("tfl.conv_2d", "tfl.depthwise_conv_2d")


@register
@dataclasses.dataclass
class ConvBiasPass(TFLPass):
    name = "shloq-tfl-conv-bias"
    summary = "Give 16x8 CONV_2D/DEPTHWISE_CONV_2D the int64 bias LiteRT's int16 kernels read."

    def run(self, module):
        for op in [op for op in mlir.walk(module.operation) if op.name in CONVS]:
            if len(op.operands) < 3 or not is_int16(op.operands[0].type):
                continue
            bias = mlir.producer(op.operands[2])
            if bias is None or bias.name != "tfl.pseudo_qconst" or not _int32_storage(bias.results[0].type):
                continue
            values = stored_integers(bias).astype(np.int64)
            attr = ir.DenseElementsAttr.get(values)
            wide = ir.Operation.create("tfl.pseudo_const", results=[attr.type], attributes={"value": attr},
                                       loc=bias.location, ip=ir.InsertionPoint(op))
            op.operands[2] = wide.results[0]
            if not list(bias.results[0].uses):
                bias.erase()


def _int32_storage(type_) -> bool:
    element = ir.RankedTensorType(type_).element_type
    return "quant.uniform<i32" in str(element)
