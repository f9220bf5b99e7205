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
