"""MUL (kernels/mul.cc) of quantized tensors: the product of the zero-point-corrected inputs
requantized by `s1 s2 / s_out`. int8 of equal shapes runs optimized_integer_ops `MulElementwise`,
whose NEON loop (16 elements a step) rounds with `vqrdmulhq` (halves up) and gemmlowp's
`RoundingDivideByPOT`; its scalar tail, broadcasts and int16 use the double-rounding
`MultiplyByQuantizedMultiplier`."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from shloq.kernels import activation_range, scale_of, zero_point_of
from shloq.kernels.fixed_point import (by_lanes, multiply_by_quantized_multiplier, neon_rounding_doubling_high_mul,
                                       quantize_multiplier, rounding_divide_by_pot, shift_left)


def mul(op, x, y):
    a, b, out = op.inputs[0], op.inputs[1], op.outputs[0]
    if not out.quantized:
        return jnp.asarray(x) * jnp.asarray(y)
    multiplier, shift = quantize_multiplier(scale_of(a) * scale_of(b) / scale_of(out))
    x = jnp.asarray(x, jnp.int32) - zero_point_of(a)
    y = jnp.asarray(y, jnp.int32) - zero_point_of(b)
    x, y = jnp.broadcast_arrays(x, y)
    product = x * y

    def neon(p):
        scaled = neon_rounding_doubling_high_mul(shift_left(p, max(shift, 0)), multiplier)
        return jnp.clip(rounding_divide_by_pot(scaled, max(-shift, 0)), -32768, 32767)

    def scalar(p):
        return multiply_by_quantized_multiplier(p, multiplier, shift)

    elementwise = a.shape == b.shape and out.dtype == np.int8
    scaled = by_lanes(product, 16, neon, scalar) if elementwise else scalar(product)
    lo, hi = activation_range(op, out)
    return jnp.clip(scaled + zero_point_of(out), lo, hi)


KERNELS = {"MUL": mul}
