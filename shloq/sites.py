"""Quantization site markers (the `shloq.site` custom calls shloq-mark-sites inserts) and their
resolved parameters. JAX-free, so that passes reading markers start without importing JAX."""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import mlir
from shloq.catalogue import SPECS, OpSpec, output_channel_axis
from shloq.qscheme import site_qparams

SITE_TARGET = "shloq.site"


def is_site_marker(op) -> bool:
    return (op.operation.name == "stablehlo.custom_call"
            and ir.StringAttr(op.attributes["call_target_name"]).value == SITE_TARGET)


def marker_behind(value):
    """The site marker `value` is, seen through broadcasts and reshapes (which keep its grid), or None."""
    op = mlir.producer(value)
    while op is not None and op.name in ("stablehlo.broadcast_in_dim", "stablehlo.reshape"):
        op = mlir.producer(op.operands[0])
    return op if op is not None and is_site_marker(op) else None


def marker_attrs(op) -> dict:
    """A site marker's `shloq.*` attributes without the prefix, e.g. {'site': 0, 'kind': 'weight'}."""
    return {name[len("shloq."):]: _python_value(op.attributes[name])
            for name in op.attributes if name.startswith("shloq.")}


def marker_spec(op) -> OpSpec | None:
    """The catalogue spec of the unit a marker is the output of (its `op` label, less a
    `:requantized` suffix); None for input, constant and weight markers."""
    return SPECS.get(marker_attrs(op).get("op", "").split(":")[0])


def _python_value(attr):
    for cls, get in ((ir.IntegerAttr, lambda a: a.value), (ir.FloatAttr, lambda a: a.value),
                     (ir.StringAttr, lambda a: a.value), (ir.BoolAttr, lambda a: a.value)):
        try:
            return get(cls(attr))
        except (ValueError, TypeError):
            pass
    for cls in (ir.DenseF32ArrayAttr, ir.DenseF64ArrayAttr, ir.DenseI64ArrayAttr):
        try:
            return tuple(cls(attr))
        except (ValueError, TypeError):
            pass
    return str(attr)


def site_params(module, ranges) -> dict:
    """Resolved parameters of every marker op in the main function, keyed by the op."""
    params = {}
    for op in mlir.entry_block(module).operations:
        op = op.operation
        if is_site_marker(op):
            attrs = marker_attrs(op)
            weight = mlir.evaluate_constant(op.operands[0]) if attrs["kind"] == "weight" else None
            params[op] = site_qparams(attrs, ranges, weight)
    return bias_safe_weights(module, params)


INT32_BIAS_LIMIT = (2 ** 31 - 1) / 1.001  # a little room for float32 scales


def bias_safe_weights(module, params: dict) -> dict:
    """`params` (marker op -> SiteQParams) with the weight scale of each int8 conv/dense channel
    widened where its int32 bias `b / (s_in * s_w)` would overflow, as TFLite's own quantizer does
    (AdjustWeightsForBiasScale). A tiny input scale times tiny weights against a large bias
    saturated the bias, in LiteRT and emulate alike; the widened channel's weights round more
    coarsely, and they are negligible next to its bias. 16x8 kernels too: the converter quantizes
    their bias to int32 as well (shloq-tfl-conv-bias only widens the stored integers)."""
    for op in mlir.entry_block(module).operations:
        op = op.operation
        if op.name not in ("stablehlo.convolution", "stablehlo.dot_general"):
            continue
        x_marker, w_marker = (mlir.producer(v) for v in op.operands)
        users = mlir.users(op.results[0])
        if (x_marker not in params or w_marker not in params or marker_attrs(w_marker)["kind"] != "weight"
                or len(users) != 1 or users[0].name != "stablehlo.add"):
            continue
        bias = mlir.evaluate_constant(next(v for v in users[0].operands if v != op.results[0]))
        if bias is None:
            continue
        axis = output_channel_axis(op)
        largest = np.moveaxis(np.abs(bias), axis, -1).reshape(-1, bias.shape[axis]).max(axis=0)
        q_w = params[w_marker]
        needed = largest / (np.float64(np.float32(params[x_marker].scale)) * INT32_BIAS_LIMIT)
        scale = np.maximum(np.asarray(q_w.scale, np.float64), needed if q_w.axis is not None else needed.max())
        if np.any(scale > q_w.scale):
            params[w_marker] = dataclasses.replace(q_w, scale=scale.astype(np.float32).reshape(np.shape(q_w.scale)))
    return params
