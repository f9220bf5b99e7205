"""The fixed-point arithmetic LiteRT's integer kernels share, on JAX arrays.

Everything here is exact integer arithmetic: int32 values widened to int64 for the 32x32->64-bit
products (the emulator traces with 64-bit types allowed, see `shloq.emulation`). Each function
names the C routine it mirrors; where LiteRT's x86 build runs a NEON routine through NEON_2_SSE
(`USE_NEON` is defined whenever SSE4.1 is), the NEON instruction's own rounding is given."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from shloq.qscheme import round_half_away

INT32_MIN, INT32_MAX = -2 ** 31, 2 ** 31 - 1


def quantize_multiplier(real: float) -> tuple[int, int]:
    """`QuantizeMultiplier` (kernels/internal/quantization_util.cc): `real = m * 2**(shift - 31)`
    with `m` in [2**30, 2**31), rounded half away from zero."""
    if real == 0.0:
        return 0, 0
    fraction, shift = np.frexp(np.float64(real))
    fixed = int(round_half_away(np.float64(fraction) * 2.0 ** 31))
    if fixed == 2 ** 31:
        fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return fixed, int(shift)


def quantize_multipliers(reals) -> tuple[np.ndarray, np.ndarray]:
    """`quantize_multiplier` of each element: (multipliers, shifts) as int64 arrays of its shape."""
    reals = np.asarray(reals, np.float64)
    pairs = [quantize_multiplier(float(r)) for r in reals.reshape(-1)]
    return (np.array([m for m, _ in pairs], np.int64).reshape(reals.shape),
            np.array([s for _, s in pairs], np.int64).reshape(reals.shape))


def _i64(x):
    return jnp.asarray(x).astype(jnp.int64)


def _wrap32(x):
    """int64 -> int32 keeping the low 32 bits, as C's int32 arithmetic wraps."""
    return jnp.asarray(x).astype(jnp.int32)


def shift_left(x, amount):
    """`x * (1 << amount)` in int32, wrapping as the C code does."""
    return _wrap32(_i64(x) << _i64(amount))


def saturating_rounding_doubling_high_mul(a, b):
    """gemmlowp `SaturatingRoundingDoublingHighMul`: `(a*b + nudge) / 2**31`, truncating, with
    the nudge `2**30` (`1 - 2**30` for a negative product): halves round away from zero."""
    a, b = _i64(a), _i64(b)
    ab = a * b
    nudge = jnp.where(ab >= 0, jnp.int64(1 << 30), jnp.int64(1 - (1 << 30)))
    total = ab + nudge
    quotient = jnp.where(total >= 0, total >> 31, -((-total) >> 31))  # C division truncates toward zero
    overflow = (a == b) & (a == INT32_MIN)
    return jnp.where(overflow, jnp.int32(INT32_MAX), _wrap32(quotient))


def rounding_divide_by_pot(x, exponent):
    """gemmlowp `RoundingDivideByPOT`: arithmetic shift right, halves away from zero."""
    x = jnp.asarray(x).astype(jnp.int32)
    exponent = jnp.asarray(exponent, jnp.int32)
    mask = (jnp.int32(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0).astype(jnp.int32)
    return (x >> exponent) + (remainder > threshold).astype(jnp.int32)


def multiply_by_quantized_multiplier(x, multiplier, shift):
    """`MultiplyByQuantizedMultiplier(int32, int32, int)` of kernels/internal/common.cc, double
    rounding (LiteRT's wheel is built without TFLITE_SINGLE_ROUNDING)."""
    shift = np.asarray(shift, np.int64)
    left, right = np.maximum(shift, 0), np.maximum(-shift, 0)
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shift_left(x, left), multiplier), right)


def multiply_by_quantized_multiplier_int64(x, multiplier, shift):
    """`MultiplyByQuantizedMultiplier(int64, int32, int)` (the 16x8 kernels' int64 accumulators):
    the multiplier reduced to 16 bits, one rounding half up."""
    multiplier = np.asarray(multiplier, np.int64)
    reduced = np.where(multiplier < 0x7FFF0000, (multiplier + (1 << 15)) >> 16, 0x7FFF)
    total_shift = 15 - np.asarray(shift, np.int64)
    result = (_i64(x) * jnp.asarray(reduced) + (jnp.int64(1) << jnp.asarray(total_shift - 1))) >> jnp.asarray(
        total_shift)
    return _wrap32(result)


def neon_rounding_doubling_high_mul(a, b):
    """NEON `vqrdmulhq_s32`: `(2*a*b + 2**31) >> 32`, saturating; halves toward +inf."""
    a, b = _i64(a), _i64(b)
    overflow = (a == b) & (a == INT32_MIN)
    return jnp.where(overflow, jnp.int32(INT32_MAX), _wrap32((2 * a * b + (jnp.int64(1) << 31)) >> 32))


