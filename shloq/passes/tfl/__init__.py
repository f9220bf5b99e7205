"""Passes over the converted module: TFL dialect, in the LiteRT converter's MLIR context, between
`run_convert_to_tfl_passes` and `export_flatbuffer_to_bytes` (see `shloq.litert.to_tflite`).

They close gaps of litert-converter 0.5.0 that no StableHLO rewrite can (int16 kernels it types
or folds wrongly), from records the StableHLO passes leave as module attributes, which survive
conversion. They are registered like the StableHLO passes, so `shloq-opt` runs them on TFL text
and FileCheck tests them. Export does not verify the module and these passes give ops types
their definitions do not list (an int16 GELU), so they skip the verifier: a LiteRT-vs-emulate
fidelity test per fix checks the numbers instead.
"""
from __future__ import annotations

from typing import ClassVar

import numpy as np
from litert_converter.mlir import ir

from shloq import mlir
from shloq.passes import ModulePass

# The post-conversion passes `to_tflite` runs, in order (registered names).
POST_CONVERSION: list[str] = ["shloq-tfl-int4-weights", "shloq-tfl-hybrid-inputs", "shloq-tfl-conv-bias",
                              "shloq-tfl-retype", "shloq-tfl-restore-requantizes", "shloq-tfl-float-islands"]


class TFLPass(ModulePass):
    """A pass over the TFL-dialect module the converter made."""
    verifies: ClassVar[bool] = False


def uniform_params(type_) -> tuple[str, float, int] | None:
    """(storage, scale, zero point) of a per-tensor `!quant.uniform` tensor type, else None."""
    try:
        text = str(ir.RankedTensorType(type_).element_type)
    except ValueError:  # none, an unranked tensor
        return None
    if not text.startswith("!quant.uniform<") or ":f32, " not in text:
        return None
    storage, rest = text[len("!quant.uniform<"):].split(":f32, ")
    scale, _, zero_point = rest.rstrip(">").partition(":")
    return storage, float(scale), int(zero_point or 0)


def is_int16(type_) -> bool:
    """A tensor of int16-stored quantized elements."""
    return "quant.uniform<i16" in str(ir.RankedTensorType(type_).element_type)


def stored_integers(const) -> np.ndarray:
    """The stored integers of a `tfl.pseudo_qconst` (or `tfl.pseudo_const`), in its shape."""
    dense = ir.DenseElementsAttr(const.attributes["value"])
    type_ = ir.RankedTensorType(dense.type)
    dtype = mlir.element_dtype(type_.element_type)
    if dense.is_splat:
        return np.full(tuple(type_.shape), ir.IntegerAttr(dense.get_splat_value()).value, dtype)
    return np.asarray(dense, dtype).reshape(tuple(type_.shape))


def load_all():
    """Imports (so registers) every post-conversion pass."""
    from shloq.passes.tfl import (conv_bias, float_islands, hybrid_inputs, int4_weights,  # noqa: F401
                                  restore_requantizes, retype)
