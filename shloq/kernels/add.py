"""ADD and SUB (kernels/add.cc, sub.cc) of quantized tensors: each input less its zero point is
shifted left by 20 (int8; 15 for int16) and scaled by `s_i / (2 max(s1, s2))`, the two summed
and the sum scaled by `2 max(s1, s2) / (2**left_shift s_out)` (`PrepareGeneralSubOp`).

int8 ADD runs optimized_integer_ops `Add` / `BroadcastAddDispatch`: `AddElementwiseInt8` on each
innermost run (the whole tensor for equal shapes), whose NEON loop (NEON_2_SSE on x86) handles
16 elements a step differently from the scalar tail: it folds each input's shift into the left
shift and rounds with `vqrdmulhq` (halves up) where the scalar code uses gemmlowp's
`SaturatingRoundingDoublingHighMul` and `RoundingDivideByPOT` (halves away from zero); a run
against one broadcast value goes to `AddScalarBroadcast` (8 a step: `vqrdmulhq`, then a
truncating shift). Both NEON loops narrow the sum to int16 without saturation (`vmovn_s32`) and add
the output zero point in int16, wrapping (`vaddq_s16`), before the saturating narrow to int8.
Broadcasts of no five-fold form, SUB and int16 run the reference kernels' scalar formula."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from shloq.kernels import activation_range, broadcast, scale_of, zero_point_of
from shloq.kernels.fixed_point import (neon_add_output_offset, neon_rounding_doubling_high_mul, quantize_multiplier,
                                       rounding_divide_by_pot, saturating_rounding_doubling_high_mul, shift_left, wrap16)


def _params(op):
    a, b, out = op.inputs[0], op.inputs[1], op.outputs[0]
    left_shift = 15 if out.dtype == np.int16 else 20
    twice_max = 2.0 * max(scale_of(a), scale_of(b))
    return (left_shift, quantize_multiplier(scale_of(a) / twice_max), quantize_multiplier(scale_of(b) / twice_max),
            quantize_multiplier(twice_max / ((1 << left_shift) * scale_of(out))))


def _smaller_than_one(x, multiplier, shift):
    """`MultiplyByQuantizedMultiplierSmallerThanOneExp` (double rounding)."""
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x, multiplier), -shift)


def _arithmetic_shift(x, amount: int):
    """NEON `vshlq_s32` by a signed amount: left, or right truncating toward -inf."""
    return shift_left(x, amount) if amount >= 0 else jnp.right_shift(x, -amount)


def _binary(op, x, y, subtract: bool):
    a, b, out = op.inputs[0], op.inputs[1], op.outputs[0]
    if not out.quantized:  # integer positions, or float
        return jnp.asarray(x) - jnp.asarray(y) if subtract else jnp.asarray(x) + jnp.asarray(y)
    left_shift, (m1, s1), (m2, s2), (m_out, s_out) = _params(op)
    x = jnp.asarray(x, jnp.int32) - zero_point_of(a)
    y = jnp.asarray(y, jnp.int32) - zero_point_of(b)
    x, y = jnp.broadcast_arrays(x, y)
    sign = -1 if subtract else 1

    def scalar(_):
        total = (_smaller_than_one(shift_left(x, left_shift), m1, s1)
                 + sign * _smaller_than_one(shift_left(y, left_shift), m2, s2))
        return _smaller_than_one(total, m_out, s_out) + zero_point_of(out)

    def output(total):
        scaled = rounding_divide_by_pot(neon_rounding_doubling_high_mul(total, m_out), -s_out)
        return neon_add_output_offset(wrap16(scaled), zero_point_of(out))

    def neon(_):
        return output(neon_rounding_doubling_high_mul(_arithmetic_shift(x, left_shift + s1), m1)
                      + neon_rounding_doubling_high_mul(_arithmetic_shift(y, left_shift + s2), m2))

    def neon_scalar_broadcast(_):
        return output(_arithmetic_shift(neon_rounding_doubling_high_mul(shift_left(x, left_shift), m1), s1)
                      + _arithmetic_shift(neon_rounding_doubling_high_mul(shift_left(y, left_shift), m2), s2))

    path = broadcast.loop(a.shape, b.shape)
    if subtract or out.dtype != np.int8 or path.kind == "generic":
        scaled = scalar(x)
    elif path.kind == "scalar_broadcast":
        scaled = jnp.where(path.vector_mask(out.shape, 8), neon_scalar_broadcast(x), scalar(x))
    else:
        scaled = jnp.where(path.vector_mask(out.shape, 16), neon(x), scalar(x))
    lo, hi = activation_range(op, out)
    return jnp.clip(scaled, lo, hi)


def add(op, x, y):
    return _binary(op, x, y, subtract=False)


def sub(op, x, y):
    return _binary(op, x, y, subtract=True)


KERNELS = {"ADD": add, "SUB": sub}
