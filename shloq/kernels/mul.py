"""MUL (kernels/mul.cc) of quantized tensors: the product of the zero-point-corrected inputs
requantized by `s1 s2 / s_out`. int8 runs optimized_integer_ops `Mul` / `BroadcastMulDispatch`:
on each innermost run (`shloq.kernels.broadcast`) a NEON loop (16 elements a step) shifts left
without saturation (`vshlq_s32`), rounds with `vqrdmulhq` (halves up) and gemmlowp's
`RoundingDivideByPOT`, narrows to int16 saturating (`vqmovn_s32`) and adds the output zero point
in int16, wrapping (`vaddq_s16`): a product saturated at one int16 limit whose zero point points
past it comes out at the other end of the int8 range. The scalar tail, broadcasts of no five-fold
form and int16 use the double-rounding `MultiplyByQuantizedMultiplier` in int32."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from shloq.kernels import activation_range, broadcast, scale_of, zero_point_of
from shloq.kernels.fixed_point import (multiply_by_quantized_multiplier, neon_add_output_offset,
                                       neon_rounding_doubling_high_mul, quantize_multiplier, rounding_divide_by_pot,
                                       shift_left)


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
        narrowed = jnp.clip(rounding_divide_by_pot(scaled, max(-shift, 0)), -32768, 32767)
        return neon_add_output_offset(narrowed, zero_point_of(out))

    def scalar(p):
        return multiply_by_quantized_multiplier(p, multiplier, shift) + zero_point_of(out)

    path = broadcast.loop(a.shape, b.shape)
    if out.dtype != np.int8 or path.kind == "generic":
        scaled = scalar(product)
    else:
        scaled = jnp.where(path.vector_mask(out.shape, 16), neon(product), scalar(product))
    lo, hi = activation_range(op, out)
    return jnp.clip(scaled, lo, hi)


KERNELS = {"MUL": mul}