def wrap16(x):
    """int32 -> int16 keeping the low 16 bits (NEON `vmovn_s32`, `vaddq_s16`: no saturation)."""
    return jnp.asarray(x).astype(jnp.int32).astype(jnp.int16).astype(jnp.int32)


def neon_add_output_offset(narrowed, offset: int):
    """`vaddq_s16(narrowed, vdupq_n_s16(offset))`: the output zero point added in int16, wrapping.
    An int8 result within `offset` of the int16 limit wraps to the other end of the range, and
    `vqmovn_s16` then saturates it to the wrong sign (a saturated product comes out at the
    opposite extreme)."""
    return wrap16(jnp.asarray(narrowed, jnp.int32) + offset)


def neon_rounding_shift_right(x, amount):
    """NEON `vrshlq_s32` by a negative amount: shift right rounding halves toward +inf (no overflow)."""
    amount = _i64(amount)
    return _wrap32((_i64(x) + (jnp.int64(1) << jnp.maximum(amount - 1, 0)) * (amount > 0)) >> amount)


def neon_multiply_by_quantized_multiplier(x, multiplier, shift):
    """`MultiplyByQuantizedMultiplier4Rows` (kernels/internal/common.h, NEON, double rounding), also
    the rounding of ruy's x86 GEMM output stage (measured):
    `vrshlq(vqrdmulhq(x << max(shift, 0), m), min(shift, 0))`, both roundings halves toward +inf."""
    shift = np.asarray(shift, np.int64)
    return neon_rounding_shift_right(
        neon_rounding_doubling_high_mul(shift_left(x, np.maximum(shift, 0)), multiplier), np.maximum(-shift, 0))


def by_lanes(x, lanes: int, vector, scalar):
    """`vector(x)` on the elements a NEON loop of `lanes` elements per step covers (flat index below
    the last whole step), `scalar(x)` on the tail the C loop after it handles."""
    size = int(np.prod(x.shape))
    covered = size - size % lanes
    if covered == size:
        return vector(x)
    if covered == 0:
        return scalar(x)
    flat = jnp.arange(size).reshape(x.shape)
    return jnp.where(flat < covered, vector(x), scalar(x))



# ---- scalar versions on Python ints, for tables built once per op ---------------------------------

def _int32(v: int) -> int:
    return (v + 2 ** 31) % 2 ** 32 - 2 ** 31


def srdhm_int(a: int, b: int) -> int:
    """`saturating_rounding_doubling_high_mul` of two Python ints."""
    if a == b == INT32_MIN:
        return INT32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    total = ab + nudge
    return _int32(total // (1 << 31) if total >= 0 else -((-total) // (1 << 31)))


def rounding_divide_by_pot_int(x: int, exponent: int) -> int:
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def saturating_shift_left_int(x: int, exponent: int) -> int:
    """gemmlowp `SaturatingRoundingMultiplyByPOT` with a positive exponent."""
    return max(min(x << exponent, INT32_MAX), INT32_MIN)


def multiply_by_quantized_multiplier_int(x: int, multiplier: int, shift: int) -> int:
    left, right = max(shift, 0), max(-shift, 0)
    return rounding_divide_by_pot_int(srdhm_int(_int32(x * (1 << left)), multiplier), right)


def inv_sqrt_quantized_multiplier_exp(value: int, reverse_shift: int) -> tuple[int, int]:
    """`GetInvSqrtQuantizedMultiplierExp` (kernels/internal/common.h): 1/sqrt(value) as a
    multiplier and shift, by five Newton steps in gemmlowp Q3.28 fixed point."""
    if value <= 1:
        return INT32_MAX, 0
    shift = 11
    while value >= (1 << 29):
        value //= 4
        shift += 1
    leading_zeros = 32 - value.bit_length()
    pairs = (leading_zeros - 1) // 2 - 1
    shift -= pairs
    value <<= 2 * pairs
    x_input = value >> 1
    half_input = rounding_divide_by_pot_int(x_input, 1)
    half_three = (1 << 28) + (1 << 27)
    x = 1 << 28  # F3 one
    for _ in range(5):
        x3 = saturating_shift_left_int(srdhm_int(srdhm_int(x, x), x), 6)   # F9 -> F3
        difference = _int32(srdhm_int(half_three, x) - srdhm_int(half_input, x3))  # F6
        x = saturating_shift_left_int(difference, 3)                       # F6 -> F3
    x = srdhm_int(x, 1518500250)  # times sqrt(2)/2 in Q0.31
    if shift < 0:
        x = _int32(x << -shift)
        shift = 0
    return x, shift * reverse_shift
