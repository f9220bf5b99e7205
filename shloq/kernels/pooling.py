"""AVERAGE_POOL_2D and MAX_POOL_2D (kernels/pooling.cc, kGenericOptimized; int8 in
optimized_integer_ops/pooling.h). The average sums the raw stored integers of the window's valid
elements (zero point included, no requantization: input and output share a grid) and divides
by their count rounding half away from zero; the max takes the largest; both clamp to the
fused activation's range."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from shloq.kernels import activation_range
from shloq.kernels.conv import same_or_valid_padding


def _window(op, x):
    opt = op.options
    dims = (1, opt["filterHeight"], opt["filterWidth"], 1)
    strides = (1, opt["strideH"], opt["strideW"], 1)
    pads = [(0, 0)] + [same_or_valid_padding(opt["padding"], x.shape[1 + i], dims[1 + i], strides[1 + i], 1)
                       for i in range(2)] + [(0, 0)]
    return dims, strides, pads


def average_pool_2d(op, x):
    dims, strides, pads = _window(op, x)
    x = jnp.asarray(x, jnp.int32)
    total = lax.reduce_window(x, jnp.int32(0), lax.add, dims, strides, pads)
    count = lax.reduce_window(jnp.ones(x.shape[1:3], jnp.int32)[None, :, :, None], jnp.int32(0), lax.add, dims,
                              strides, pads)
    half = count // 2
    quotient = jnp.where(total > 0, (total + half) // count, -((half - total) // count))
    lo, hi = activation_range(op, op.outputs[0])
    return jnp.clip(quotient, lo, hi)


def max_pool_2d(op, x):
    dims, strides, pads = _window(op, x)
    x = jnp.asarray(x, jnp.int32)
    result = lax.reduce_window(x, jnp.int32(np.iinfo(np.int32).min), lax.max, dims, strides, pads)
    lo, hi = activation_range(op, op.outputs[0])
    return jnp.clip(result, lo, hi)


KERNELS = {"AVERAGE_POOL_2D": average_pool_2d, "MAX_POOL_2D": max_pool_2d}
