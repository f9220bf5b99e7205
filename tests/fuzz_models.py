"""Random models from the op catalogue, for the fuzz test (tests/test_fuzz.py) and scripts/fuzz.sh.

A model *spec* is plain data: the input shape, the data distribution and seed, a list of layers
(each an op name, the indices of the tensors it reads, its attributes and its weights as numpy
arrays) and the indices of the output tensors. Tensor 0 is the input; layer i produces tensor i.
`source(spec)` writes the model as straight-line JAX code, `build(spec)` compiles that code into
`f(params, x)`, and `script(spec)` writes a standalone reproduction (weights, data, the shloq calls).

Specs come from one generator written against a small chooser interface, driven by a seeded
PRNG (`random_spec(seed)`: the long run in scripts/fuzz.sh, and `model_specs()`, the hypothesis
strategy that draws the seed) or by hypothesis itself (`structured_specs()`, which shrinks).
Every example of the first kind is reproducible from its case seed alone. The layers cover the
catalogue: conv (plain, depthwise, grouped) and dense with bias, batch-norm and ReLU tails, ReLU,
ReLU6, the unary ops and activation functions (UNARY), binary ops of two activations or with a
constant, pools, mean/sum/max reductions, layer norm, softmax (causally masked or not), matmul of
two activations, reshape, transpose, slice, pad, expand/squeeze, concatenate and resize; now and
then an op outside it (UNSUPPORTED).

`check(spec)` runs one example: export, calibrate on 3 random batches, convert in strict mode,
then compare LiteRT against `emulate`. Its outcome is one of
  converted            full-integer .tflite that agrees with emulate within one step on >= 99%
  refused              a documented shloq error, as expected: an UnsupportedOpError naming an op
                       outside the catalogue that the spec contains, or a CalibrationError naming
                       the op where the float model overflows on the data (exp of large values)
  unexpected_refusal   a documented shloq error on a model the catalogue claims to support, or
                       naming ops the spec does not make unsupported
  fidelity             converted, but float ops remain, an output step is invalid, shapes differ
                       or LiteRT and emulate disagree (a float output, which in strict mode only
                       a constant is, must agree to float precision)
  internal             any other exception (including PassError: a pass or verifier failure)
The driver (`python tests/fuzz_models.py run`) adds crash (segfault) and timeout, as internal.

    python tests/fuzz_models.py run [--examples N] [--start S] [--seeds a,b] [--jobs J] [--report F]
    python tests/fuzz_models.py check SEED | script SEED | describe SEED
"""
from __future__ import annotations

import argparse
import collections
import json
import math
import os
import random
import subprocess
import sys
import threading
import time
import traceback
import warnings

import numpy as np

try:
    from hypothesis import strategies as st
except ImportError:  # the driver does not need hypothesis
    st = None

MODEL_FILE = "fuzz_model.py"  # the file name JAX records in locations of the generated code
DOCUMENTED = ("InputError", "CalibrationError", "UnsupportedOpError", "ConversionError")  # README's list

# Ops outside the catalogue, with the StableHLO ops strict mode may name for them.
UNSUPPORTED = {
    "sin": {"stablehlo.sine"},
    "negate": {"stablehlo.negate"},
    "avg_pool_same": {"stablehlo.reduce_window", "stablehlo.divide"},  # padded: LiteRT's pool has no such count
}
# Elementwise functions of one activation: the catalogue's unary ops and the activation functions
# shloq-recognize finds by value, then the two outside the catalogue.
UNARY = {
    "tanh": "jnp.tanh({x})", "sigmoid": "jax.nn.sigmoid({x})", "exp": "jnp.exp({x})", "abs": "jnp.abs({x})",
    "gelu": "jax.nn.gelu({x}, approximate=False)", "gelu_tanh": "jax.nn.gelu({x})", "silu": "jax.nn.silu({x})",
    "hard_swish": "jax.nn.hard_swish({x})", "leaky_relu": "jax.nn.leaky_relu({x}, 0.1)",
    "clip": "jnp.clip({x}, -1.0, 1.0)", "sin": "jnp.sin({x})", "negate": "-{x}",
}
# Binary ops of two activations (a divisor kept away from zero, as in a normalisation) and of an
# activation and a constant (a scalar or one value per last-axis channel).
BINARY = {"add": "{a} + {b}", "subtract": "{a} - {b}", "multiply": "{a} * {b}", "maximum": "jnp.maximum({a}, {b})",
          "minimum": "jnp.minimum({a}, {b})", "divide": "{a} / (1.0 + jnp.abs({b}))"}
CONSTANT_BINARY = {"scale": "{x} * {c}", "shift": "{x} + {c}", "offset": "{x} - {c}", "floor": "jnp.maximum({x}, {c})",
                   "ceiling": "jnp.minimum({x}, {c})", "divide_constant": "{x} / {c}"}
REDUCTIONS = {"mean": "jnp.mean", "reduce_sum": "jnp.sum", "reduce_max": "jnp.max"}

MAX_LAYERS = 7


# ---- choosers: the generator's only source of randomness ---------------------------------------

class _Drawn:
    """Choices drawn by hypothesis (shrinking towards the first option, False and small ints)."""

    def __init__(self, draw):
        self._draw = draw

    def integer(self, lo, hi):
        return self._draw(st.integers(lo, hi))

    def choice(self, options):
        return self._draw(st.sampled_from(list(options)))

    def chance(self, p):
        return self._draw(st.integers(0, 99)) >= 100 - round(100 * p)


class _Seeded:
    """Choices from a seeded PRNG: the same seed gives the same spec."""

    def __init__(self, seed):
        self._rng = random.Random(seed)

    def integer(self, lo, hi):
        return self._rng.randint(lo, hi)

    def choice(self, options):
        return self._rng.choice(list(options))

    def chance(self, p):
        return self._rng.random() < p


# ---- weights -----------------------------------------------------------------------------------

def _short(a):
    """Rounds to 3 significant digits, so that a reproduction script spells the weights exactly."""
    a = np.asarray(a, np.float64)
    return np.array([float(f"{v:.3g}") for v in a.reshape(-1)], np.float32).reshape(a.shape)


def _weights(c, rng, shape, fan_in, out_axis):
    """He-like normal weights, sometimes with an edge case: a zero output channel, all zeros,
    tiny or large magnitudes."""
    w = rng.normal(size=shape) * math.sqrt(2.0 / max(fan_in, 1))
    edge = c.choice(["none"] * 8 + ["zero_channel", "tiny", "large", "zero"])
    if edge == "zero_channel":
        index = [slice(None)] * len(shape)
        index[out_axis] = int(rng.integers(shape[out_axis]))
        w[tuple(index)] = 0.0
    elif edge == "tiny":
        w *= 1e-4
    elif edge == "large":
        w *= 30.0
    elif edge == "zero":
        w[...] = 0.0
    return _short(w), edge


