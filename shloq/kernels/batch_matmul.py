"""BATCH_MATMUL (kernels/batch_matmul.cc, kGenericOptimized): int8 runs reference_ops `BatchMatMul`
with an int32 accumulator and the double-rounding `MultiplyByQuantizedMultiplier` (halves away
from zero; the GEMM output stage of CONV_2D and FULLY_CONNECTED differs on ~0.3%); int16
accumulates in int64 and uses the int64 `MultiplyByQuantizedMultiplier` (16-bit multiplier)."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from shloq.kernels import scale_of, storage_range, zero_point_of
from shloq.kernels.fixed_point import (multiply_by_quantized_multiplier, multiply_by_quantized_multiplier_int64,
                                       quantize_multiplier)
from shloq.kernels.fully_connected import matmul_exact


def batch_matmul(op, a, b):
    a_t, b_t, out = op.inputs[0], op.inputs[1], op.outputs[0]
    a = jnp.asarray(a) - zero_point_of(a_t)
    b = jnp.asarray(b) - zero_point_of(b_t)
    if op.options.get("adjX"):
        a = jnp.swapaxes(a, -1, -2)
    if op.options.get("adjY"):
        b = jnp.swapaxes(b, -1, -2)
    acc = matmul_exact(a, b)
    multiplier, shift = quantize_multiplier(scale_of(a_t) * scale_of(b_t) / scale_of(out))
    if a_t.dtype == np.int16:
        scaled = multiply_by_quantized_multiplier_int64(acc, multiplier, shift)
    else:
        scaled = multiply_by_quantized_multiplier(acc.astype(jnp.int32), multiplier, shift)
    lo, hi = storage_range(out)
    return jnp.clip(scaled + zero_point_of(out), lo, hi).reshape(out.shape)


KERNELS = {"BATCH_MATMUL": batch_matmul}
