"""shloq-tfl-int4-weights (post-conversion): int4 weight constants get their i4 type.

litert-converter 0.5.0 leaves i4 QDQ pairs unconverted (a float BATCH_MATMUL, then no export), so
shloq-quantize hands int4 weights over as i8 storage limited to [-7, 7], a range nothing else
uses (`qscheme.CONVERTER_STORAGE`). After conversion each such `tfl.pseudo_qconst` becomes i4,
which export packs two to a byte; LiteRT's FULLY_CONNECTED unpacks them (int8 x int4) or runs its
4-bit hybrid kernel (float x int4)."""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import mlir
from shloq.passes import register
from shloq.passes.tfl import TFLPass

CONVERTER_STORAGE = "i8<-7:7>"


@register
@dataclasses.dataclass
class Int4WeightsPass(TFLPass):
    name = "shloq-tfl-int4-weights"
    summary = "Retype the i8 [-7, 7] weight constants the converter was given for int4 weights to i4."

    def run(self, module):
        for op in list(mlir.walk(module.operation)):
            if op.name != "tfl.pseudo_qconst" or CONVERTER_STORAGE not in str(op.results[0].type):
                continue
            qtype = ir.Type.parse(str(op.results[0].type).replace(CONVERTER_STORAGE, "i4<-7:7>"))
            values = np.asarray(ir.DenseIntElementsAttr(op.attributes["value"]))
            value = ir.DenseElementsAttr.get(values, type=ir.IntegerType.get_signless(4))
            retyped = ir.Operation.create("tfl.pseudo_qconst", results=[qtype], loc=op.location,
                                          ip=ir.InsertionPoint(op),
                                          attributes={"qtype": ir.TypeAttr.get(qtype), "value": value})
            op.results[0].replace_all_uses_with(retyped.results[0])
            op.erase()
