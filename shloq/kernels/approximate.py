"""Ops emulated by their float formula on the stored integers: dequantize, compute in float32,
round half away from zero onto the output grid. LiteRT computes these with fixed-point code of
its own (HARD_SWISH: reference_ops `HardSwish`'s 16-bit fixed point; DIV: reference_ops `Div`'s
reciprocal), which this does not reproduce: outputs are within a step or two of LiteRT's, not always the same integer (the README's exactness table gives the measured rates).

RESIZE_BILINEAR, also here, is the exception: `resize_bilinear` is LiteRT's integer kernel, exact."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from shloq.kernels import activation_range, storage_range, zero_point_of


def _real(t, x):
    if not t.quantized:
        return jnp.asarray(x, jnp.float32)
    return (jnp.asarray(x, jnp.int32) - zero_point_of(t)).astype(jnp.float32) * jnp.float32(t.scale[0])


def _stored(op, y):
    out = op.outputs[0]
    steps = y / jnp.float32(out.scale[0])
    ints = (jnp.sign(steps) * jnp.floor(jnp.abs(steps) + 0.5)).astype(jnp.int32) + zero_point_of(out)
    lo, hi = activation_range(op, out) if "fusedActivationFunction" in op.options else storage_range(out)
    return jnp.clip(ints, lo, hi)


def hard_swish(op, x):
    v = _real(op.inputs[0], x)
    return _stored(op, v * jnp.clip(v + 3.0, 0.0, 6.0) / 6.0)


def div(op, x, y):
    return _stored(op, _real(op.inputs[0], x) / _real(op.inputs[1], y))


def _bilinear_taps(n_in, n_out, align_corners, half_pixel_centers):
    """`ComputeInterpolationValuesInteger` for every output index at once: the lower and upper
    source indices and the fraction (in 1/1024ths) towards the upper one. The scale is
    `in / out` in 10-bit fixed point, rounded to nearest ((in - 1) / (out - 1) with
    `align_corners`); half-pixel centres shift by half a scale step less half a pixel."""
    if align_corners and n_out > 1:
        scale_10 = ((1 << 10) * (n_in - 1) + (n_out - 1) // 2) // (n_out - 1)
    else:
        scale_10 = ((1 << 10) * n_in + n_out // 2) // n_out
    scaled = np.arange(n_out, dtype=np.int64) * scale_10
    if half_pixel_centers:
        scaled = scaled + scale_10 // 2 - (1 << 9)
    # C's division truncates towards zero; negatives (>= -512) are then lifted to 0 by the max,
    # and `scaled + 1023` is never negative, so floor division gives the same indices.
    lower = np.maximum(scaled // (1 << 10), 0)
    upper = np.minimum((scaled + (1 << 10) - 1) // (1 << 10), n_in - 1)
    fraction = scaled - (1 << 10) * lower  # may be negative at the first half-pixel row
    return np.minimum(lower, n_in - 1), upper, fraction


def resize_bilinear(op, x, size):
    """reference_ops `ResizeBilinearInteger` (the int8 and int16 kernel of both LiteRT builds):
    on the stored integers, whose scale and zero point the output shares, the four neighbours
    weighted by products of 10-bit fractions, summed exactly (20 fractional bits), rounded half
    away from zero."""
    opt = op.options
    align = bool(opt.get("alignCorners", False))
    half = bool(opt.get("halfPixelCenters", False))
    out = op.outputs[0]
    v = jnp.asarray(x, jnp.int64)
    (y0, y1, fy), (x0, x1, fx) = (_bilinear_taps(v.shape[axis], out.shape[axis], align, half) for axis in (1, 2))
    one = 1 << 10
    wy0, wy1 = jnp.asarray(one - fy)[None, :, None, None], jnp.asarray(fy)[None, :, None, None]
    wx0, wx1 = jnp.asarray(one - fx)[None, None, :, None], jnp.asarray(fx)[None, None, :, None]
    top, bottom = v[:, y0], v[:, y1]
    acc = (top[:, :, x0] * wy0 * wx0 + bottom[:, :, x0] * wy1 * wx0
           + top[:, :, x1] * wy0 * wx1 + bottom[:, :, x1] * wy1 * wx1)
    half_step = jnp.where(acc > 0, 1 << 19, -(1 << 19))
    total = acc + half_step
    rounded = jnp.sign(total) * (jnp.abs(total) >> 20)  # C's truncating division by 2^20
    return rounded.astype(jnp.int32)


KERNELS = {"HARD_SWISH": hard_swish, "DIV": div, "RESIZE_BILINEAR": resize_bilinear}