def _vector(rng, n, scale=0.1, loc=0.0):
    return _short(loc + rng.normal(size=(n,)) * scale)


# ---- shapes ------------------------------------------------------------------------------------

def _conv_out(size, k, stride, dilation, pad):
    eff = (k - 1) * dilation + 1
    if pad == "SAME":
        return -(-size // stride)
    lo, hi = (0, 0) if pad == "VALID" else pad
    return (size + lo + hi - eff) // stride + 1 if size + lo + hi >= eff else 0


def _factorizations(n, parts):
    """Ordered factorizations of n into `parts` factors."""
    if parts == 1:
        return [(n,)]
    return [(d,) + rest for d in range(1, n + 1) if n % d == 0 for rest in _factorizations(n // d, parts - 1)]


def _pick(c, shapes, fits=lambda shape: True):
    """The index of a tensor whose shape `fits`: the latest when it fits (deep chains), else any
    (branches, DAGs); None when none fits."""
    candidates = [j for j, s in enumerate(shapes) if fits(s)]
    if not candidates:
        return None
    if len(shapes) - 1 in candidates and not c.chance(0.4):
        return len(shapes) - 1
    return c.choice(candidates)


# ---- layer generators: each returns a layer dict or None when nothing fits ----------------------

def _contraction_tail(c, rng, layer, name, out):
    """Optional bias, batch-norm-like affine and fused activation after a conv or dense."""
    if c.chance(0.7):
        bias = _vector(rng, out)
        # Sometimes one value in every channel (a splat constant). Decided by a side generator
        # seeded from the weights generator's state, which it does not advance, so that adding
        # this case left every other choice of every seed as it was.
        side = np.random.default_rng([rng.bit_generator.state["state"]["state"] % 2 ** 63, 7])
        if out > 1 and side.random() < 0.15:
            bias[:] = bias[0] if bias[0] != 0 else 0.1
            layer["bias"] = "splat"
        layer["params"][f"{name}_b"] = bias
    layer["affine"] = c.choice(["none", "none", "scale_shift", "batch_norm"])
    if layer["affine"] == "scale_shift":
        sign = np.where(rng.random(out) < 0.2, -1.0, 1.0) if c.chance(0.3) else 1.0
        layer["params"][f"{name}_scale"] = _short(rng.uniform(0.5, 1.5, out) * sign)
        layer["params"][f"{name}_shift"] = _vector(rng, out)
    elif layer["affine"] == "batch_norm":
        layer["params"][f"{name}_gamma"] = _short(rng.uniform(0.5, 1.5, out))
        layer["params"][f"{name}_beta"] = _vector(rng, out)
        layer["params"][f"{name}_mean"] = _vector(rng, out, 0.3)
        layer["params"][f"{name}_var"] = _short(rng.uniform(0.5, 2.0, out))
    layer["act"] = c.choice(["", "relu", "relu6", ""])
    return layer


def _gen_dense(c, rng, shapes, i):
    j = _pick(c, shapes, lambda s: len(s) >= 2)
    shape = shapes[j]
    fan_in = shape[-1]
    out = fan_in if c.chance(0.3) else c.integer(1, 8)
    layout = c.choice(["io", "io", "oi"])
    w, edge = _weights(c, rng, (fan_in, out) if layout == "io" else (out, fan_in), fan_in, 1 if layout == "io" else 0)
    layer = {"op": "dense", "inputs": [j], "layout": layout, "edge": edge, "params": {f"l{i}_w": w},
             "shape": shape[:-1] + (out,)}
    return _contraction_tail(c, rng, layer, f"l{i}", out)


def _gen_conv(c, rng, shapes, i):
    j = _pick(c, shapes, lambda s: len(s) == 4)
    if j is None:
        return None
    n, h, w_, cin = shapes[j]
    kh, kw = c.choice([(1, 1), (3, 3), (3, 3), (2, 2), (1, 3), (3, 1)])
    stride = c.choice([(1, 1), (1, 1), (2, 2), (1, 2)])
    dilation = c.choice([(1, 1), (1, 1), (1, 1), (2, 2)])
    pad = c.choice(["SAME", "SAME", "VALID", "VALID", ((1, 1), (1, 1)), ((0, 1), (1, 0))])
    pads = (pad, pad) if isinstance(pad, str) else pad
    oh, ow = (_conv_out(h, kh, stride[0], dilation[0], pads[0]), _conv_out(w_, kw, stride[1], dilation[1], pads[1]))
    if oh < 1 or ow < 1:
        pad, oh, ow = "SAME", -(-h // stride[0]), -(-w_ // stride[1])
    kind = c.choice(["plain", "plain", "plain", "depthwise", "grouped"])
    groups = 1
    if kind == "depthwise" and cin > 1:
        groups, out = cin, cin * c.choice([1, 1, 2])
    elif kind == "grouped" and [g for g in range(2, cin) if cin % g == 0]:
        groups = c.choice([g for g in range(2, cin) if cin % g == 0])
        out = groups * c.integer(1, max(1, 8 // groups))
    else:
        kind, out = "plain", cin if c.chance(0.3) else c.integer(1, 8)
    klayout = c.choice(["HWIO", "HWIO", "HWIO", "OIHW"])
    wshape = (kh, kw, cin // groups, out) if klayout == "HWIO" else (out, cin // groups, kh, kw)
    wgt, edge = _weights(c, rng, wshape, kh * kw * cin // groups, 3 if klayout == "HWIO" else 0)
    layer = {"op": "conv", "inputs": [j], "kernel": (kh, kw), "strides": stride, "dilation": dilation,
             "padding": pad, "groups": groups, "kind": kind, "klayout": klayout, "edge": edge,
             "params": {f"l{i}_w": wgt}, "shape": (n, oh, ow, out)}
    return _contraction_tail(c, rng, layer, f"l{i}", out)


def _gen_activation(c, rng, shapes, i, op):
    j = _pick(c, shapes)
    return {"op": op, "inputs": [j], "params": {}, "shape": shapes[j]}


def _gen_binary(c, rng, shapes, i):
    pairs = [(a, b) for a in range(len(shapes)) for b in range(len(shapes))
             if len(shapes[a]) == len(shapes[b]) and _broadcast(shapes[a], shapes[b]) is not None]
    distinct = [p for p in pairs if p[0] != p[1]]
    if distinct and c.chance(0.85):
        pairs = distinct
    exact = [p for p in pairs if shapes[p[0]] == shapes[p[1]]]
    if exact and c.chance(0.7):
        pairs = exact
    latest = [p for p in pairs if len(shapes) - 1 in p]
    a, b = c.choice(latest if latest and c.chance(0.6) else pairs)
    op = c.choice(["add", "add", "subtract", "multiply", "maximum", "minimum", "divide"])
    return {"op": op, "inputs": [a, b], "params": {}, "shape": _broadcast(shapes[a], shapes[b])}


def _gen_constant_binary(c, rng, shapes, i):
    j = _pick(c, shapes)
    op = c.choice(sorted(CONSTANT_BINARY))
    params = {}
    if c.chance(0.3):
        params[f"l{i}_c"] = _vector(rng, shapes[j][-1], 1.0, 1.0 if op in ("scale", "divide_constant") else 0.0)
        if op == "divide_constant":
            params[f"l{i}_c"][params[f"l{i}_c"] == 0] = 1.0
    constant = c.choice([0.5, 1.5, -2.0, 6.0, 0.1])
    return {"op": op, "inputs": [j], "constant": constant, "params": params, "shape": shapes[j]}


def _gen_unary(c, rng, shapes, i):
    j = _pick(c, shapes)
    return {"op": c.choice(sorted(set(UNARY) - set(UNSUPPORTED))), "inputs": [j], "params": {}, "shape": shapes[j]}


def _gen_matmul(c, rng, shapes, i):
    """A matmul of two activations (attention scores and values): a @ b or a @ b^T."""
    pairs = [(a, b, transpose) for a in range(len(shapes)) for b in range(len(shapes)) for transpose in (False, True)
             if len(shapes[a]) >= 2 and len(shapes[a]) == len(shapes[b]) and shapes[a][:-2] == shapes[b][:-2]
             and shapes[a][-1] == shapes[b][-1 if transpose else -2]]
    a, b, transpose = c.choice(pairs)  # (a, a, True) always fits
    return {"op": "matmul", "inputs": [a, b], "transpose": transpose, "params": {},
            "shape": shapes[a][:-1] + (shapes[b][-2 if transpose else -1],)}


def _gen_layer_norm(c, rng, shapes, i):
    j = _pick(c, shapes, lambda s: s[-1] >= 2)
    if j is None:
        return None
    n = shapes[j][-1]
    return {"op": "layer_norm", "inputs": [j], "params": {f"l{i}_g": _short(rng.uniform(0.5, 1.5, n)),
                                                          f"l{i}_b": _vector(rng, n)}, "shape": shapes[j]}


def _gen_pad(c, rng, shapes, i):
    j = _pick(c, shapes)
    widths = [(0, 0)] + [(c.integer(0, 2), c.integer(0, 2)) for _ in shapes[j][1:]]
    return {"op": "pad", "inputs": [j], "widths": tuple(widths), "value": c.choice([0.0, 0.0, -1.0, 0.5]),
            "params": {}, "shape": tuple(d + lo + hi for d, (lo, hi) in zip(shapes[j], widths))}


def _gen_expand(c, rng, shapes, i):
    """expand_dims on a tensor of rank <= 3, or squeeze of a size-1 dimension (not the batch)."""
    squeezable = [(j, d) for j, s in enumerate(shapes) for d in range(1, len(s)) if s[d] == 1 and len(s) > 2]
    if squeezable and c.chance(0.5):
        j, axis = c.choice(squeezable)
        return {"op": "squeeze", "inputs": [j], "axis": axis, "params": {},
                "shape": shapes[j][:axis] + shapes[j][axis + 1:]}
    j = _pick(c, shapes, lambda s: len(s) <= 3)
    if j is None:
        return None
    axis = c.integer(1, len(shapes[j]))
    return {"op": "expand_dims", "inputs": [j], "axis": axis, "params": {},
            "shape": shapes[j][:axis] + (1,) + shapes[j][axis:]}


def _gen_resize(c, rng, shapes, i):
    """jax.image.resize of an NHWC tensor: nearest (any size) or bilinear upsampling."""
    j = _pick(c, shapes, lambda s: len(s) == 4)
    if j is None:
        return None
    n, h, w, ch = shapes[j]
    method = c.choice(["nearest", "bilinear"])
    if method == "bilinear" or c.chance(0.5):
        size = (h * c.choice([2, 2, 3]), w * 2) if c.chance(0.7) else (h + c.integer(0, 3), w + c.integer(1, 3))
    else:
        size = (max(1, h // 2), max(1, w // 2))
    return {"op": "resize", "inputs": [j], "method": method, "params": {}, "shape": (n, *size, ch)}


def _broadcast(a, b):
    try:
        return tuple(int(d) for d in np.broadcast_shapes(a, b))
    except ValueError:
        return None


def _gen_pool(c, rng, shapes, i):
    j = _pick(c, shapes, lambda s: len(s) == 4 and s[1] >= 2 and s[2] >= 2)
    if j is None:
        return None
    n, h, w, ch = shapes[j]
    kind = c.choice(["max", "avg"])
    stride = c.choice([2, 2, 1])
    pad = "SAME" if kind == "max" and c.chance(0.2) else "VALID"
    oh, ow = _conv_out(h, 2, stride, 1, pad), _conv_out(w, 2, stride, 1, pad)
    return {"op": f"{kind}_pool", "inputs": [j], "strides": stride, "padding": pad, "params": {},
            "shape": (n, oh, ow, ch)}


def _gen_reduce(c, rng, shapes, i):
    """A mean, sum or max over some non-batch axes."""
    j = _pick(c, shapes, lambda s: len(s) >= 2)
    shape = shapes[j]
    rank = len(shape)
    if rank == 4 and c.chance(0.7):
        axes = (1, 2)
    else:
        options = [(a,) for a in range(1, rank)] + ([tuple(range(1, rank))] if rank > 2 else [])
        axes = c.choice(options)
    keepdims = c.chance(0.4) or rank - len(axes) < 2  # no rank-1 activations
    out = tuple(1 if d in axes else s for d, s in enumerate(shape)) if keepdims else tuple(
        s for d, s in enumerate(shape) if d not in axes)
    return {"op": c.choice(["mean", "mean", "reduce_sum", "reduce_max"]), "inputs": [j], "axes": axes,
            "keepdims": keepdims, "params": {}, "shape": out}


def _gen_reshape(c, rng, shapes, i):
    j = _pick(c, shapes, lambda s: len(s) >= 2)
    shape = shapes[j]
    size = int(np.prod(shape[1:]))
    kind = c.choice(["flatten", "split"]) if len(shape) > 2 else "split"
    if kind == "flatten":
        out = (shape[0], size)
    else:
        parts = c.choice([3, 2, 3, 1])
        options = [f for f in _factorizations(size, parts) if (shape[0],) + f != shape]
        if not options:
            return None
        out = (shape[0],) + c.choice(options)
    return {"op": "reshape", "inputs": [j], "params": {}, "shape": out}


def _gen_transpose(c, rng, shapes, i):
    j = _pick(c, shapes, lambda s: len(s) >= 2)
    shape = shapes[j]
    rank = len(shape)
    keep_batch = rank > 2 and c.chance(0.8)
    rest = list(range(1 if keep_batch else 0, rank))
    perms = [p for p in _permutations(rest) if p != rest]
    perm = ([0] if keep_batch else []) + list(c.choice(perms))
    return {"op": "transpose", "inputs": [j], "perm": tuple(perm), "params": {},
            "shape": tuple(shape[d] for d in perm)}


def _permutations(items):
    if len(items) <= 1:
        return [list(items)]
    return [[x] + p for k, x in enumerate(items) for p in _permutations(items[:k] + items[k + 1:])]


def _gen_concat(c, rng, shapes, i):
    options = []
    for a in range(len(shapes)):
        for b in range(len(shapes)):
            sa, sb = shapes[a], shapes[b]
            if len(sa) != len(sb) or len(sa) < 2:
                continue
            for axis in range(1, len(sa)):
                if all(x == y for d, (x, y) in enumerate(zip(sa, sb)) if d != axis):
                    options.append((a, b, axis))
    last = [o for o in options if o[2] == len(shapes[o[0]]) - 1]
    if last and c.chance(0.75):
        options = last
    latest = [o for o in options if len(shapes) - 1 in o[:2]]
    a, b, axis = c.choice(latest if latest and c.chance(0.6) else options)
    inputs = [a, b] + ([a] if c.chance(0.15) else [])
    shape = list(shapes[a])
    shape[axis] = sum(shapes[k][axis] for k in inputs)
    return {"op": "concatenate", "inputs": inputs, "axis": axis, "params": {}, "shape": tuple(shape)}


def _gen_slice(c, rng, shapes, i):
    candidates = [(j, d) for j, s in enumerate(shapes) for d in range(1, len(s)) if s[d] >= 2]
    if not candidates:
        return None
    j, axis = c.choice(candidates)
    shape = shapes[j]
    start = c.integer(0, shape[axis] - 1)
    limit = c.integer(start + 1, shape[axis])
    stride = c.choice([1, 1, 2])
    out = list(shape)
    out[axis] = -(-(limit - start) // stride)
    return {"op": "slice", "inputs": [j], "axis": axis, "start": start, "limit": limit, "stride": stride,
            "params": {}, "shape": tuple(out)}


def _gen_softmax(c, rng, shapes, i, final=False):
    j = len(shapes) - 1 if final else _pick(c, shapes, lambda s: len(s) >= 2)
    rank = len(shapes[j])
    axis = rank - 1 if c.chance(0.85) else c.integer(1, rank - 1)
    # Over the last axis, sometimes masked: a lower-triangular (causal) mask, every row keeping its
    # first element, filled with -1e9 by jnp.where or added as -1e4 (both as attention masks are).
    mask = c.choice(["", "", "where", "additive"]) if axis == rank - 1 else ""
    return {"op": "softmax", "inputs": [j], "axis": axis, "mask": mask, "diagonal": c.integer(0, 2),
            "params": {}, "shape": shapes[j]}


def _gen_unsupported(c, rng, shapes, i):
    op = c.choice(sorted(UNSUPPORTED))
    j = _pick(c, shapes, lambda s: len(s) == 4) if op == "avg_pool_same" else None
    if j is None:
        op = "sin" if op == "avg_pool_same" else op
        j = _pick(c, shapes)
    return {"op": op, "inputs": [j], "params": {}, "shape": shapes[j]}


_GENERATORS = {
    "dense": _gen_dense, "conv": _gen_conv, "relu": lambda *a: _gen_activation(*a, "relu"),
    "relu6": lambda *a: _gen_activation(*a, "relu6"), "binary": _gen_binary, "pool": _gen_pool,
    "reduce": _gen_reduce, "reshape": _gen_reshape, "transpose": _gen_transpose, "concatenate": _gen_concat,
    "slice": _gen_slice, "softmax": _gen_softmax, "unsupported": _gen_unsupported,
    "constant_binary": _gen_constant_binary, "unary": _gen_unary, "matmul": _gen_matmul,
    "layer_norm": _gen_layer_norm, "pad": _gen_pad, "expand": _gen_expand, "resize": _gen_resize,
}
# Weighted: conv and dense most often; the ops outside the catalogue rarely.
_OP_CHOICES = (["conv"] * 5 + ["dense"] * 4 + ["binary"] * 3 + ["unary"] * 3 + ["constant_binary"] * 2
               + ["relu", "relu6", "pool", "pool", "reduce", "reduce", "reshape", "reshape", "transpose",
                  "concatenate", "concatenate", "slice", "softmax", "matmul", "layer_norm", "pad", "expand",
                  "resize"])


def generate(c) -> dict:
    """One model spec, from a chooser (`_Drawn` or `_Seeded`)."""
    seed = c.integer(0, 2 ** 32 - 1)
    rng = np.random.default_rng(seed)
    batch = c.integer(2, 4)
    kind = c.choice(["image", "image", "vector", "sequence"])
    if kind == "image":
        input_shape = (batch, c.integer(1, 8), c.integer(1, 8), c.integer(1, 8))
    elif kind == "vector":
        input_shape = (batch, c.integer(1, 16))
    else:
        input_shape = (batch, c.integer(1, 6), c.integer(1, 8))
    data = c.choice(["normal", "normal", "normal", "uniform", "offset", "large", "small"])
    shapes, layers = [input_shape], []
    n_layers = c.integer(1, MAX_LAYERS)
    unsupported_chance = c.choice([0.0, 0.0, 0.0, 0.15])
    for i in range(1, n_layers + 1):
        name = "unsupported" if c.chance(unsupported_chance) else c.choice(_OP_CHOICES)
        layer = _GENERATORS[name](c, rng, shapes, i)
        for _ in range(3):  # the op does not fit the tensors so far: draw another
            if layer is not None:
                break
            layer = _GENERATORS[c.choice(_OP_CHOICES)](c, rng, shapes, i)
        if layer is None:
            layer = _gen_dense(c, rng, shapes, i)
        layers.append(layer)
        shapes.append(tuple(int(d) for d in layer["shape"]))
    if c.chance(0.2):
        layer = _gen_softmax(c, rng, shapes, len(shapes), final=True)
        layers.append(layer)
        shapes.append(layer["shape"])
    outputs = [len(shapes) - 1]
    if len(shapes) > 2 and c.chance(0.15):
        outputs.append(c.integer(1, len(shapes) - 2))
    return {"input_shape": input_shape, "data": data, "seed": seed, "layers": layers, "outputs": outputs}


def model_specs():
    """The hypothesis strategy of model specs: hypothesis draws a case seed and the seeded
    generator builds the spec, so examples are as varied as the long run's and each one is
    reproducible from its seed alone (`python tests/fuzz_models.py check SEED`). Hypothesis
    cannot shrink a spec through its seed; `structured_specs()` can."""
    return st.composite(lambda draw: random_spec(draw(st.integers(0, 2 ** 32 - 1))))()


def structured_specs():
    """Specs whose every choice hypothesis draws, so that it shrinks them (fewer layers, simpler
    options). Its examples are less varied: hypothesis favours boundary choices and mutates
    earlier examples."""
    return st.composite(lambda draw: generate(_Drawn(draw)))()


def random_spec(seed: int) -> dict:
    """The spec for a case seed (the long run's examples)."""
    return dict(generate(_Seeded(seed)), case=seed)


# LiteRT's SOFTMAX normalizes the last dimension, so the catalogue takes softmax over the last
# dimension of size >= 2 only; elsewhere strict mode names the pattern's ops.
SOFTMAX_ELSEWHERE = {"stablehlo.reduce", "stablehlo.maximum", "stablehlo.subtract", "stablehlo.exponential",
                     "stablehlo.divide", "stablehlo.broadcast_in_dim"}


def unsupported_ops(spec) -> set:
    """StableHLO op names strict mode may refuse in this spec (empty: catalogue ops only)."""
    names = set()
    for layer in spec["layers"]:
        names |= UNSUPPORTED.get(layer["op"], set())
        if layer["op"] == "softmax":
            shape = layer["shape"]
            if layer["axis"] != len(shape) - 1 or shape[-1] < 2:
                names |= SOFTMAX_ELSEWHERE
    return names


# ---- code generation ---------------------------------------------------------------------------

# Layers of one line of JAX code, formatted with the input `x` and the layer's attributes.
_ONE_LINE = {**UNARY, "reshape": "{x}.reshape({shape})", "transpose": "jnp.transpose({x}, {perm})",
             "pad": "jnp.pad({x}, {widths}, constant_values={value})", "expand_dims": "jnp.expand_dims({x}, {axis})",
             "squeeze": "jnp.squeeze({x}, {axis})", "resize": 'jax.image.resize({x}, {shape}, "{method}")'}


def _layer_lines(i, layer):
    t = f"t{i}"
    x = [f"t{j}" for j in layer["inputs"]]
    p = f'p["l{i}_'
    op = layer["op"]
    if op == "dense":
        if layer["layout"] == "io":
            lines = [f'{t} = {x[0]} @ {p}w"]']
        else:
            lines = [f'{t} = jnp.einsum("...i,oi->...o", {x[0]}, {p}w"])']
    elif op == "conv":
        dn = ("NHWC", layer["klayout"], "NHWC")
        pad = layer["padding"] if isinstance(layer["padding"], str) else tuple(tuple(q) for q in layer["padding"])
        lines = [f'{t} = jax.lax.conv_general_dilated({x[0]}, {p}w"], {tuple(layer["strides"])}, {pad!r}, '
                 f'rhs_dilation={tuple(layer["dilation"])}, dimension_numbers={dn}, '
                 f'feature_group_count={layer["groups"]})']
    elif op in ("relu", "relu6"):
        lines = [f"{t} = jax.nn.{op}({x[0]})"]
    elif op in BINARY:
        lines = [f"{t} = " + BINARY[op].format(a=x[0], b=x[1])]
    elif op in CONSTANT_BINARY:
        constant = f'{p}c"]' if layer["params"] else repr(layer["constant"])
        lines = [f"{t} = " + CONSTANT_BINARY[op].format(x=x[0], c=constant)]
    elif op == "max_pool":
        s = layer["strides"]
        lines = [f'{t} = jax.lax.reduce_window({x[0]}, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, {s}, {s}, 1), '
                 f'"{layer["padding"]}")']
    elif op == "avg_pool":
        s = layer["strides"]
        lines = [f'{t} = jax.lax.reduce_window({x[0]}, 0.0, jax.lax.add, (1, 2, 2, 1), (1, {s}, {s}, 1), '
                 f'"VALID") / 4.0']
    elif op == "avg_pool_same":
        lines = [f'{t} = jax.lax.reduce_window({x[0]}, 0.0, jax.lax.add, (1, 2, 2, 1), (1, 1, 1, 1), '
                 f'"SAME") / 4.0']
    elif op in REDUCTIONS:
        lines = [f"{t} = {REDUCTIONS[op]}({x[0]}, axis={tuple(layer['axes'])}, keepdims={layer['keepdims']})"]
    elif op in _ONE_LINE:
        lines = [f"{t} = " + _ONE_LINE[op].format(x=x[0], **layer)]
    elif op == "concatenate":
        lines = [f"{t} = jnp.concatenate([{', '.join(x)}], axis={layer['axis']})"]
    elif op == "slice":
        rank = len(layer["shape"])
        start, limit, strides = [0] * rank, list(layer["shape"]), [1] * rank
        a = layer["axis"]
        start[a], limit[a], strides[a] = layer["start"], layer["limit"], layer["stride"]
        lines = [f"{t} = jax.lax.slice({x[0]}, {tuple(start)}, {tuple(limit)}, {tuple(strides)})"]
    elif op == "softmax":
        rows, cols = layer["shape"][-2:] if len(layer["shape"]) >= 2 else (1, layer["shape"][-1])
        keep = f"jnp.tri({rows}, {cols}, {layer['diagonal']}, dtype=bool)"
        scores = {"": x[0], "where": f"jnp.where({keep}, {x[0]}, -1e9)",
                  "additive": f"{x[0]} + jnp.where({keep}, 0.0, -1e4)"}[layer.get("mask", "")]
        lines = [f"{t} = jax.nn.softmax({scores}, axis={layer['axis']})"]
    elif op == "matmul":
        lines = [f"{t} = {x[0]} @ " + (f"jnp.swapaxes({x[1]}, -1, -2)" if layer["transpose"] else x[1])]
    elif op == "layer_norm":
        lines = [f"{t} = {x[0]} - jnp.mean({x[0]}, axis=-1, keepdims=True)",
                 f'{t} = {t} * jax.lax.rsqrt(jnp.mean({t} * {t}, axis=-1, keepdims=True) + 1e-5) * {p}g"] + {p}b"]']
    else:
        raise ValueError(f"unknown op {op!r}")
    if op in ("dense", "conv"):
        if f"l{i}_b" in layer["params"]:
            lines.append(f'{t} = {t} + {p}b"]')
        if layer["affine"] == "scale_shift":
            lines.append(f'{t} = {t} * {p}scale"] + {p}shift"]')
        elif layer["affine"] == "batch_norm":
            lines.append(f'{t} = ({t} - {p}mean"]) * ({p}gamma"] / jnp.sqrt({p}var"] + 1e-5)) + {p}beta"]')
        if layer["act"]:
            lines.append(f"{t} = jax.nn.{layer['act']}({t})")
    return lines


def source(spec) -> str:
    """The model as straight-line JAX code defining `f(p, t0)`."""
    body = [line for i, layer in enumerate(spec["layers"], 1) for line in _layer_lines(i, layer)]
    outs = [f"t{k}" for k in spec["outputs"]]
    body.append("return " + (outs[0] if len(outs) == 1 else "(" + ", ".join(outs) + ")"))
    return "def f(p, t0):\n" + "".join(f"    {line}\n" for line in body)


def params(spec) -> dict:
    return {k: v for layer in spec["layers"] for k, v in layer["params"].items()}


def build(spec):
    """(f(params, x), params, input_shape) for a spec."""
    import jax
    import jax.numpy as jnp

    namespace = {"jax": jax, "jnp": jnp}
    exec(compile(source(spec), MODEL_FILE, "exec"), namespace)
    return namespace["f"], params(spec), tuple(spec["input_shape"])


def data(spec, count, rng):
    """`count` input arrays from the spec's data distribution."""
    shape, kind = tuple(spec["input_shape"]), spec["data"]
    out = []
    for _ in range(count):
        if kind == "uniform":
            x = rng.uniform(0.0, 1.0, shape)
        elif kind == "offset":
            x = rng.normal(size=shape) + 3.0
        elif kind == "large":
            x = rng.normal(size=shape) * 30.0
        elif kind == "small":
            x = rng.normal(size=shape) * 1e-3
        else:
            x = rng.normal(size=shape)
        out.append(x.astype(np.float32))
    return out


def describe(spec) -> str:
    """One line per layer, for reports."""
    lines = [(f"case {spec['case']}: " if "case" in spec else "")
             + f"input {tuple(spec['input_shape'])} data={spec['data']} seed={spec['seed']}"]
    for i, layer in enumerate(spec["layers"], 1):
        attrs = {k: v for k, v in layer.items() if k not in ("op", "inputs", "params", "shape")}
        lines.append(f"t{i} = {layer['op']}({', '.join(f't{j}' for j in layer['inputs'])}) "
                     f"{attrs} -> {tuple(layer['shape'])}")
    lines.append(f"outputs {['t%d' % k for k in spec['outputs']]}")
    return "\n".join(lines)


def _literal(a) -> str:
    a = np.asarray(a)
    values = ", ".join(f"{float(v):.3g}" for v in a.reshape(-1))
    return f"np.array([{values}], np.float32).reshape({tuple(a.shape)})"


def script(spec) -> str:
    """A standalone reproduction: the model, its weights, its data and the shloq calls."""
    lines = ["import jax, jax.numpy as jnp, numpy as np, shloq", "from shloq import litert", ""]
    lines.append("P = {")
    lines += [f"    {k!r}: {_literal(v)}," for k, v in params(spec).items()]
    lines += ["}", "", source(spec).rstrip(), "",
              f"shape = {tuple(spec['input_shape'])}",
              f"rng = np.random.default_rng({spec['seed']})"]
    kind = spec["data"]
    gen = {"uniform": "rng.uniform(0.0, 1.0, shape)", "offset": "rng.normal(size=shape) + 3.0",
           "large": "rng.normal(size=shape) * 30.0", "small": "rng.normal(size=shape) * 1e-3"}.get(
        kind, "rng.normal(size=shape)")
    lines += [f"batches = [(({gen}).astype(np.float32),) for _ in range(3)]",
              f"tests = [({gen}).astype(np.float32) for _ in range(3)]",
              "rules = [shloq.QuantizationRule()]",
              "exported = jax.export.export(jax.jit(f))(P, np.zeros(shape, np.float32))",
              "stats = shloq.calibrate(exported, rules, P, batches, progress=False)",
              "model = shloq.convert(exported, rules, P, stats, strict=True)",
              "print('float ops:', litert.float_ops(model.op_table()))",
              "for x in tests:",
              "    for got, emu, step in zip(jax.tree_util.tree_leaves(model(x)),",
              "                              jax.tree_util.tree_leaves(model.emulate(x)), model.output_steps):",
              "        diff = np.abs(np.asarray(got, np.float64) - np.asarray(emu, np.float64)) / step",
              "        print(f'within one step: {np.mean(diff <= 1.001):.4f}  max {diff.max():.2f} steps')"]
    return "\n".join(lines) + "\n"


# ---- running one example -----------------------------------------------------------------------

def _within_steps(a, b, step, steps=1.0):
    """As tests/conftest.py's within_steps."""
    return float(np.mean(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)) <= steps * step * 1.001))


def _sqnr_db(reference, quantized):
    """None for an all-zero reference (e.g. x - x), where SQNR means nothing."""
    reference, quantized = np.asarray(reference, np.float64), np.asarray(quantized, np.float64)
    signal, noise = np.sum(reference ** 2), np.sum((reference - quantized) ** 2)
    return None if signal == 0 else float(10 * np.log10(signal / max(noise, 1e-30)))


def _tail(err, limit=12):
    return "".join(traceback.format_exception(type(err), err, err.__traceback__)[-limit:])


def _finite(f, p, batches) -> bool:
    """Whether the float model's outputs on `batches` are all finite."""
    import jax

    return all(np.all(np.isfinite(np.asarray(v))) for x, in batches for v in jax.tree_util.tree_leaves(f(p, x)))


def check(spec, reraise=False, n_tests=3) -> dict:
    """Runs one example; see the module docstring for the outcomes. With `reraise`, an internal
    error propagates as the original exception (so hypothesis and pytest show it)."""
    import jax
    import shloq
    from shloq import litert

    started = time.time()
    outcome = {"status": None, "unsupported": sorted(unsupported_ops(spec))}
    f, p, shape = build(spec)
    rng = np.random.default_rng(spec["seed"])
    batches = [(x,) for x in data(spec, 3, rng)]
    tests = data(spec, n_tests, rng)
    exported = jax.export.export(jax.jit(f))(p, np.zeros(shape, np.float32))  # generator bugs raise here
    rules = [shloq.QuantizationRule()]
    try:
        stats = shloq.calibrate(exported, rules, p, batches, progress=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", shloq.ShloqWarning)
            model = shloq.convert(exported, rules, p, stats, strict=True)
    except shloq.ShloqError as err:
        name = type(err).__name__
        documented = [c for c in DOCUMENTED if isinstance(err, getattr(shloq, c))]
        outcome.update(error_class=name, message=str(err)[:2000])
        if not documented:  # PassError: a pass failed or the verifier refused its output
            if reraise:
                raise
            outcome.update(status="internal", traceback=_tail(err))
        elif isinstance(err, shloq.UnsupportedOpError):
            named = {op for op, _ in err.ops}
            expected = unsupported_ops(spec)
            sourced = all(MODEL_FILE in where for _, where in err.ops)
            outcome["named"] = sorted(named)
            ok = expected and named and named <= expected and sourced
            outcome["status"] = "refused" if ok else "unexpected_refusal"
            if not ok:
                outcome["why"] = ("strict mode refused a catalogue-only model" if not expected else
                                  f"named {sorted(named - expected)}, expected only {sorted(expected)}"
                                  if not named <= expected else "location does not name the model's source line")
        elif isinstance(err, shloq.CalibrationError) and MODEL_FILE in str(err) and not _finite(f, p, batches):
            outcome["status"] = "refused"  # the float model overflows on the data, and the error says where
        else:
            outcome.update(status="unexpected_refusal", why=f"{name} on a valid model",
                           traceback=_tail(err))
        outcome["time"] = time.time() - started
        return outcome
    except Exception as err:
        if reraise:
            raise
        outcome.update(status="internal", error_class=type(err).__name__, message=str(err)[:2000],
                       traceback=_tail(err))
        outcome["time"] = time.time() - started
        return outcome

    problems = []
    try:
        table = model.op_table()
        outcome["ops"] = sorted({op["op"] for op in table})
        floats = litert.float_ops(table)
        if floats:
            problems.append(f"float ops remain: {floats}")
        # An output without a step is computed by no quantized op: in strict mode a constant (a layer
        # whose weights are all zero is its bias), which must match emulate to float precision.
        steps = list(model.output_steps)
        if any(s is not None and (not np.isfinite(s) or s <= 0) for s in steps):
            problems.append(f"output steps {steps}")
        lite, emulated, reference = [], [], []
        for x in tests:
            got = [np.asarray(v) for v in jax.tree_util.tree_leaves(model(x))]
            emu = [np.asarray(v) for v in jax.tree_util.tree_leaves(model.emulate(x))]
            ref = [np.asarray(v) for v in jax.tree_util.tree_leaves(f(p, x))]
            if [g.shape for g in got] != [r.shape for r in ref] or [e.shape for e in emu] != [r.shape for r in ref]:
                problems.append(f"output shapes: litert {[g.shape for g in got]}, emulate "
                                f"{[e.shape for e in emu]}, float {[r.shape for r in ref]}")
                break
            lite.append(got), emulated.append(emu), reference.append(ref)
        agreement, worst, sqnr = [], [], []
        if not problems:
            for k, step in enumerate(steps):
                a = np.concatenate([o[k].reshape(-1) for o in lite])
                b = np.concatenate([o[k].reshape(-1) for o in emulated])
                r = np.concatenate([o[k].reshape(-1) for o in reference])
                if not np.all(np.isfinite(a)) or not np.all(np.isfinite(b)):
                    problems.append(f"output {k}: non-finite values")
                    continue
                step = step or 1e-6 * max(1.0, float(np.max(np.abs(b), initial=0.0)))
                agreement.append(_within_steps(a, b, step))
                worst.append(float(np.max(np.abs(a.astype(np.float64) - b) / step)) if a.size else 0.0)
                sqnr.append(_sqnr_db(r, a))
                if agreement[-1] < 0.99:
                    problems.append(f"output {k}: LiteRT and emulate agree within one step on "
                                    f"{agreement[-1]:.2%} of {a.size} elements (max {worst[-1]:.1f} steps)")
        outcome.update(agreement=agreement, max_steps=worst, sqnr=sqnr)
    except Exception as err:
        if reraise:
            raise
        outcome.update(status="internal", error_class=type(err).__name__, message=str(err)[:2000],
                       traceback=_tail(err), time=time.time() - started)
        return outcome
    outcome.update(status="fidelity" if problems else "converted", problems=problems, time=time.time() - started)
    return outcome


# ---- the long run: worker subprocesses, so a segfault or a hang costs one example ---------------

def _worker(seeds):
    """Runs the given seeds in order, printing START before and RESULT after each (flushed)."""
    import faulthandler

    faulthandler.enable()  # a segfault prints the Python stack, which the driver reports
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    for seed in seeds:
        print(f"START {seed}", flush=True)
        spec = random_spec(seed)
        try:
            outcome = check(spec)
        except Exception as err:  # the generator, or the export of a generated model: a fuzzer bug
            outcome = {"status": "generator", "error_class": type(err).__name__, "message": str(err)[:2000],
                       "traceback": _tail(err)}
        outcome["seed"] = seed
        print("RESULT " + json.dumps(outcome, default=str), flush=True)


def _run_chunk(seeds, timeout, results, lock, log):
    """Runs seeds in a worker; a crash or timeout is recorded for its seed and the rest restart."""
    pending = list(seeds)
    while pending:
        cmd = [sys.executable, os.path.abspath(__file__), "worker", ",".join(map(str, pending))]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        lines = collections.deque()
        stderr_tail = collections.deque(maxlen=60)
        reader = threading.Thread(target=lambda: [lines.append(line) for line in proc.stdout], daemon=True)
        err_reader = threading.Thread(target=lambda: [stderr_tail.append(line) for line in proc.stderr], daemon=True)
        reader.start(), err_reader.start()
        current, since, timed_out = None, time.time(), False

        def drain():
            nonlocal current, since
            while lines:
                line = lines.popleft().rstrip("\n")
                if line.startswith("START "):
                    current, since = int(line.split()[1]), time.time()
                elif line.startswith("RESULT "):
                    outcome = json.loads(line[len("RESULT "):])
                    with lock:
                        results.append(outcome)
                        log(outcome)
                    pending.remove(outcome["seed"])
                    current = None

        while True:
            drain()
            if not reader.is_alive():  # end of the worker's stdout: it has exited
                drain()
                break
            if current is not None and time.time() - since > timeout:
                timed_out = True
                os.killpg(proc.pid, 9)  # the worker we started, and its children
                reader.join(10)
                drain()
                break
            time.sleep(0.05)
        code = proc.wait()
        err_reader.join(10)
        if current is None and pending:
            # The worker ended between examples (it could not start, or died outside an example):
            # blame the next seed rather than restarting forever.
            current = pending[0]
        if current is not None:
            stack = "".join(stderr_tail)
            current_thread = stack.split("Current thread")[-1]  # faulthandler: the crashing thread's stack
            frames = [line.strip() for line in current_thread.splitlines() if line.strip().startswith("File ")]
            frames = [f for f in frames if "fuzz_models.py" not in f and "/jax/" not in f] or frames
            outcome = {"seed": current, "status": "internal",
                       "error_class": "Timeout" if timed_out else f"Crash (exit {code})",
                       "message": (f"no result after {timeout:g} s" if timed_out else
                                   f"worker died with exit status {code}" + (f" (signal {-code})" if code < 0 else ""))
                       + (f", in {frames[0]}" if frames else ""),
                       "traceback": stack}
            with lock:
                results.append(outcome)
                log(outcome)
            pending.remove(current)


def _summary(results, elapsed):
    by = collections.Counter(r["status"] for r in results)
    lines = [f"examples: {len(results)}", f"conversions: {by['converted']}",
             f"documented refusals: {by['refused']}"]
    for name, n in sorted(collections.Counter(r["error_class"] for r in results if r["status"] == "refused").items()):
        lines.append(f"  {name}: {n}")
    unexpected = [r for r in results if r["status"] == "unexpected_refusal"]
    lines.append(f"unexpected refusals (documented class, but on a catalogue-only model or naming catalogue "
                 f"ops): {len(unexpected)}")
    for r in unexpected:
        lines.append(f"  seed {r['seed']}: {r['error_class']}: {r.get('why', '')}: "
                     f"{r.get('message', '').splitlines()[0][:200]}")
    fidelity = [r for r in results if r["status"] == "fidelity"]
    lines.append(f"fidelity failures: {len(fidelity)}")
    for r in fidelity:
        lines.append(f"  seed {r['seed']}: {'; '.join(r['problems'])[:300]}")
    internal = [r for r in results if r["status"] in ("internal", "generator")]
    lines.append(f"internal errors: {len(internal)}")
    for r in internal:
        msg = (r.get("message") or "").strip().splitlines()
        lines.append(f"  seed {r['seed']}: {r['status']}: {r['error_class']}: {msg[0][:200] if msg else ''}")
    sq = sorted((min(v for v in r["sqnr"] if v is not None), r["seed"]) for r in results
                if r["status"] == "converted" and any(v is not None for v in r.get("sqnr") or []))
    if sq:
        lines.append(f"SQNR vs float (informational): median {sq[len(sq) // 2][0]:.1f} dB; lowest "
                     + ", ".join(f"seed {s} {v:.1f} dB" for v, s in sq[:5]))
    lines.append(f"wall time: {elapsed:.0f} s")
    bad = len(unexpected) + len(fidelity) + len(internal)
    if bad:
        lines.append("reproduce one: python tests/fuzz_models.py check SEED   "
                     "(or: python tests/fuzz_models.py script SEED > repro.py)")
    return "\n".join(lines), bad


def _run(args):
    seeds = ([int(s) for s in args.seeds.split(",") if s] if args.seeds
             else list(range(args.start, args.start + args.examples)))
    chunks = [seeds[k:k + args.chunk] for k in range(0, len(seeds), args.chunk)]
    results, lock = [], threading.Lock()
    started = time.time()

    def log(outcome):
        if args.quiet:
            return
        extra = outcome.get("error_class") or ""
        if outcome["status"] == "converted":
            extra = f"agree {min(outcome['agreement'], default=1):.3f}"
        print(f"[{len(results):4d}/{len(seeds)}] seed {outcome['seed']}: {outcome['status']} {extra}", flush=True)

    queue, queue_lock = collections.deque(chunks), threading.Lock()

    def slot():
        while True:
            with queue_lock:
                if not queue:
                    return
                chunk = queue.popleft()
            _run_chunk(chunk, args.timeout, results, lock, log)

    threads = [threading.Thread(target=slot) for _ in range(args.jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.sort(key=lambda r: r["seed"])
    text, bad = _summary(results, time.time() - started)
    print("\n" + text)
    if args.report:
        with open(args.report, "w") as fh:
            json.dump(results, fh, indent=1, default=str)
        print(f"report: {args.report}")
    return 1 if bad else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="the long run, in worker subprocesses")
    run.add_argument("--examples", type=int, default=300)
    run.add_argument("--start", type=int, default=0, help="first seed")
    run.add_argument("--seeds", help="comma-separated seeds to run instead (e.g. the failures of a report)")
    run.add_argument("--jobs", type=int, default=2)
    run.add_argument("--chunk", type=int, default=20, help="examples per worker process")
    run.add_argument("--timeout", type=float, default=180.0, help="seconds per example")
    run.add_argument("--report", help="write every outcome as JSON here")
    run.add_argument("--quiet", action="store_true")
    worker = sub.add_parser("worker")
    worker.add_argument("seeds")
    for name in ("check", "script", "describe"):
        one = sub.add_parser(name, help=f"{name} the example of one seed")
        one.add_argument("seed", type=int)
    args = parser.parse_args(argv)
    if args.command == "run":
        return _run(args)
    if args.command == "worker":
        _worker([int(s) for s in args.seeds.split(",") if s])
        return 0
    spec = random_spec(args.seed)
    if args.command == "script":
        print(script(spec), end="")
    elif args.command == "describe":
        print(describe(spec))
        print(source(spec))
    else:
        print(describe(spec))
        print(source(spec))
        outcome = check(spec)
        print(json.dumps(outcome, indent=1, default=str))
        return 0 if outcome["status"] in ("converted", "refused") else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
