"""MEAN and SUM (kernels/reduce.cc) of quantized tensors.

MEAN off the 4-D keep-dims-over-H,W fast path runs reference_ops `QuantizedMeanOrSum`: the int32
sum less `zp_in * n`, times a multiplier for `s_in / s_out` into which `1/n` is folded by a
truncating integer division, double-rounding `MultiplyByQuantizedMultiplier`. The fast path
(optimized_integer_ops `Mean`) multiplies the raw sum by a multiplier for `s_in / (n s_out)`
and adds a float-rounded bias, NEON on channels in groups of 16. SUM runs optimized_ops
`QuantizedMeanOrSum`, which rescales the raw sum in float32."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from shloq.kernels import scale_of, storage_range, zero_point_of
from shloq.kernels.fixed_point import (multiply_by_quantized_multiplier, neon_multiply_by_quantized_multiplier,
                                       quantize_multiplier)


def _axes(op, axes, ndim):
    return tuple(sorted({int(a) % ndim for a in np.asarray(axes).reshape(-1)}))


def _reduce(op, x, axes, compute_sum: bool):
    src, out = op.inputs[0], op.outputs[0]
    axes = _axes(op, axes, x.ndim)
    if not src.quantized:  # a sum of plain integers (a mask's token count): reduce.cc's integer sum
        return jnp.sum(x, axis=axes).reshape(out.shape).astype(x.dtype)
    count = int(np.prod([x.shape[a] for a in axes]))
    multiplier, shift = quantize_multiplier(scale_of(src) / scale_of(out))
    lo, hi = storage_range(out)
    total = jnp.sum(jnp.asarray(x, jnp.int32), axis=axes, keepdims=True)
    if (not compute_sum and op.options.get("keepDims") and x.ndim == 4 and axes == (1, 2)
            and src.dtype == np.int8):
        return _mean_fast_path(op, total, count).reshape(out.shape)
    if compute_sum:
        return _sum_float(op, total, count).reshape(out.shape)
    if not compute_sum:
        k = min(count.bit_length() - 1, 32, 31 + shift)
        multiplier, shift = int((multiplier << k) // count), shift - k
    shifted = total - zero_point_of(src) * count
    result = jnp.clip(multiply_by_quantized_multiplier(shifted, multiplier, shift) + zero_point_of(out), lo, hi)
    return result.reshape(out.shape)


def _mean_fast_path(op, total, count):
    """optimized_integer_ops `Mean`: `bias = zp_out - (float)(zp_in * s_in / s_out)` rounded in float."""
    src, out = op.inputs[0], op.outputs[0]
    s_in, s_out = np.float32(scale_of(src)), np.float32(scale_of(out))
    multiplier, shift = quantize_multiplier(float(s_in / (np.float32(count) * s_out)))  # float arithmetic
    temp = np.float32(np.float32(zero_point_of(src)) * s_in) / s_out
    temp = temp + np.float32(0.5) if temp > 0 else temp - np.float32(0.5)
    bias = zero_point_of(out) - int(temp)  # static_cast truncates
    channels = total.shape[-1]
    vector = channels - channels % 16
    scaled = jnp.where(np.arange(channels) < vector, neon_multiply_by_quantized_multiplier(total, multiplier, shift),
                       multiply_by_quantized_multiplier(total, multiplier, shift))
    lo, hi = storage_range(out)
    return jnp.clip(scaled + bias, lo, hi)


def _sum_float(op, total, count):
    """optimized_ops `QuantizedMeanOrSum` with `compute_sum`: in float32, `round(sum * s + bias)`
    with `s = s_in / s_out` and `bias = -zp_in * s * n`, two roundings (float64 `reduce_precision`
    keeps XLA from fusing them)."""
    src, out = op.inputs[0], op.outputs[0]
    scale = np.float32(np.float32(scale_of(src)) / np.float32(scale_of(out)))
    bias = np.float32(np.float32(np.float32(-zero_point_of(src)) * scale) * np.float32(count))
    product = lax.reduce_precision(total.astype(jnp.float32).astype(jnp.float64) * np.float64(scale), 8, 23)
    value = lax.reduce_precision(product + np.float64(bias), 8, 23)
    rounded = (jnp.sign(value) * jnp.floor(jnp.abs(value) + 0.5)).astype(jnp.int32)
    return jnp.clip(rounded + zero_point_of(out), *storage_range(out))


def mean(op, x, axes):
    return _reduce(op, x, axes, compute_sum=False)


def sum_(op, x, axes):
    return _reduce(op, x, axes, compute_sum=True)


KERNELS = {"MEAN": mean, "SUM": sum_}
