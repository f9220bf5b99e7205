"""CONV_2D (kernels/conv.cc, kGenericOptimized): int8 per-channel convolutions run im2col and a
ruy GEMM on x86 (optimized_integer_ops/conv.h -> cpu_backend_gemm -> ruy), whose x86 output
stage rounds twice, halves toward +inf each time: a rounding doubling high multiply, then a
rounding right shift (`neon_multiply_by_quantized_multiplier`; measured: ruy's single-rounding
C++ reference differs on ~0.2-0.5% of elements, gemmlowp's away-from-zero double rounding too). 16x8 convolutions
(int64 bias) run reference_integer_ops/conv.h with the int64 `MultiplyByQuantizedMultiplier`."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from shloq.kernels import activation_range, scale_of, zero_point_of
from shloq.kernels.fixed_point import (multiply_by_quantized_multiplier_int64, quantize_multipliers,
                                       neon_multiply_by_quantized_multiplier)


def same_or_valid_padding(padding: int, size: int, filter_size: int, stride: int, dilation: int) -> tuple[int, int]:
    """`ComputePaddingHeightWidth` (kernels/padding.h): SAME (0) pads `total // 2` before and the
    rest after; VALID (1) pads nothing."""
    effective = (filter_size - 1) * dilation + 1
    if padding == 1:
        return 0, 0
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def output_multipliers(op):
    """Per output channel (multiplier, shift) for `s_in * s_w / s_out`, in double
    (`PopulateConvolutionQuantizationParams`)."""
    x, w = op.inputs[0], op.inputs[1]
    out = op.outputs[0]
    reals = scale_of(x) * np.asarray(w.scale, np.float64) / scale_of(out)
    return quantize_multipliers(reals)


def accumulate(x, zp_in: int, w_hwio, strides, paddings, dilations, groups: int = 1):
    """The exact integer sum of `(x - zp_in) * w` over each window, computed in float64 (exact
    below 2**53, and XLA's float convolutions are far faster than its integer ones)."""
    lhs = (jnp.asarray(x) - zp_in).astype(jnp.float64)
    acc = lax.conv_general_dilated(lhs, jnp.asarray(w_hwio, jnp.float64), strides, paddings, rhs_dilation=dilations,
                                   dimension_numbers=("NHWC", "HWIO", "NHWC"), feature_group_count=groups,
                                   precision=lax.Precision.HIGHEST)
    return acc.astype(jnp.int64)


def requantize(op, acc, bias, multiply):
    """Bias, per-channel multiplier, output zero point and the fused activation's clamp."""
    out = op.outputs[0]
    if bias is not None:
        acc = acc + jnp.asarray(bias, jnp.int64)
    multiplier, shift = output_multipliers(op)
    lo, hi = activation_range(op, out)
    return jnp.clip(multiply(acc, multiplier, shift) + zero_point_of(out), lo, hi)


def conv_2d(op, x, w, bias=None):
    opt = op.options
    w = np.asarray(w)  # [out, h, w, in]
    strides, dilations = (opt["strideH"], opt["strideW"]), (opt["dilationHFactor"], opt["dilationWFactor"])
    paddings = [same_or_valid_padding(opt["padding"], x.shape[1 + i], w.shape[1 + i], strides[i], dilations[i])
                for i in range(2)]
    acc = accumulate(x, zero_point_of(op.inputs[0]), np.transpose(w, (1, 2, 3, 0)), strides, paddings, dilations,
                     groups=x.shape[3] // w.shape[3])
    if op.inputs[0].dtype == np.int16:
        return requantize(op, acc, bias, multiply_by_quantized_multiplier_int64)
    return requantize(op, acc.astype(jnp.int32), bias, neon_multiply_by_quantized_multiplier)


KERNELS = {"CONV_2D": conv_2d}
