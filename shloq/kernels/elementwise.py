"""Elementwise int8/int16 ops that compare stored integers on one shared grid (kernels/
maximum_minimum.cc, select.cc): MAXIMUM, MINIMUM, SELECT(_V2). The converter gives their inputs and
output one scale (it inserts a QUANTIZE where they differ), so the stored integers are compared
and copied as they are."""
from __future__ import annotations

import jax.numpy as jnp


def maximum(op, x, y):
    return jnp.maximum(jnp.asarray(x), jnp.asarray(y))


def minimum(op, x, y):
    return jnp.minimum(jnp.asarray(x), jnp.asarray(y))


def select(op, condition, x, y):
    return jnp.where(jnp.asarray(condition), jnp.asarray(x), jnp.asarray(y))


KERNELS = {"MAXIMUM": maximum, "MINIMUM": minimum, "SELECT": select, "SELECT_V2": select}
