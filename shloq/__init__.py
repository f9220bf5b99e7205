"""shloq: full-integer quantization of jax.export StableHLO modules for LiteRT."""
import importlib

from shloq.quiet import import_converter

import_converter()  # before any module below imports it: see shloq.quiet

__version__ = "0.1.0"

# Public name -> the submodule defining it, imported on first use (PEP 562): `shloq.api` imports
# JAX, which tools such as shloq-opt (`import shloq.opt`) need only for some passes.
_PUBLIC = {
    **dict.fromkeys(["LiteRTModel", "ShloqWarning", "calibrate", "convert", "float_tflite"], "api"),
    "Stats": "calibration",
    **dict.fromkeys(["CalibrationError", "ConversionError", "InputError", "ModuleParseError", "PassError",
                     "ShloqError", "UnsupportedOpError"], "errors"),
    **dict.fromkeys(["PrecisionPlan", "PrecisionTargetError", "plan_precision"], "precision"),
    **dict.fromkeys(["QatModel", "quantize_for_training"], "qat"),
    **dict.fromkeys(["QuantizationRule", "load_rules", "save_rules"], "rules"),
}

__all__ = ["QuantizationRule", "calibrate", "convert", "float_tflite", "quantize_for_training", "QatModel", "LiteRTModel", "Stats", "ShloqWarning", "ShloqError",
           "InputError", "ModuleParseError", "UnsupportedOpError", "CalibrationError", "PassError",
           "ConversionError", "plan_precision", "PrecisionPlan", "PrecisionTargetError",
           "save_rules", "load_rules"]


def __getattr__(name):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'shloq' has no attribute '{name}'")
    value = getattr(importlib.import_module(f"shloq.{_PUBLIC[name]}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_PUBLIC})
