"""BATCH_MATMUL (kernels/batch_matmul.cc, kGenericOptimized): int8 and int16 requantize the int32
accumulator with the double-rounding `MultiplyByQuantizedMultiplier` (halves away from zero;
measured: the GEMM output stage CONV_2D and FULLY_CONNECTED round with differs on ~0.3%)."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from shloq.kernels import scale_of, storage_range, zero_point_of
from shloq.kernels.fixed_point import multiply_by_quantized_multiplier, quantize_multiplier
from shloq.kernels.fully_connected import matmul_exact


def batch_matmul(op, a, b):
    a_t, b_t, out = op.inputs[0], op.inputs[1], op.outputs[0]
    a = jnp.asarray(a) - zero_point_of(a_t)
    b = jnp.asarray(b) - zero_point_of(b_t)
    if op.options.get("adjX"):
        a = jnp.swapaxes(a, -1, -2)
    if op.options.get("adjY"):
        b = jnp.swapaxes(b, -1, -2)
    acc = matmul_exact(a, b).astype(jnp.int32)
    multiplier, shift = quantize_multiplier(scale_of(a_t) * scale_of(b_t) / scale_of(out))
    lo, hi = storage_range(out)
    return jnp.clip(multiply_by_quantized_multiplier(acc, multiplier, shift) + zero_point_of(out), lo, hi).reshape(out.shape)


KERNELS = {"BATCH_MATMUL": batch_matmul}
