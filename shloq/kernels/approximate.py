"""Ops emulated by their float formula on the stored integers: dequantize, compute in float32,
round half away from zero onto the output grid. LiteRT computes these with fixed-point code of
its own (HARD_SWISH: reference_ops `HardSwish`'s 16-bit fixed point; DIV: reference_ops `Div`'s
reciprocal; RESIZE_BILINEAR: `ResizeBilinearInteger`'s 10-bit fractions; int16 LOGISTIC, TANH
and RSQRT: interpolation in tables, one of which LiteRT ships as constants), which this does not
reproduce: outputs are within a step or two of LiteRT's, not always the same integer (the
README's exactness table gives the measured rates)."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from shloq.kernels import activation_range, storage_range, zero_point_of


def _real(t, x):
    if not t.quantized:
        return jnp.asarray(x, jnp.float32)
    return (jnp.asarray(x, jnp.int32) - zero_point_of(t)).astype(jnp.float32) * jnp.float32(t.scale[0])


def _stored(op, y):
    out = op.outputs[0]
    steps = y / jnp.float32(out.scale[0])
    ints = (jnp.sign(steps) * jnp.floor(jnp.abs(steps) + 0.5)).astype(jnp.int32) + zero_point_of(out)
    lo, hi = activation_range(op, out) if "fusedActivationFunction" in op.options else storage_range(out)
    return jnp.clip(ints, lo, hi)


def float_formula(op, fn, *xs):
    """`fn` of the inputs' real values, put on the output grid."""
    return _stored(op, fn(*[_real(t, x) for t, x in zip(op.inputs, xs)]))


def hard_swish(op, x):
    v = _real(op.inputs[0], x)
    return _stored(op, v * jnp.clip(v + 3.0, 0.0, 6.0) / 6.0)


def rsqrt(op, x):
    v = _real(op.inputs[0], x)
    return _stored(op, jnp.where(v > 0, jax.lax.rsqrt(jnp.maximum(v, 1e-30)), jnp.inf))


def sqrt(op, x):
    return _stored(op, jnp.sqrt(jnp.maximum(_real(op.inputs[0], x), 0.0)))


def div(op, x, y):
    return _stored(op, _real(op.inputs[0], x) / _real(op.inputs[1], y))


def resize_bilinear(op, x, size):
    out = op.outputs[0]
    v = _real(op.inputs[0], x)
    return _stored(op, jax.image.resize(v, out.shape, "bilinear", antialias=False))


KERNELS = {"HARD_SWISH": hard_swish, "SQRT": sqrt, "DIV": div, "RESIZE_BILINEAR": resize_bilinear}
