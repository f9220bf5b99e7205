"""Errors a user can cause: each a ShloqError subclass naming the problem, op and source line."""
import os
import subprocess
import sys
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq

RULES = [shloq.QuantizationRule()]
W = np.ones((4, 3), np.float32)


def sin_model(params, x):
    h = x @ params["w"]
    return jnp.sin(h)  # the line the error must name


def _export(f, params, shape=(2, 4)):
    return jax.export.export(jax.jit(f))(params, np.zeros(shape, np.float32))


def test_strict_mode_names_op_and_source_line():
    exported = _export(sin_model, {"w": W})
    with pytest.raises(shloq.UnsupportedOpError) as err:
        shloq.calibrate(exported, RULES, {"w": W}, [(np.ones((2, 4), np.float32),)], progress=False)
        shloq.convert(exported, RULES, {"w": W}, shloq.Stats({}, "minmax", 0), strict=True)
    assert err.value.ops[0][0] == "stablehlo.sine"
    assert "test_errors.py:20" in str(err.value)


def test_non_strict_warns_and_converts():
    exported = _export(sin_model, {"w": W})
    batches = [(np.random.default_rng(0).normal(size=(2, 4)).astype(np.float32),)]
    stats = shloq.calibrate(exported, RULES, {"w": W}, batches, progress=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = shloq.convert(exported, RULES, {"w": W}, stats, strict=False)
    assert any("stablehlo.sine" in str(w.message) and "test_errors.py:20" in str(w.message) for w in caught)
    np.testing.assert_allclose(model(batches[0][0]), sin_model({"w": W}, batches[0][0]), atol=0.1)


@pytest.mark.parametrize("params, message", [
    ({}, "missing ['w']"),
    ({"w": W, "extra": W}, "unexpected ['extra']"),
    ({"w": np.ones((4, 4), np.float32)}, "params['w'] is float32[4, 4]"),
    ({"w": np.full((4, 3), np.nan, np.float32)}, "NaN or Inf"),
])
def test_params_that_do_not_fit(params, message):
    exported = _export(lambda p, x: x @ p["w"], {"w": W})
    with pytest.raises(shloq.InputError) as err:
        shloq.calibrate(exported, RULES, params, [(np.ones((2, 4), np.float32),)], progress=False)
    assert message in str(err.value)


@pytest.mark.parametrize("batches, message", [
    ([], "calibration data is empty"),
    ([(np.ones((2, 5), np.float32),)], "input 'x' is float32[2, 5]"),
    ([(np.ones((2, 4), np.float32), np.ones(3))], "has 2 input(s)"),
    ([(np.ones((2, 4), np.int32),)], "input 'x' is int32[2, 4]"),
    ([(np.full((2, 4), np.inf, np.float32),)], "non-finite"),
])
def test_bad_calibration_batches(batches, message):
    exported = _export(lambda p, x: x @ p["w"], {"w": W})
    with pytest.raises(shloq.CalibrationError) as err:
        shloq.calibrate(exported, RULES, {"w": W}, batches, progress=False)
    assert message in str(err.value)


def test_invalid_rule_regex():
    with pytest.raises(shloq.InputError, match="not a valid regex"):
        shloq.QuantizationRule(op_path="(")


def test_stats_from_another_model_are_refused():
    a = _export(lambda p, x: x @ p["w"], {"w": W})
    b = _export(lambda p, x: jax.nn.relu(x @ p["w"]) + 1.0 * (x @ p["w"]), {"w": W})
    stats = shloq.calibrate(a, RULES, {"w": W}, [(np.ones((2, 4), np.float32),)], progress=False)
    with pytest.raises(shloq.InputError, match="another model"):
        shloq.convert(b, RULES, {"w": W}, stats)


def test_export_to_unwritable_path_leaves_nothing(tmp_path):
    exported = _export(lambda p, x: jax.nn.relu(x @ p["w"]), {"w": W})
    stats = shloq.calibrate(exported, RULES, {"w": W}, [(np.ones((2, 4), np.float32),)], progress=False)
    model = shloq.convert(exported, RULES, {"w": W}, stats)
    with pytest.raises(shloq.InputError, match="cannot write"):
        model.export(tmp_path / "missing-dir" / "m.tflite")
    target = tmp_path / "m.tflite"
    target.write_bytes(b"old")
    model.export(target)
    assert target.read_bytes() == model.tflite and sorted(os.listdir(tmp_path)) == ["m.tflite"]


def test_malformed_mlir_api_and_tool(tmp_path):
    bad = tmp_path / "bad.mlir"
    bad.write_text("func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {\n  %0 = stablehlo.bogus %x\n}\n")
    with pytest.raises(shloq.ModuleParseError, match=r"bad.mlir:2:\d+"):
        shloq.calibrate(str(bad), RULES, None, [], progress=False)
    run = subprocess.run([sys.executable, "-m", "shloq.opt", "-p", "shloq-inline", str(bad)], capture_output=True,
                         text=True)
    assert run.returncode == 1
    assert "bad.mlir:2:" in run.stderr and "Traceback" not in run.stderr
