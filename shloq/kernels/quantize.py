"""QUANTIZE and DEQUANTIZE (kernels/quantize.cc, dequantize.cc).

float -> int8 and float -> int16 run optimized_ops `AffineQuantize`: its NEON loop (8 elements a
step) multiplies by the float reciprocal of the scale and rounds half to even (`vcvtnq_s32_f32`),
the scalar tail divides in double and rounds half away from zero.
DEQUANTIZE rounds its float differently in its NEON loop and its tail too.
int8 -> int8 (a requantize) runs optimized_ops `Requantize`: NEON `MultiplyByQuantizedMultiplier4Rows`
(16 elements a step) on the bulk, the double-rounding scalar on the tail; the other integer pairs
run the scalar formula."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from shloq.kernels import scale_of, storage_range, zero_point_of
from shloq.kernels.fixed_point import (by_lanes, multiply_by_quantized_multiplier,
                                       neon_multiply_by_quantized_multiplier, quantize_multiplier)


def _round_half_away(x):
    return jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5)


def quantize(op, x):
    src, out = op.inputs[0], op.outputs[0]
    lo, hi = storage_range(out)
    zp = zero_point_of(out)
    if not src.quantized:
        scale = scale_of(out)
        x = jnp.asarray(x, jnp.float32)

        def scalar(v):
            return _round_half_away(v.astype(jnp.float64) / scale).astype(jnp.int64)

        def neon(v):
            return jnp.round(v * jnp.float32(np.float32(1.0 / scale))).astype(jnp.int64)  # half to even

        ints = by_lanes(x, 8, neon, scalar) if out.dtype in (np.int8, np.int16) else scalar(x)
        return jnp.clip(ints + zp, lo, hi).astype(jnp.int32)
    multiplier, shift = quantize_multiplier(scale_of(src) / scale_of(out))
    centered = jnp.asarray(x, jnp.int32) - zero_point_of(src)

    def scalar(v):
        return multiply_by_quantized_multiplier(v, multiplier, shift)

    def neon(v):
        return neon_multiply_by_quantized_multiplier(v, multiplier, shift)

    both_int8 = src.dtype == np.int8 and out.dtype == np.int8
    scaled = by_lanes(centered, 16, neon, scalar) if both_int8 else scalar(centered)
    return jnp.clip(scaled + zp, lo, hi)


def dequantize(op, x):
    """optimized_ops `Dequantize`: the NEON loop (8 a step) computes `q * s + (-zp * s)` in float32,
    the scalar tail `(float)(s * (q - zp))` in double."""
    src = op.inputs[0]
    scale, zp = scale_of(src), zero_point_of(src)
    x = jnp.asarray(x, jnp.int32)

    def neon(q):
        # Two float32 roundings, as measured; done in float64 with `reduce_precision`, since XLA
        # contracts a float32 multiply and add into an FMA (one rounding) whatever barrier stands between.
        product = lax.reduce_precision(q.astype(jnp.float64) * np.float64(np.float32(scale)), 8, 23)
        total = lax.reduce_precision(product + np.float64(np.float32(-zp * scale)), 8, 23)
        return total.astype(jnp.float32)

    def scalar(q):
        return (scale * (q - zp).astype(jnp.float64)).astype(jnp.float32)

    return by_lanes(x, 8, neon, scalar) if src.dtype in (np.int8, np.uint8) else scalar(x)


KERNELS = {"QUANTIZE": quantize, "DEQUANTIZE": dequantize}
