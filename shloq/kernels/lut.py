"""int8 activations LiteRT runs as a 256-entry lookup table (`LUTPopulateInt8`,
kernels/internal/common.h): LOGISTIC, TANH, GELU, EXP, RSQRT, SQRT, ... For each stored input
`q`, `round_half_away(f(s_in * (q - zp_in)) / s_out) + zp_out` in float32 arithmetic, saturated;
the table is built here with the same float32 steps (the transcendental in float64 rounded to
float32, which is glibc's result in all but rare cases). int16 tables (`int16_table`: GELU's,
EXP's, RSQRT's, SOFTMAX's) are `LUTPopulateInt16`'s 513 interpolated entries; int16 LOGISTIC and
TANH interpolate in LiteRT's sigmoid table, rebuilt here from its definition
(`sigmoid_table_uint16`)."""
from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from shloq.errors import UnsupportedOpError
from shloq.kernels import storage_range, zero_point_of
from shloq.qscheme import round_half_away


def _f32(x):
    return np.float32(x)


def _logistic(x):
    return _f32(1.0) / (_f32(1.0) + _f32(np.exp(-np.float64(x))))


def _tanh(x):
    return _f32(np.tanh(np.float64(x)))


def _gelu(x, approximate: bool):
    """reference_ops `GeluTransform` (0.5 x erfc(-x / sqrt 2), no cancellation for large negative x)
    / `GeluTransformApproximate` (gelu.h), in float."""
    if approximate:
        inner = _f32(_f32(math.sqrt(2.0 / math.pi)) * (x + _f32(0.044715) * x * x * x))
        return _f32(0.5) * x * (_f32(1.0) + _f32(np.tanh(np.float64(inner))))
    return _f32(0.5) * x * _f32(math.erfc(float(x * _f32(-math.sqrt(0.5)))))


def table(op, transform) -> np.ndarray:
    """The table indexed by `q - qmin` (LiteRT indexes by the byte; the same entries)."""
    src, out = op.inputs[0], op.outputs[0]
    qmin, qmax = storage_range(src)
    s_in, zp_in = _f32(src.scale[0]), zero_point_of(src)
    inverse = _f32(1.0) / _f32(out.scale[0])
    lo, hi = storage_range(out)
    entries = []
    for q in range(qmin, qmax + 1):
        transformed = transform(_f32(s_in * _f32(q - zp_in)))
        rescaled = float(round_half_away(np.float64(_f32(transformed * inverse))))
        entries.append(min(max(int(rescaled) + zero_point_of(out), lo), hi))
    return np.asarray(entries, np.int32)


def _lookup(op, x, transform):
    src = op.inputs[0]
    if src.dtype == np.int16 and op.name in ("LOGISTIC", "TANH"):
        return _int16_sigmoid_interpolated(op, x, tanh=op.name == "TANH")
    if src.dtype == np.int16:  # GELU, EXP: LUTPopulate<int16_t>, float samples
        out = op.outputs[0]
        return int16_lookup(x, int16_table(src.scale[0], zero_point_of(src), out.scale[0], zero_point_of(out),
                                           transform, np.float32))
    if src.dtype != np.int8:
        raise UnsupportedOpError([(op.name, "the .tflite")], [f"emulate has no {src.dtype} kernel for it"])
    return jnp.asarray(table(op, transform))[jnp.asarray(x, jnp.int32) - storage_range(src)[0]]


def int16_table(input_scale: float, input_zero_point: int, output_scale: float, output_zero_point: int,
                transform, real=np.float64) -> np.ndarray:
    """`LUTPopulateInt16<FloatT>` (kernels/internal/common.h), FloatT `real` (SOFTMAX builds its
    tables in double, GELU in float): 512 samples of `transform` over the int16 input range plus
    the end point, each less half its interpolation error at the midpoint."""
    def rnd(v):
        return real(round_half_away(real(v)))

    input_scale, output_scale = real(input_scale), real(output_scale)
    input_min = input_scale * real(-32768 - input_zero_point)
    input_max = input_scale * real(32767 - input_zero_point)
    output_min = output_scale * real(-32768 - output_zero_point)
    output_max = output_scale * real(32767 - output_zero_point)
    step = (input_max - input_min) / real(512)
    half_step = step / real(2)
    inverse = real(65536.0) / (output_max - output_min)
    table = []
    for i in range(512):
        value = real(transform(input_min + real(i) * step))
        midpoint = real(transform(input_min + real(i) * step + half_step))
        following = real(transform(input_min + real(i + 1) * step))
        sample = rnd(value * inverse)
        interpolated = rnd((following * inverse + rnd(value * inverse)) / real(2))
        bias = rnd((interpolated - rnd(midpoint * inverse)) / real(2))
        table.append(min(max(sample - bias, -32768.0), 32767.0))
    table.append(min(max(rnd(real(transform(input_max)) * inverse), -32768.0), 32767.0))
    return np.asarray(table, np.int32)


