"""SOFTMAX (kernels/activations.cc, kGenericOptimized).

int8: optimized_ops `Softmax` with a float table `table[255 - d] = expf(-s_in * beta * d)`, the
row's sum accumulated in float32 in element order, `1 / (sum * s_out)` and each probability
rounded half away from zero.
int16: reference_ops `SoftmaxInt16`: the difference to the row's maximum scaled onto [-10, 0] by a
fixed-point multiplier, `exp` from a 513-entry interpolated table (`LUTPopulateInt16`), the int32
sum normalised by its leading zeros, `1 / (1 + x)` from a second table, one rounding shift."""
from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from shloq.errors import UnsupportedOpError
from shloq.kernels import scale_of, storage_range, zero_point_of
from shloq.kernels.fixed_point import multiply_by_quantized_multiplier, quantize_multiplier
from shloq.kernels.lut import int16_table, int16_lookup


def exp_table(input_scale: np.float32, beta: np.float32) -> np.ndarray:
    """`expf(scale * d)` for d in 0..255; float64 exp rounded to float32 is glibc's expf (< 1 ulp,
    correctly rounded in all but rare cases)."""
    scale = np.float32(-input_scale * beta)
    return np.exp(np.float64(scale * np.arange(256, dtype=np.float32))).astype(np.float32)


def softmax(op, x):
    src, out = op.inputs[0], op.outputs[0]
    if src.dtype == np.int16:
        return _softmax_int16(op, x)
    if src.dtype != np.int8:
        raise UnsupportedOpError([("SOFTMAX", "the .tflite")], [f"emulate has no kernel for it on {src.dtype}"])
    table = jnp.asarray(exp_table(np.float32(src.scale[0]), np.float32(op.options.get("beta", 1.0))))
    x = jnp.asarray(x, jnp.int32)
    distance = jnp.max(x, axis=-1, keepdims=True) - x
    exps = table[distance]
    rows = jnp.moveaxis(exps, -1, 0)
    total = lax.scan(lambda acc, e: (acc + e, None), jnp.zeros(rows.shape[1:], jnp.float32), rows)[0]
    inverse = jnp.float32(1.0) / (total * jnp.float32(out.scale[0]))
    prob = exps * inverse[..., None]
    ints = (jnp.sign(prob) * jnp.floor(jnp.abs(prob) + 0.5)).astype(jnp.int32) + zero_point_of(out)
    return jnp.clip(ints, *storage_range(out))


_RANGE = 65535


def _softmax_int16(op, x):
    src = op.inputs[0]
    exp_table = int16_table(10.0 / _RANGE, 32767, 2.0 / _RANGE, 0, math.exp)
    reciprocal_table = int16_table(1.0 / _RANGE, -32768, 2.0 / _RANGE, 0, lambda v: 1.0 / (1.0 + v))
    multiplier, shift = quantize_multiplier(scale_of(src) * float(np.float32(op.options.get("beta", 1.0)))
                                            / (10.0 / _RANGE))
    x = jnp.asarray(x, jnp.int32)
    diff = x - jnp.max(x, axis=-1, keepdims=True)
    scaled = jnp.clip(multiply_by_quantized_multiplier(diff, multiplier, shift) + 32767, -32768, 32767)
    exps = int16_lookup(scaled, exp_table)
    total = jnp.sum(exps, axis=-1, keepdims=True)
    headroom_plus_one = lax.clz(total.astype(jnp.uint32)).astype(jnp.int64)
    shifted = ((total.astype(jnp.int64) << (headroom_plus_one - 1)) + (1 << 13)) >> 14
    reciprocal = int16_lookup(jnp.clip(shifted - ((1 << 15) + (1 << 16)), -32768, 32767), reciprocal_table)
    right_shift = 31 - headroom_plus_one
    result = (exps.astype(jnp.int64) * reciprocal + (jnp.int64(1) << (right_shift - 1))) >> right_shift
    return jnp.clip(result, 0, 32767).astype(jnp.int32)


KERNELS = {"SOFTMAX": softmax}
