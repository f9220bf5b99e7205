"""LiteRT's float32 kernels for the ops `convert(profile="cpu-float-islands")` leaves float
(DEQUANTIZE -> op -> QUANTIZE), as their float formulas. LiteRT's own float kernels (XNNPACK's
or the builtin ones) approximate exp, erf and tanh in their own ways, so these agree with them to
float32 rounding, not bit for bit; the QUANTIZE after them hides that except at rounding ties."""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax


def _f32(x):
    return jnp.asarray(x, jnp.float32)


def softmax(op, x):
    return jax.nn.softmax(_f32(x) * jnp.float32(op.options.get("beta", 1.0)), axis=-1)


def gelu(op, x):
    return jax.nn.gelu(_f32(x), approximate=bool(op.options.get("approximate", False)))


FLOAT_KERNELS = {
    "SOFTMAX": softmax,
    "GELU": gelu,
    "RSQRT": lambda op, x: lax.rsqrt(_f32(x)),
    "SQRT": lambda op, x: jnp.sqrt(_f32(x)),
    "EXP": lambda op, x: jnp.exp(_f32(x)),
    "DIV": lambda op, x, y: _f32(x) / _f32(y),
    "MAXIMUM": lambda op, x, y: jnp.maximum(_f32(x), _f32(y)),
    "MINIMUM": lambda op, x, y: jnp.minimum(_f32(x), _f32(y)),
}
