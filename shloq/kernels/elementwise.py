"""Elementwise int8/int16 ops that compare stored integers on one shared grid (kernels/
maximum_minimum.cc, select.cc): MAXIMUM, MINIMUM, SELECT(_V2), and comparisons and logic on masks. The converter gives their inputs and
output one scale (it inserts a QUANTIZE where they differ), so the stored integers are compared
and copied as they are."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from shloq.errors import UnsupportedOpError


def maximum(op, x, y):
    return jnp.maximum(jnp.asarray(x), jnp.asarray(y))


def minimum(op, x, y):
    return jnp.minimum(jnp.asarray(x), jnp.asarray(y))


def select(op, condition, x, y):
    return jnp.where(jnp.asarray(condition), jnp.asarray(x), jnp.asarray(y))


KERNELS = {"MAXIMUM": maximum, "MINIMUM": minimum, "SELECT": select, "SELECT_V2": select}


def _compare(fn):
    def compare(op, x, y):
        a, b = op.inputs[0], op.inputs[1]
        if a.quantized and b.quantized and (a.scale[0] != b.scale[0] or a.zero_point[0] != b.zero_point[0]):
            raise UnsupportedOpError([(op.name, "the .tflite")], ["emulate compares operands on one grid only"])
        return fn(jnp.asarray(x), jnp.asarray(y))
    return compare


def reduce_all(op, x, axes):
    axes = tuple(sorted({int(a) % x.ndim for a in np.asarray(axes).reshape(-1)}))
    return jnp.reshape(jnp.all(jnp.asarray(x), axis=axes), op.outputs[0].shape)


KERNELS.update({"LESS": _compare(jnp.less), "LESS_EQUAL": _compare(jnp.less_equal),
                "GREATER": _compare(jnp.greater), "GREATER_EQUAL": _compare(jnp.greater_equal),
                "EQUAL": _compare(jnp.equal), "NOT_EQUAL": _compare(jnp.not_equal),
                "LOGICAL_AND": lambda op, x, y: jnp.logical_and(x, y), "LOGICAL_OR": lambda op, x, y: jnp.logical_or(x, y),
                "LOGICAL_NOT": lambda op, x: jnp.logical_not(x), "REDUCE_ALL": reduce_all})
