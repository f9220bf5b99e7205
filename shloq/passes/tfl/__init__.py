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

from shloq.passes import ModulePass

# The post-conversion passes `to_tflite` runs, in order (registered names).
POST_CONVERSION: list[str] = ["shloq-tfl-int4-weights", "shloq-tfl-hybrid-inputs", "shloq-tfl-float-islands"]


class TFLPass(ModulePass):
    """A pass over the TFL-dialect module the converter made."""
    verifies: ClassVar[bool] = False


def load_all():
    """Imports (so registers) every post-conversion pass."""
    from shloq.passes.tfl import float_islands, hybrid_inputs, int4_weights  # noqa: F401
