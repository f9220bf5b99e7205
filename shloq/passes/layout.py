"""shloq-layout: channels-first (NCHW) convolutions and pools run as LiteRT's NHWC kernels.

Models ported from PyTorch, and Equinox's, are NCHW: `stablehlo.convolution` with dimension
numbers [b, f, 0, 1] and OIHW kernels, `reduce_window` pools over the last two axes. Each becomes
transpose -> the NHWC op (the kernel folded into HWIO) -> transpose back, and the transposes then
sink past the elementwise ops between layers (bias, batch-norm, ReLU) until consecutive ones
cancel: a chain of layers stays NHWC, with one transpose at each end. Left to the converter, an
NCHW conv got transposes of its own around CONV_2D and its bias add stayed a separate ADD; a pool
over the last two axes had no LiteRT kernel at all.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir
from litert_converter.mlir.dialects import stablehlo

from shloq import mlir, shapes
from shloq.passes import ModulePass, param_indices, register

NHWC = (0, 3, 1, 2)  # batch, feature, spatial dimensions of an NHWC tensor


@register
@dataclasses.dataclass
class LayoutPass(ModulePass):
    """`param_args` as for shloq-canonicalize-dots."""
    name = "shloq-layout"
    summary = "Run NCHW convolutions and pools as NHWC ops between transposes, and cancel the transposes that meet."
    param_args: str = ""

    def run(self, module):
        params = param_indices(self)
        block = mlir.entry_block(module)
        for op in [o.operation for o in block.operations]:
            if op.name == "stablehlo.convolution":
                _conv_as_nhwc(op)
            elif op.name == "stablehlo.reduce_window" and len(op.operands) == 2:
                _pool_as_nhwc(op)
        mlir.erase_dead(block)
        shapes.sink_shape_ops(block, shapes.Statics(block, params))


def _conv_as_nhwc(op):
    dn = stablehlo.ConvDimensionNumbers(op.attributes["dimension_numbers"])
    if len(dn.input_spatial_dimensions) != 2:
        return
    x_order = [dn.input_batch_dimension, *dn.input_spatial_dimensions, dn.input_feature_dimension]
    w_order = [*dn.kernel_spatial_dimensions, dn.kernel_input_feature_dimension, dn.kernel_output_feature_dimension]
    out_order = [dn.output_batch_dimension, *dn.output_spatial_dimensions, dn.output_feature_dimension]
    if x_order == [0, 1, 2, 3] and w_order == [0, 1, 2, 3] and out_order == [0, 1, 2, 3]:
        return
    ip, loc = ir.InsertionPoint(op), op.location
    x, w = shapes.transposed(op.operands[0], x_order, ip, loc), shapes.transposed(op.operands[1], w_order, ip, loc)
    copy = op.clone(ip=ip)
    copy.operands[0], copy.operands[1] = x, w
    copy.attributes["dimension_numbers"] = stablehlo.ConvDimensionNumbers.get(0, 3, [1, 2], 2, 3, [0, 1], 0, 3, [1, 2])
    shape = mlir.tensor_shape(op.results[0].type)
    copy.results[0].set_type(ir.RankedTensorType.get([shape[d] for d in out_order],
                                                     ir.RankedTensorType(op.results[0].type).element_type))
    op.results[0].replace_all_uses_with(shapes.transposed(copy.results[0], shapes.inverse(out_order), ip, loc))


_WINDOW_ATTRS = ("window_dimensions", "window_strides", "base_dilations", "window_dilations")


def _pool_as_nhwc(op):
    """A pool over two axes other than NHWC's H and W (NCHW: the last two; Equinox adds unit
    axes) runs on a rank-4 NHWC view: the two pooled axes as H and W, the two others as N and C
    (unit axes fill in and the other unit axes are dropped)."""
    window = shapes.ints(op.attributes["window_dimensions"])
    rank = len(window)
    shape = mlir.tensor_shape(op.operands[0].type)
    padding = (np.asarray(ir.DenseIntElementsAttr(op.attributes["padding"])).reshape(rank, 2)
               if "padding" in op.attributes else np.zeros((rank, 2), np.int64))

    def trivial(d):
        return window[d] == 1 and all(shapes.ints(op.attributes[a])[d] == 1 for a in _WINDOW_ATTRS[1:]
                                      if a in op.attributes) and not padding[d].any()

    pooled = [d for d in range(rank) if not trivial(d)]
    kept = [d for d in range(rank) if trivial(d) and shape[d] != 1]
    units = [d for d in range(rank) if trivial(d) and shape[d] == 1]
    if rank < 4 or len(pooled) != 2 or len(kept) > 2 or len(kept) + len(units) < 2:
        return
    outer = (kept + units)[:2] if len(kept) == 2 else sorted((kept + units)[:2], key=lambda d: d not in kept)
    order = [min(outer), *pooled, max(outer)] if len(kept) != 1 else [*units[:1], *pooled, *kept]
    rest = [d for d in range(rank) if d not in order]
    if order + rest == list(range(rank)) and rank == 4:
        return  # NHWC already
    ip, loc = ir.InsertionPoint(op), op.location
    x = shapes.reshaped(shapes.transposed(op.operands[0], order + rest, ip, loc), [shape[d] for d in order], ip, loc)
    copy = op.clone(ip=ip)
    copy.operands[0] = x
    for name in _WINDOW_ATTRS:
        if name in op.attributes:
            values = shapes.ints(op.attributes[name])
            copy.attributes[name] = ir.DenseI64ArrayAttr.get([values[d] for d in order])
    if "padding" in op.attributes:
        copy.attributes["padding"] = ir.DenseIntElementsAttr.get(np.ascontiguousarray(padding[order]))
    out_shape = mlir.tensor_shape(op.results[0].type)
    element = ir.RankedTensorType(op.results[0].type).element_type
    copy.results[0].set_type(ir.RankedTensorType.get([out_shape[d] for d in order], element))
    back = shapes.reshaped(copy.results[0], [out_shape[d] for d in order + rest], ip, loc)
    op.results[0].replace_all_uses_with(shapes.transposed(back, shapes.inverse(order + rest), ip, loc))
