"""FULLY_CONNECTED (kernels/fully_connected.cc, kGenericOptimized): int8 (and 16x8 with an int32
bias) runs a ruy GEMM on x86 (optimized_integer_ops/fully_connected.h), whose output stage
rounds twice, halves up each time, as CONV_2D's; 16x8 with an int64 bias runs the reference kernel."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from shloq.kernels import activation_range, scale_of, zero_point_of
from shloq.kernels.fixed_point import (multiply_by_quantized_multiplier_int64, quantize_multipliers,
                                       neon_multiply_by_quantized_multiplier)


def matmul_exact(a, b):
    """`a @ b` of integer-valued arrays, exactly (float64 sums below 2**53)."""
    return jnp.matmul(jnp.asarray(a).astype(jnp.float64), jnp.asarray(b).astype(jnp.float64),
                      precision=lax.Precision.HIGHEST).astype(jnp.int64)


def fully_connected(op, x, w, bias=None):
    x_t, w_t, out = op.inputs[0], op.inputs[1], op.outputs[0]
    w = np.asarray(w)
    rows = x.reshape(-1, w.shape[1])
    acc = matmul_exact(rows - zero_point_of(x_t), w.T.astype(np.int64) - int(w_t.zero_point[0]))
    if bias is not None:
        acc = acc + jnp.asarray(bias, jnp.int64)
    multiplier, shift = quantize_multipliers(scale_of(x_t) * np.asarray(w_t.scale, np.float64) / scale_of(out))
    bias_t = op.inputs[2] if len(op.inputs) > 2 else None
    if x_t.dtype == np.int16 and bias_t is not None and bias_t.dtype == np.int64:
        scaled = multiply_by_quantized_multiplier_int64(acc, multiplier, shift)
    else:
        scaled = neon_multiply_by_quantized_multiplier(acc.astype(jnp.int32), multiplier, shift)
    lo, hi = activation_range(op, out)
    result = jnp.clip(scaled + zero_point_of(out), lo, hi)
    return result.reshape(out.shape if op.options.get("keepNumDims") else (-1, w.shape[0]))


KERNELS = {"FULLY_CONNECTED": fully_connected}
