"""DEPTHWISE_CONV_2D (kernels/depthwise_conv.cc, kGenericOptimized): on x86 int8 runs
optimized_integer_ops `DepthwiseConvGeneral` (the 3x3 fast paths are aarch64 only), whose output
stage `optimized_ops::Quantize` takes the NEON branch (NEON_2_SSE) for output channels in whole
groups of 8 (`MultiplyByQuantizedMultiplier4Rows`: halves up, twice) and the scalar
double-rounding `MultiplyByQuantizedMultiplier` for the channels left over. 16x8 runs the
reference kernel with its int64 bias."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from shloq.kernels import activation_range, zero_point_of
from shloq.kernels.conv import accumulate, output_multipliers, same_or_valid_padding
from shloq.kernels.fixed_point import (multiply_by_quantized_multiplier, multiply_by_quantized_multiplier_int64,
                                       neon_multiply_by_quantized_multiplier)


def depthwise_conv_2d(op, x, w, bias=None):
    opt = op.options
    w = np.asarray(w)  # [1, h, w, out]
    strides, dilations = (opt["strideH"], opt["strideW"]), (opt["dilationHFactor"], opt["dilationWFactor"])
    paddings = [same_or_valid_padding(opt["padding"], x.shape[1 + i], w.shape[1 + i], strides[i], dilations[i])
                for i in range(2)]
    channels = w.shape[3]
    acc = accumulate(x, zero_point_of(op.inputs[0]), w.reshape(w.shape[1], w.shape[2], 1, channels), strides,
                     paddings, dilations, groups=x.shape[3])
    if bias is not None:
        acc = acc + jnp.asarray(bias, jnp.int64)
    out = op.outputs[0]
    multiplier, shift = output_multipliers(op)
    if op.inputs[0].dtype == np.int16:
        scaled = multiply_by_quantized_multiplier_int64(acc, multiplier, shift)
    else:
        acc = acc.astype(jnp.int32)
        vector = channels - channels % 8
        scaled = jnp.where(np.arange(channels) < vector, neon_multiply_by_quantized_multiplier(acc, multiplier, shift),
                           multiply_by_quantized_multiplier(acc, multiplier, shift))
    lo, hi = activation_range(op, out)
    return jnp.clip(scaled + zero_point_of(out), lo, hi)


KERNELS = {"DEPTHWISE_CONV_2D": depthwise_conv_2d}
