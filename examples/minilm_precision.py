"""Which tensors of all-MiniLM-L6-v2 need more than 8 bits: a fake-quant study, no conversion.

Flax method interception fake-quantizes the input and output of every Dense and LayerNorm of
`examples/minilm.py` (per-tensor asymmetric int8, ranges averaged over the calibration batches as
shloq's default; weights per-channel symmetric int8), then gives chosen tensors 16 bits
(symmetric, as LiteRT's 16x8 mode) and prints the held-out cosine against float. LayerNorm
inputs are the residual sums, Dense inputs include the GELU outputs. This is the evidence behind
the README's MiniLM status: the FFN output and the residual stream carry activations up to ~220,
so int8 everywhere gives 0.85 (shloq's converted model: 0.82). 16 bits on the FFN outputs alone
give 0.91, with the residual sums 0.985, with the layer norms' inputs and outputs 0.990: a mixed
int8/16x8 model that LiteRT's converter (0.5.0) cannot emit yet (see the README's 16x8 limits).

    python examples/minilm_precision.py
"""
from __future__ import annotations

import re

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

import minilm

FFN_OUTPUT = r"^layer_\d/output\[dense\]/out"   # tensor names: module path, [kind], in/out
WIDE_CHOICES = {
    "int8 everywhere": (),
    "int16: FFN outputs": (FFN_OUTPUT,),
    "int16: residual sums and FFN outputs": (r"\[norm\]/in", FFN_OUTPUT),
    "int16: layer norms (in and out) and FFN outputs": (r"\[norm\]", FFN_OUTPUT),
    "int16 everywhere": ("",),
}


def _is_wide(name: str, wide) -> bool:
    return any(re.search(pattern, name) for pattern in wide)


def _fake_quant(x, lo, hi, wide: bool):
    if wide:
        scale = max(abs(lo), abs(hi), 1e-8) / 32767.0
        return jnp.clip(jnp.round(x / scale), -32768, 32767) * scale
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = max(hi - lo, 1e-8) / 255.0
    zero_point = np.round(-128 - lo / scale)
    return (jnp.clip(jnp.round(x / scale) + zero_point, -128, 127) - zero_point) * scale


def _int8_weights(variables):
    def per_channel(path, w):
        if path[-1].key != "kernel":
            return w
        scale = jnp.maximum(jnp.max(jnp.abs(w), axis=0, keepdims=True), 1e-12) / 127.0
        return jnp.clip(jnp.round(w / scale), -127, 127) * scale
    return jax.tree_util.tree_map_with_path(per_channel, variables)


class Study:
    """Records per-tensor ranges in calibration mode; fake-quantizes with them afterwards."""

    def __init__(self):
        self.ranges: dict[str, list[float]] = {}
        self.wide = None          # None: calibrating

    def _site(self, name, x):
        if self.wide is None:
            lo, hi = float(jnp.min(x)), float(jnp.max(x))
            entry = self.ranges.setdefault(name, [0.0, 0.0, 0])
            entry[0] += lo
            entry[1] += hi
            entry[2] += 1
            return x
        lo, hi, n = self.ranges[name]
        return _fake_quant(x, lo / n, hi / n, _is_wide(name, self.wide))

    def interceptor(self, next_fun, args, kwargs, context):
        module = context.module
        if context.method_name != "__call__" or not isinstance(module, (nn.Dense, nn.LayerNorm)):
            return next_fun(*args, **kwargs)
        kind = "norm" if isinstance(module, nn.LayerNorm) else "dense"
        name = "/".join(module.path) + f"[{kind}]"
        args = (self._site(f"{name}/in", args[0]),) + tuple(args[1:])
        return self._site(f"{name}/out", next_fun(*args, **kwargs))

    def embeddings(self, variables, ids, mask):
        with nn.intercept_methods(self.interceptor):
            return np.asarray(minilm.MiniLM().apply(variables, ids, mask))


def main() -> None:
    variables = minilm.load_params()
    study = Study()
    for ids, mask, _ in minilm.batches(minilm.read_sentences("calibration"), 8):
        study.embeddings(variables, ids, mask)
    held_out = list(minilm.batches(minilm.read_sentences("held_out"), 8))
    reference = np.concatenate([np.asarray(minilm.apply(variables, ids, mask))[:n] for ids, mask, n in held_out])
    quantized_weights = _int8_weights(variables)
    widest = sorted(study.ranges.items(), key=lambda kv: -max(abs(kv[1][0]), abs(kv[1][1])) / kv[1][2])[:4]
    print("widest ranges:", ", ".join(f"{k} [{lo / n:.0f}, {hi / n:.0f}]" for k, (lo, hi, n) in widest))
    for label, wide in WIDE_CHOICES.items():
        study.wide = wide
        out = np.concatenate([study.embeddings(quantized_weights, ids, mask)[:n] for ids, mask, n in held_out])
        cosine = np.sum(out * reference, axis=-1) / (np.linalg.norm(out, axis=-1) * np.linalg.norm(reference, axis=-1))
        print(f"{label:<50} cosine vs float: mean {cosine.mean():.4f}, min {cosine.min():.4f}")


if __name__ == "__main__":
    main()
