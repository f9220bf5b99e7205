"""Attention masks: however the mask is spelled, the masked softmax keeps the real scores' range."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq
from conftest import sqnr_db, within_steps
from shloq import litert

S, D = 12, 16


def _params(rng):
    def normal(*shape, scale):
        return (rng.normal(size=shape) * scale).astype(np.float32)
    return {"wq": normal(D, D, scale=0.3), "wk": normal(D, D, scale=0.3), "wv": normal(D, D, scale=0.3),
            "wo": normal(D, D, scale=0.3)}


def _attention(fill):
    """One causal attention head; `fill` says how the masked scores are written."""
    causal = np.tril(np.ones((S, S), bool))

    def f(p, x, key_mask):
        scores = (x @ p["wq"]) @ (x @ p["wk"]).transpose(0, 2, 1) / np.sqrt(D)
        if fill == "additive":   # BERT style: (1 - mask) * -1e4, the mask a model input
            scores = scores + (1.0 - key_mask[:, None, :]) * -10000.0
        else:
            scores = jnp.where(causal, scores, fill)
        return jax.nn.softmax(scores, axis=-1) @ (x @ p["wv"]) @ p["wo"]

    return f


def _inputs(rng, n):
    x = [rng.normal(size=(2, S, D)).astype(np.float32) for _ in range(n)]
    masks = [(np.arange(S)[None, :] < rng.integers(4, S + 1, size=(2, 1))).astype(np.float32) for _ in range(n)]
    return list(zip(x, masks))


@pytest.mark.parametrize("fill", [-np.inf, -1e9, -1e4, float(np.finfo(np.float32).min), "additive"])
def test_masked_softmax_keeps_accuracy(fill):
    rng = np.random.default_rng(0)
    params, f = _params(rng), _attention(fill)
    calibration, tests = _inputs(rng, 16), _inputs(rng, 8)
    exported = jax.export.export(jax.jit(f))(params, *calibration[0])
    rules = [shloq.QuantizationRule()]
    stats = shloq.calibrate(exported, rules, params, calibration, progress=False)
    model = shloq.convert(exported, rules, params, stats, strict=True)
    assert litert.float_ops(model.op_table()) == []
    reference = np.concatenate([np.asarray(f(params, *t)) for t in tests])
    lite = np.concatenate([model(*t) for t in tests])
    emulated = np.concatenate([model.emulate(*t) for t in tests])
    print(f"fill {fill}: SQNR {sqnr_db(reference, lite):.1f} dB; LiteRT vs emulate "
          f"{within_steps(lite, emulated, model.output_steps[0]):.4f} within one step")
    assert sqnr_db(reference, lite) >= 20.0
    assert within_steps(lite, emulated, model.output_steps[0]) >= 0.99


def _library_attention(style):
    """A library's attention layer under its own padding mask, `make_attention_mask(m, m)`: padded
    queries see every key masked (a row of finfo.min, constant)."""
    if style == "nnx":
        from flax import nnx
        layer = nnx.MultiHeadAttention(num_heads=2, in_features=D, decode=False, rngs=nnx.Rngs(0))
        graphdef, params = nnx.split(layer)
        return params, lambda p, x, m: nnx.merge(graphdef, p)(x, mask=nnx.make_attention_mask(m, m))
    import flax.linen as nn
    layer = nn.MultiHeadDotProductAttention(num_heads=2)
    x0 = np.zeros((2, S, D), np.float32)
    params = layer.init(jax.random.PRNGKey(0), x0, x0)
    return params, lambda p, x, m: layer.apply(p, x, x, mask=nn.make_attention_mask(m, m))


@pytest.mark.parametrize("style", ["nnx", "linen"])
def test_padded_queries_leave_the_real_scores_their_range(style):
    """A fully masked row's maximum is the fill; as the softmax floor it made the scores' grid
    span ~1e38 (NNX: 8.4 dB on the real tokens). Constant rows give no floor."""
    rng = np.random.default_rng(1)
    params, f = _library_attention(style)
    calibration, tests = ([(x, m.astype(np.int32)) for x, m in _inputs(rng, n)] for n in (8, 4))
    exported = jax.export.export(jax.jit(f))(params, *calibration[0])
    rules = [shloq.QuantizationRule()]
    stats = shloq.calibrate(exported, rules, params, calibration, progress=False)
    model = shloq.convert(exported, rules, params, stats, strict=True)
    assert litert.float_ops(model.op_table()) == []
    real = np.concatenate([m for _, m in tests]) == 1
    reference = np.concatenate([np.asarray(f(params, *t)) for t in tests])[real]
    lite = np.concatenate([model(*t) for t in tests])
    print(f"{style}: SQNR on real tokens {sqnr_db(reference, lite[real]):.1f} dB")
    assert sqnr_db(reference, lite[real]) >= 20.0
    emulated = np.concatenate([model.emulate(*t) for t in tests])
    assert within_steps(lite, emulated, model.output_steps[0]) >= 0.99
