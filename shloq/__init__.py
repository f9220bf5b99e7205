"""shloq: full-integer quantization of jax.export StableHLO modules for LiteRT."""
from shloq.quiet import import_converter

import_converter()  # before any module below imports it: see shloq.quiet

__version__ = "0.1.0"

from shloq.api import LiteRTModel, ShloqWarning, calibrate, convert, float_tflite
from shloq.calibration import Stats
from shloq.errors import (CalibrationError, ConversionError, InputError, ModuleParseError, PassError, ShloqError,
                          UnsupportedOpError)
from shloq.precision import PrecisionPlan, PrecisionTargetError, plan_precision
from shloq.qat import QatModel, quantize_for_training
from shloq.rules import QuantizationRule, load_rules, save_rules

__all__ = ["QuantizationRule", "calibrate", "convert", "float_tflite", "quantize_for_training", "QatModel", "LiteRTModel", "Stats", "ShloqWarning", "ShloqError",
           "InputError", "ModuleParseError", "UnsupportedOpError", "CalibrationError", "PassError",
           "ConversionError", "plan_precision", "PrecisionPlan", "PrecisionTargetError",
           "save_rules", "load_rules"]
