"""LiteRT's builtin integer kernels as JAX functions, one family per module, named as LiteRT's
`kernels/internal/reference/integer_ops/` files are. Each kernel takes the op (`shloq.tflite.Op`)
and its input values (integer tensors as int32 arrays of their stored integers, constants as
numpy arrays, float tensors as float32) and returns its output values the same way.

`KERNELS` maps each builtin name to its kernel; `shloq.emulation` runs a `.tflite` with them."""
from __future__ import annotations

import numpy as np

from shloq.qscheme import round_half_away
from shloq.tflite import Op, Tensor

_LIMITS = {np.dtype(np.int8): (-128, 127), np.dtype(np.int16): (-32768, 32767), np.dtype(np.uint8): (0, 255),
           np.dtype(np.int32): (-2 ** 31, 2 ** 31 - 1)}


def storage_range(t: Tensor) -> tuple[int, int]:
    return _LIMITS[np.dtype(t.dtype)]


def activation_range(op: Op, out: Tensor) -> tuple[int, int]:
    """`CalculateActivationRangeQuantized` (kernels/kernel_util.cc): the storage range cut by the
    fused activation, its bounds put on the output grid in float (`zp + round(f / scale)`)."""
    lo, hi = storage_range(out)
    scale, zp = np.float32(out.scale[0]), int(out.zero_point[0])

    def quantize(f):
        return zp + int(round_half_away(np.float32(f) / scale))

    kind = op.activation
    if kind == "RELU":
        return max(lo, quantize(0.0)), hi
    if kind == "RELU6":
        return max(lo, quantize(0.0)), min(hi, quantize(6.0))
    if kind == "RELU_N1_TO_1":
        return max(lo, quantize(-1.0)), min(hi, quantize(1.0))
    return lo, hi


def scale_of(t: Tensor) -> float:
    """The tensor's (first) scale as the C++ kernels read it: a float widened to double."""
    return float(np.float32(t.scale[0]))


def zero_point_of(t: Tensor) -> int:
    return int(t.zero_point[0])


def _registry():
    from shloq.kernels import (add, approximate, batch_matmul, conv, depthwise_conv, elementwise, fully_connected, lut,
                               mean, mul, pooling, quantize, shape, softmax)

    kernels = {}
    for module in (add, approximate, batch_matmul, conv, depthwise_conv, elementwise, fully_connected, lut, mean, mul,
                   pooling, quantize, shape, softmax):
        kernels.update(module.KERNELS)
    return kernels


KERNELS = None


def kernel(op: Op):
    """The kernel that runs `op`, or None when shloq has none: the float one of an op computing on
    float tensors alone (a float island of the "cpu-float-islands" profile), else the integer one."""
    global KERNELS
    if KERNELS is None:
        KERNELS = _registry()
    from shloq.kernels.float_ops import FLOAT_KERNELS

    if op.name in FLOAT_KERNELS and all(t.dtype == np.float32 for t in [*op.inputs, *op.outputs] if t is not None):
        return FLOAT_KERNELS[op.name]
    return KERNELS.get(op.name)
