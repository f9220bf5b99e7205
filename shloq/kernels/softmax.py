"""SOFTMAX (kernels/activations.cc, kGenericOptimized) for int8: optimized_ops `Softmax` with a
float table `table[255 - d] = expf(-s_in * beta * d)`, the row's sum accumulated in float32 in
element order, `1 / (sum * s_out)` and each probability rounded half away from zero."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from shloq.errors import UnsupportedOpError
from shloq.kernels import storage_range, zero_point_of


def exp_table(input_scale: np.float32, beta: np.float32) -> np.ndarray:
    """`expf(scale * d)` for d in 0..255; float64 exp rounded to float32 is glibc's expf (< 1 ulp,
    correctly rounded in all but rare cases)."""
    scale = np.float32(-input_scale * beta)
    return np.exp(np.float64(scale * np.arange(256, dtype=np.float32))).astype(np.float32)


def softmax(op, x):
    src, out = op.inputs[0], op.outputs[0]
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


KERNELS = {"SOFTMAX": softmax}
