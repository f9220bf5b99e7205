"""Reliability: unusual models either convert or are refused clearly; artifacts are reproducible."""
import subprocess
import sys
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq
from shloq import litert

RULES = [shloq.QuantizationRule()]
RNG = np.random.default_rng(0)
W = RNG.normal(size=(4, 3)).astype(np.float32)
X = RNG.normal(size=(2, 4)).astype(np.float32)
BATCHES = [(RNG.normal(size=X.shape).astype(np.float32),) for _ in range(3)]


def _quantize(f, params, batches=BATCHES, **kwargs):
    exported = jax.export.export(jax.jit(f))(params, *batches[0])
    stats = shloq.calibrate(exported, RULES, params, batches, progress=False)
    return shloq.convert(exported, RULES, params, stats, **kwargs)


def test_several_results_and_pytree_outputs():
    def f(p, x):
        h = jax.nn.relu(x @ p["w"])
        return {"hidden": h, "pair": (h.mean(axis=1), jax.nn.softmax(h))}

    model = _quantize(f, {"w": W})
    out, emulated = model(X), model.emulate(X)
    assert set(out) == {"hidden", "pair"} and len(out["pair"]) == 2
    reference = f({"w": W}, X)
    for got, want, step in zip(jax.tree_util.tree_leaves(out), jax.tree_util.tree_leaves(reference),
                               model.output_steps):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, atol=4 * step)
    for got, emu in zip(jax.tree_util.tree_leaves(out), jax.tree_util.tree_leaves(emulated)):
        np.testing.assert_array_equal(got.shape, emu.shape)


def test_constant_activation_still_converts_with_a_valid_scale():
    model = _quantize(lambda p, x: jax.nn.relu(x @ p["w"] - 100.0), {"w": W})  # always zero: range [0, 0]
    assert litert.float_ops(model.op_table()) == []
    np.testing.assert_array_equal(model(X), np.zeros((2, 3), np.float32))
    assert all(step and np.isfinite(step) and step > 0 for step in model.output_steps)


@pytest.mark.parametrize("dtype", [jnp.bfloat16, jnp.float16])
def test_half_precision_models_are_refused_clearly(dtype):
    params = {"w": W.astype(dtype)}
    batches = [(b.astype(dtype),) for (b,) in BATCHES]
    with pytest.raises(shloq.InputError, match=f"{jnp.dtype(dtype).name}.*float32"):
        _quantize(lambda p, x: jax.nn.relu(x @ p["w"]), params, batches)


def test_float64_models_are_refused_clearly():
    with jax.enable_x64(True):
        params = {"w": W.astype(np.float64)}
        exported = jax.export.export(jax.jit(lambda p, x: jax.nn.relu(x @ p["w"])))(params, X.astype(np.float64))
    with pytest.raises(shloq.InputError, match="float64.*float32"):
        shloq.calibrate(exported, RULES, params, [(X.astype(np.float64),)], progress=False)


def test_symbolic_batch_dimension_is_refused_clearly():
    shape = jax.export.symbolic_shape("b, 4")
    exported = jax.export.export(jax.jit(lambda p, x: x @ p["w"]))(
        {"w": W}, jax.ShapeDtypeStruct(shape, np.float32))
    with pytest.raises(shloq.InputError, match="symbolic"):
        shloq.calibrate(exported, RULES, {"w": W}, BATCHES, progress=False)


def test_rules_that_match_nothing_or_are_shadowed_warn():
    rules = [shloq.QuantizationRule(op_path="dot_general"), shloq.QuantizationRule(op_path="dot_general"),
             shloq.QuantizationRule(op_path="no-such-layer")]
    exported = jax.export.export(jax.jit(lambda p, x: x @ p["w"]))({"w": W}, X)
    stats = shloq.calibrate(exported, rules, {"w": W}, BATCHES, progress=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        shloq.convert(exported, rules, {"w": W}, stats)
    messages = [str(w.message) for w in caught if issubclass(w.category, shloq.ShloqWarning)]
    assert any("rule 2 (op_path='dot_general') never applies: rule 1 matches the same ops first" in m
               for m in messages), messages
    assert any("rule 3 (op_path='no-such-layer') matches no op" in m for m in messages), messages


REPRODUCE = r"""
import hashlib, os, sys
sys.path.insert(0, os.path.abspath("tests"))
import shloq
from zoo import build
f, params, exported, calibration, tests = build("convnet")
rules = [shloq.QuantizationRule()]
for _ in range(2):  # two runs in this process
    model = shloq.convert(exported, rules, params, shloq.calibrate(exported, rules, params, calibration,
                                                                     progress=False))
    print(hashlib.sha256(model.tflite).hexdigest(), hashlib.sha256(model.stablehlo.encode()).hexdigest())
"""


def test_artifacts_are_byte_identical_across_runs_and_processes():
    """The same export (same code path, so the same source locations) gives the same bytes."""
    runs = [subprocess.run([sys.executable, "-c", REPRODUCE], capture_output=True, text=True, timeout=300)
            for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr[-2000:]
    digests = [line for r in runs for line in r.stdout.strip().splitlines()[-2:]]
    assert len(digests) == 4 and len(set(digests)) == 1, digests


def test_splat_bias_is_right_in_litert():
    """Fuzz seed 270's family (scripts/fuzz_repros/fixed/splat_bias_wrong_in_litert.py): a bias with one
    value in every channel was quantized by the converter with channel 0's scale only."""
    rng = np.random.default_rng(0)
    params = {"w": rng.normal(size=(4, 4)).astype(np.float32), "b": np.full(4, 3.0, np.float32)}
    batches = [((rng.normal(size=(2, 4)) * 0.3).astype(np.float32),) for _ in range(3)]
    exported = jax.export.export(jax.jit(lambda p, x: x @ p["w"] + p["b"]))(params, batches[0][0])
    rules = [shloq.QuantizationRule()]
    stats = shloq.calibrate(exported, rules, params, batches, progress=False)
    model = shloq.convert(exported, rules, params, stats, strict=True)
    x = batches[0][0]
    np.testing.assert_allclose(model(x), np.asarray(model.emulate(x)), atol=model.output_steps[0] * 1.001)
    np.testing.assert_allclose(model(x), x @ params["w"] + params["b"], atol=0.25)
