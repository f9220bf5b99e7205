"""shloq-tfl-float-islands (post-conversion): the ops a profile leaves float run in float.

Under `profile="cpu-float-islands"` shloq-mark-sites puts no sites on the ops XNNPACK has no int8
kernel for and records the profile as the module attribute `shloq.profile`. The converter's QDQ
fusion still turns DEQUANTIZE -> op -> QUANTIZE into an int8 op (an int8 SOFTMAX at the next
site's scale, which LiteRT then refuses), so this pass gives each such TFL op float operands
(`tfl.dequantize`) and results (`tfl.quantize` back to the fused op's types)."""
from __future__ import annotations

import dataclasses

from litert_converter.mlir import ir

from shloq import catalogue, mlir
from shloq.passes import register
from shloq.passes.tfl import TFLPass

PROFILE_ATTRIBUTE = "shloq.profile"


def float_op_names(module) -> set[str]:
    """TFL op names the module's recorded profile leaves float (none without a record)."""
    attrs = module.operation.attributes
    if PROFILE_ATTRIBUTE not in attrs:
        return set()
    profile = ir.StringAttr(attrs[PROFILE_ATTRIBUTE]).value
    return {f"tfl.{catalogue.SPECS[name].litert_op.lower()}" for name in catalogue.PROFILES[profile]}


@register
@dataclasses.dataclass
class FloatIslandsPass(TFLPass):
    name = "shloq-tfl-float-islands"
    summary = "Run the ops the recorded profile leaves float between tfl.dequantize and tfl.quantize."

    def run(self, module):
        names = float_op_names(module)
        for op in [o for o in mlir.walk(module.operation) if o.name in names]:
            if any(_quantized(v) for v in [*op.operands, *op.results]):
                _as_float_island(op)


def _quantized(value) -> bool:
    return "!quant." in str(ir.RankedTensorType(value.type).element_type)


def _float_type(value_type):
    return ir.RankedTensorType.get(ir.RankedTensorType(value_type).shape, ir.F32Type.get())


def _as_float_island(op) -> None:
    ip, loc = ir.InsertionPoint(op), op.location
    operands = [ir.Operation.create("tfl.dequantize", results=[_float_type(v.type)], operands=[v], loc=loc,
                                    ip=ip).results[0] if _quantized(v) else v for v in op.operands]
    results = [_float_type(r.type) if _quantized(r) else r.type for r in op.results]
    named = (op.attributes[i] for i in range(len(op.attributes)))
    island = ir.Operation.create(op.name, results=results, operands=operands, loc=loc, ip=ip,
                                 attributes={a.name: a.attr for a in named})
    for old, new in zip(op.results, island.results):
        if _quantized(old):
            new = ir.Operation.create("tfl.quantize", results=[old.type], operands=[new], loc=loc, ip=ip,
                                      attributes={"qtype": ir.TypeAttr.get(old.type)}).results[0]
        old.replace_all_uses_with(new)
    op.erase()