def int16_lookup(value, table: np.ndarray):
    """`LUTLookup(int16_t, const int16_t*)`: base at `256 + (v >> 7)`, slope to the next entry,
    interpolated by the low 7 bits with rounding."""
    value = jnp.asarray(value, jnp.int32)
    index = 256 + (value >> 7)
    offset = value & 0x7F
    table = jnp.asarray(table)
    base = table[index]
    slope = table[index + 1] - base
    return (base + ((slope * offset + 64) >> 7)).astype(jnp.int16).astype(jnp.int32)


def sigmoid_table_uint16() -> np.ndarray:
    """LiteRT's `sigmoid_table_uint16` (kernels/internal/common.h, "sigmoid(i/24) at 0.16 format"):
    each entry 65536 sigmoid(i/24) raised by half the linear interpolation's error at the midpoint
    of its interval, rounded; the last is the saturated 65535 (checked entry by entry against
    LiteRT's table, and by the int16 LOGISTIC/TANH tests)."""
    i = np.arange(256, dtype=np.float64)

    def scaled(v):
        return 65536.0 / (1.0 + np.exp(-v / 24.0))

    value, following, midpoint = scaled(i), scaled(i + 1), scaled(i + 0.5)
    table = round_half_away(value + (midpoint - (value + following) / 2) / 2)
    table[-1] = 65535
    return table.astype(np.int64)


def _int16_sigmoid_interpolated(op, x, tanh: bool):
    """reference_integer_ops `Logistic` / `Tanh` on int16 (their input scale is never a power of
    two here: shloq keeps int16 scales off them): the input rescaled to 1/(3*4096) by an integer
    multiplier and shift (`SigmoidPrepare`/`TanhPrepare`), then interpolated in the sigmoid table
    (tanh(x) = 2 sigmoid(2x) - 1)."""
    multiplier, left_shift = np.float64(np.float32(op.inputs[0].scale[0])) * 4096.0 * 3.0, 0
    while multiplier <= 32767.0 / 2.0 and left_shift <= 30:
        left_shift += 1
        multiplier *= 2.0
    rounding = (1 << (left_shift - 1)) if left_shift > 0 else 0
    value = (jnp.asarray(x, jnp.int64) * int(multiplier) + rounding) >> left_shift
    magnitude = jnp.abs(value)
    fraction_bits = 8 if tanh else 9
    index = magnitude >> fraction_bits
    table = jnp.asarray(sigmoid_table_uint16())
    low, high = table[jnp.minimum(index, 254)], table[jnp.minimum(index + 1, 255)]
    interpolated = (low << fraction_bits) + (magnitude & ((1 << fraction_bits) - 1)) * (high - low)
    if tanh:
        result = jnp.where(index >= 255, 0xFFFF << 8, interpolated)
        result = jnp.where(value >= 0, result - (1 << 23) + (1 << 7), -result + (1 << 23) + (1 << 7) - 1)
        return (result >> 8).astype(jnp.int32)
    result = jnp.where(index >= 255, 0x7FFF << 10, interpolated)
    result = jnp.where(value >= 0, result + (1 << 9), (1 << 25) - result + (1 << 9) - 1)
    return (result >> 10).astype(jnp.int32)


def logistic(op, x):
    return _lookup(op, x, _logistic)


def tanh(op, x):
    return _lookup(op, x, _tanh)


def exp(op, x):
    """kernels/exp.cc: `LUTPopulate<int8_t>(..., std::exp)`."""
    return _lookup(op, x, lambda v: _f32(np.exp(np.float64(v))))


def gelu(op, x):
    approximate = bool(op.options.get("approximate", False))
    return _lookup(op, x, lambda v: _gelu(v, approximate))


KERNELS = {"LOGISTIC": logistic, "TANH": tanh, "GELU": gelu, "EXP": exp}
