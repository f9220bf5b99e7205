"""shloq-tfl-hybrid-inputs (post-conversion): a hybrid dense reads a float input.

In dynamic-range mode the converter folds the DEQUANTIZE of an int8 activation (the output of a
static op) into the hybrid dense that reads it, leaving a FULLY_CONNECTED with an int8 input (and
an int32 bias) and a float output, which LiteRT refuses at prepare ("output->type == kTfLiteInt8
... was not true"). The DEQUANTIZE goes back in, and the bias becomes the float constant its
integers stand for."""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import mlir
from shloq.passes import register
from shloq.passes.tfl import TFLPass
from shloq.qscheme import parse_quantized_type


@register
@dataclasses.dataclass
class HybridInputsPass(TFLPass):
    name = "shloq-tfl-hybrid-inputs"
    summary = "Dequantize the int8 input (and int32 bias) of a dense with a float output, as LiteRT's hybrid kernel takes."

    def run(self, module):
        for op in list(mlir.walk(module.operation)):
            if op.name not in ("tfl.fully_connected", "tfl.batch_matmul"):
                continue
            x, out = ir.RankedTensorType(op.operands[0].type), ir.RankedTensorType(op.results[0].type)
            if str(out.element_type) != "f32" or "quant.uniform" not in str(x.element_type):
                continue
            ip = ir.InsertionPoint(op)
            real = ir.RankedTensorType.get(x.shape, ir.F32Type.get())
            op.operands[0] = ir.Operation.create("tfl.dequantize", results=[real], operands=[op.operands[0]],
                                                 loc=op.location, ip=ip).results[0]
            bias = mlir.producer(op.operands[2]) if len(op.operands) > 2 else None
            if bias is not None and bias.name == "tfl.pseudo_qconst":
                value = _real_values(bias)
                op.operands[2] = ir.Operation.create("arith.constant", results=[value.type], loc=bias.location,
                                                     attributes={"value": value}, ip=ip).results[0]
                if not mlir.users(bias.results[0]):
                    bias.erase()


def _real_values(qconst):
    """The float values a `tfl.pseudo_qconst` stands for: (stored integer - zero point) x scale."""
    q = parse_quantized_type(str(ir.RankedTensorType(qconst.results[0].type).element_type))
    ints = np.asarray(ir.DenseIntElementsAttr(qconst.attributes["value"])).astype(np.float64) - q.zero_point
    scale = np.asarray(q.scale, np.float64)
    if q.axis is not None:
        scale = scale.reshape([-1 if d == q.axis else 1 for d in range(ints.ndim)])
    return mlir.dense_attr((ints * scale).astype(np.float32))
