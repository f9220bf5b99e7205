"""Elementwise ops (kernels/elementwise.cc, maximum_minimum.cc, select.cc, comparisons.cc).

MAXIMUM, MINIMUM, SELECT(_V2), comparisons and logic on masks move stored integers: the converter
gives the inputs and output one scale (it inserts a QUANTIZE where they differ). RELU, RELU6 and
RELU_N1_TO_1 requantize and clamp; SQRT computes in float32 and truncates; ABS takes the magnitude of the stored integer less its zero point. int8 RSQRT is
elementwise.cc's `RsqrtEvalQuantizedInt8`, a function of the 256 stored values, tabulated here
with its exact integer arithmetic (`inv_sqrt_quantized_multiplier_exp`); int16 RSQRT looks up
`LUTPopulate<int16_t>`'s interpolated table of 1/sqrt."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from shloq.errors import UnsupportedOpError
from shloq.kernels import scale_of, storage_range, zero_point_of
from shloq.kernels.fixed_point import (inv_sqrt_quantized_multiplier_exp, multiply_by_quantized_multiplier,
                                       multiply_by_quantized_multiplier_int, quantize_multiplier)
from shloq.kernels.lut import int16_lookup, int16_table
from shloq.qscheme import round_half_away


def maximum(op, x, y):
    return jnp.maximum(jnp.asarray(x), jnp.asarray(y))


def minimum(op, x, y):
    return jnp.minimum(jnp.asarray(x), jnp.asarray(y))


def select(op, condition, x, y):
    return jnp.where(jnp.asarray(condition), jnp.asarray(x), jnp.asarray(y))


KERNELS = {"MAXIMUM": maximum, "MINIMUM": minimum, "SELECT": select, "SELECT_V2": select}


def _compare(fn):
    def compare(op, x, y):
        a, b = op.inputs[0], op.inputs[1]
        if a.quantized and b.quantized and (a.scale[0] != b.scale[0] or a.zero_point[0] != b.zero_point[0]):
            raise UnsupportedOpError([(op.name, "the .tflite")], ["emulate compares operands on one grid only"])
        return fn(jnp.asarray(x), jnp.asarray(y))
    return compare


def reduce_all(op, x, axes):
    axes = tuple(sorted({int(a) % x.ndim for a in np.asarray(axes).reshape(-1)}))
    return jnp.reshape(jnp.all(jnp.asarray(x), axis=axes), op.outputs[0].shape)


KERNELS.update({"LESS": _compare(jnp.less), "LESS_EQUAL": _compare(jnp.less_equal),
                "GREATER": _compare(jnp.greater), "GREATER_EQUAL": _compare(jnp.greater_equal),
                "EQUAL": _compare(jnp.equal), "NOT_EQUAL": _compare(jnp.not_equal),
                "LOGICAL_AND": lambda op, x, y: jnp.logical_and(x, y),
                "LOGICAL_OR": lambda op, x, y: jnp.logical_or(x, y),
                "LOGICAL_NOT": lambda op, x: jnp.logical_not(x), "REDUCE_ALL": reduce_all})


def _int16_rsqrt_transform(output_scale):
    """elementwise.cc's int16 RSQRT table function, in float: 1/sqrt(v), the largest output at v <= 0."""
    def transform(v):
        if v <= 0:
            return np.float32(32767) * output_scale
        return np.float32(1.0) / np.sqrt(np.float32(v))
    return transform


def rsqrt(op, x):
    src, out = op.inputs[0], op.outputs[0]
    if src.dtype == np.int16:  # LUTPopulate<int16_t> with float samples, interpolated lookups
        table = int16_table(src.scale[0], zero_point_of(src), out.scale[0], zero_point_of(out),
                            _int16_rsqrt_transform(np.float32(out.scale[0])), np.float32)
        return int16_lookup(x, table)
    s_in, s_out = np.float32(scale_of(src)), np.float32(scale_of(out))
    multiplier, shift = quantize_multiplier(1.0 / float(np.float32(np.sqrt(s_in) * s_out)))
    table = []
    for q in range(-128, 128):
        value = q - zero_point_of(src)
        if value <= 0:  # zero is the largest output; LiteRT refuses negative inputs
            table.append(127)
            continue
        inv_sqrt, inv_shift = inv_sqrt_quantized_multiplier_exp(value, -1)
        data = multiply_by_quantized_multiplier_int(1, inv_sqrt, inv_shift + 20)
        result = multiply_by_quantized_multiplier_int(data, multiplier, shift - 20) + zero_point_of(out)
        table.append(min(max(result, -128), 127))
    return jnp.asarray(np.asarray(table, np.int32))[jnp.asarray(x, jnp.int32) + 128]


KERNELS["RSQRT"] = rsqrt


def _relu(act_min: float, act_max: float):
    """activations.cc `QuantizedReluX` -> reference_ops `ReluX`: requantize by `s_in / s_out`
    (double rounding), clamp to `zp + roundf(bound / s_out)`."""
    def relu(op, x):
        src, out = op.inputs[0], op.outputs[0]
        lo, hi = storage_range(out)
        s_out, zp_out = np.float32(scale_of(out)), zero_point_of(out)
        lo = max(lo, zp_out + int(round_half_away(np.float32(act_min) / s_out)))
        if np.isfinite(act_max):
            hi = min(hi, zp_out + int(round_half_away(np.float32(act_max) / s_out)))
        multiplier, shift = quantize_multiplier(scale_of(src) / scale_of(out))
        scaled = multiply_by_quantized_multiplier(jnp.asarray(x, jnp.int32) - zero_point_of(src), multiplier, shift)
        return jnp.clip(scaled + zp_out, lo, hi)
    return relu


KERNELS.update({"RELU": _relu(0.0, np.inf), "RELU6": _relu(0.0, 6.0), "RELU_N1_TO_1": _relu(-1.0, 1.0)})


def abs_(op, x):
    """elementwise.cc `AbsEvalQuantized`: `|q - zp_in|`, requantized by `s_in / s_out` (double
    rounding) when the scales differ."""
    src, out = op.inputs[0], op.outputs[0]
    if not out.quantized:
        return jnp.abs(jnp.asarray(x))
    value = jnp.abs(jnp.asarray(x, jnp.int32) - zero_point_of(src))
    if np.float32(src.scale[0]) != np.float32(out.scale[0]):
        value = multiply_by_quantized_multiplier(value, *quantize_multiplier(scale_of(src) / scale_of(out)))
    return jnp.clip(value + zero_point_of(out), *storage_range(out))


KERNELS["ABS"] = abs_


def sqrt(op, x):
    """elementwise.cc `SqrtEvalQuantized`: `sqrtf(s_in * (q - zp_in)) / s_out` in float32, truncated
    toward zero (a C cast, not a rounding)."""
    src, out = op.inputs[0], op.outputs[0]
    real = jnp.float32(scale_of(src)) * (jnp.asarray(x, jnp.int32) - zero_point_of(src)).astype(jnp.float32)
    ints = jnp.trunc(jnp.sqrt(jnp.maximum(real, 0.0)) / jnp.float32(scale_of(out))).astype(jnp.int32)
    return jnp.clip(ints + zero_point_of(out), *storage_range(out))


KERNELS["SQRT"] = sqrt
