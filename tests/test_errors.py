"""Errors a user can cause: each a ShloqError subclass naming the problem, op and source line."""
import os
import re
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


SIN_LINE = sin_model.__code__.co_firstlineno + 2


def _export(f, params, shape=(2, 4)):
    return jax.export.export(jax.jit(f))(params, np.zeros(shape, np.float32))


def test_strict_mode_names_op_and_source_line():
    exported = _export(sin_model, {"w": W})
    with pytest.raises(shloq.UnsupportedOpError) as err:
        shloq.calibrate(exported, RULES, {"w": W}, [(np.ones((2, 4), np.float32),)], progress=False)
        shloq.convert(exported, RULES, {"w": W}, shloq.Stats({}, "minmax", 0), strict=True)
    assert err.value.ops[0][0] == "stablehlo.sine"
    assert f"test_errors.py:{SIN_LINE}" in str(err.value)


def test_non_strict_warns_and_converts():
    exported = _export(sin_model, {"w": W})
    batches = [(np.random.default_rng(0).normal(size=(2, 4)).astype(np.float32),)]
    stats = shloq.calibrate(exported, RULES, {"w": W}, batches, progress=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = shloq.convert(exported, RULES, {"w": W}, stats, strict=False)
    assert any("stablehlo.sine" in str(w.message) and f"test_errors.py:{SIN_LINE}" in str(w.message) for w in caught)
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


# ---- errors that used to escape ShloqError, and the files and commands around them ---------------

def dense_relu(params, x):
    return jax.nn.relu(x @ params["w"])


def two_dense(params, x):
    h = jax.nn.relu(x @ params["w"])  # the first layer, targeted by its source line below
    return h @ params["v"]


FIRST_LAYER_LINE = two_dense.__code__.co_firstlineno + 1
X = np.random.default_rng(1).normal(size=(2, 4)).astype(np.float32)


@pytest.fixture(scope="module")
def dense():
    """A converted dense+ReLU model and the files the commands read (written once)."""
    exported = _export(dense_relu, {"w": W})
    stats = shloq.calibrate(exported, RULES, {"w": W}, [(X,)], progress=False)
    return exported, stats, shloq.convert(exported, RULES, {"w": W}, stats)


def _run(*args, cwd=None):
    """A shloq command in a subprocess: (exit code, stdout, stderr)."""
    run = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                         env={**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.abspath(__file__)))})
    return run.returncode, run.stdout, run.stderr


ABSL_LINE = re.compile(r"absl::InitializeLog|oneDNN|^[IWE]\d{4} ", re.M)


def _assert_clean_failure(code, stderr, message):
    assert code == 1, stderr
    assert message in stderr and "Traceback" not in stderr, stderr
    assert not ABSL_LINE.search(stderr), stderr  # converting logged none either


@pytest.mark.parametrize("run", ["__call__", "emulate"])
def test_wrong_batch_size_names_the_expected_shape(dense, run):
    _, _, model = dense
    with pytest.raises(shloq.InputError, match=r"input 'x' is float32\[3, 4\]; the model was exported for "
                                               r"float32\[2, 4\]"):
        getattr(model, run)(np.ones((3, 4), np.float32))
    with pytest.raises(shloq.InputError, match=r"input 'x' is int32\[2, 4\]"):
        getattr(model, run)(np.ones((2, 4), np.int32))


def test_float64_inputs_are_narrowed_as_jax_does(dense):
    """jax (x64 off) computes a float64 array as float32: so do `model(x)` and `emulate`, alike."""
    _, _, model = dense
    x64 = X.astype(np.float64)
    np.testing.assert_array_equal(model(x64), model(X))
    np.testing.assert_array_equal(model.emulate(x64), model.emulate(X))
    assert model(x64).dtype == np.float32


def test_weight_only_rules_need_no_stats(dense):
    exported, _, model = dense
    weight_only = shloq.convert(exported, [shloq.QuantizationRule(act_qtype=None)], {"w": W}, None)
    assert "int8" in {t for op in weight_only.op_table() for t in op["inputs"]}
    np.testing.assert_allclose(weight_only(X), dense_relu({"w": W}, X), atol=0.05)
    with pytest.raises(shloq.InputError, match=r"stats=None, but the rules quantize activations \(2 site\(s\), the "
                                               r"first at x\): calibrate"):
        shloq.convert(exported, RULES, {"w": W}, None)


def test_a_single_rule_stands_for_a_list(dense):
    exported, stats, model = dense
    rule = shloq.QuantizationRule()
    assert shloq.calibrate(exported, rule, {"w": W}, [(X,)], progress=False).sites == stats.sites
    assert shloq.convert(exported, rule, {"w": W}, stats).tflite == model.tflite
    with pytest.raises(shloq.InputError, match="a shloq.QuantizationRule or a non-empty list"):
        shloq.convert(exported, "int8", {"w": W}, stats)


def test_stats_load_of_missing_or_foreign_file(tmp_path):
    with pytest.raises(shloq.InputError, match=r"cannot read stats from .*missing\.json: No such file"):
        shloq.Stats.load(tmp_path / "missing.json")
    (tmp_path / "other.json").write_text('{"hello": 1}')
    with pytest.raises(shloq.InputError, match=r"other\.json holds no shloq stats"):
        shloq.Stats.load(tmp_path / "other.json")


def test_jax_portable_artifact_as_mlir_file(dense, tmp_path):
    """`Exported.mlir_module_serialized` written to a `.mlir` file (jax's portable artifact) reads
    through the API, params bound by argument name, and through shloq-opt."""
    exported, _, model = dense
    path = tmp_path / "model.mlir"
    path.write_bytes(exported.mlir_module_serialized)
    params = {"params['w']": W}
    stats = shloq.calibrate(str(path), RULES, params, [(X,)], progress=False)
    from_file = shloq.convert(str(path), RULES, params, stats)
    np.testing.assert_array_equal(from_file(X), model(X))
    code, out, err = _run("-m", "shloq.opt", "-p", "shloq-inline,shloq-mark-sites", str(path))
    assert code == 0, err
    assert "func.func public @main" in out and "@shloq.site" in out


def test_rules_target_ops_by_source_file_and_line(dense):
    """op_path also sees `file.py:line:col`: a rule on the first layer's line keeps just it float."""
    params = {"w": W, "v": np.ones((3, 2), np.float32)}
    exported = _export(two_dense, params)
    rules = [shloq.QuantizationRule(op_path=rf"test_errors\.py:{FIRST_LAYER_LINE}:", weight_qtype=None,
                                    act_qtype=None), shloq.QuantizationRule()]
    stats = shloq.calibrate(exported, rules, params, [(X,)], progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", shloq.ShloqWarning)  # both rules apply to some op
        table = shloq.convert(exported, rules, params, stats).op_table()
    dense_ops = [op for op in table if op["op"] == "FULLY_CONNECTED"]
    assert [op["inputs"][1] for op in dense_ops] == ["float32", "int8"], table
    whole_file = [shloq.QuantizationRule(op_path=r"test_errors\.py", weight_qtype=None, act_qtype=None)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", shloq.ShloqWarning)
        assert shloq.calibrate(exported, whole_file, params, [(X,)], progress=False).sites == {}


def test_written_files_get_the_umask_mode(dense, tmp_path):
    """.tflite, stats, report HTML and shloq-opt -o are created as open() would: 0666 less the umask
    (umask 022 -> 0644), not mkstemp's 0600; a file written over keeps its mode."""
    _, stats, model = dense
    old = os.umask(0o022)
    try:
        model.export(tmp_path / "m.tflite")
        stats.save(tmp_path / "stats.json")
        model.report(X).to_html(tmp_path / "report.html")
        module = tmp_path / "in.mlir"
        module.write_text("func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {\n"
                          "  %0 = stablehlo.negate %x : tensor<2xf32>\n  return %0 : tensor<2xf32>\n}\n")
        code, _, err = _run("-m", "shloq.opt", "-p", "shloq-inline", "-o", str(tmp_path / "out.mlir"), str(module))
        assert code == 0, err
        for name in ("m.tflite", "stats.json", "report.html", "out.mlir"):
            assert oct(os.stat(tmp_path / name).st_mode & 0o777) == oct(0o644), name
        os.chmod(tmp_path / "m.tflite", 0o600)
        model.export(tmp_path / "m.tflite")
        assert os.stat(tmp_path / "m.tflite").st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def test_shloq_opt_file_errors_are_clean(tmp_path):
    """Missing quantize{file=} stats, an -o in a missing directory, and a failing run with -o: a
    message, exit 1, no traceback, and no output file."""
    module = tmp_path / "in.mlir"
    module.write_text("func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {\n"
                      "  %0 = stablehlo.sine %x : tensor<2xf32>\n  return %0 : tensor<2xf32>\n}\n")
    missing = tmp_path / "missing.json"
    code, _, err = _run("-m", "shloq.opt", "-p", f"shloq-quantize{{file={missing}}}", str(module))
    _assert_clean_failure(code, err, f"cannot read stats from {missing}: No such file or directory")
    code, _, err = _run("-m", "shloq.opt", "-p", "shloq-inline", "-o", "/no/such/dir/x", str(module))
    _assert_clean_failure(code, err, "cannot write /no/such/dir/x: No such file or directory")
    out = tmp_path / "out.mlir"
    code, _, err = _run("-m", "shloq.opt", "-p", "shloq-mark-sites", "-o", str(out), str(module))
    _assert_clean_failure(code, err, "in.mlir:2:8: error: 'stablehlo.sine' is not in shloq's op catalogue")
    assert sorted(os.listdir(tmp_path)) == ["in.mlir"]


@pytest.fixture(scope="module")
def report_files(dense, tmp_path_factory):
    exported, stats, _ = dense
    folder = tmp_path_factory.mktemp("report")
    (folder / "f.jax").write_bytes(exported.serialize())
    stats.save(folder / "stats.json")
    np.savez(folder / "p.npz", **{"['w']": W})
    np.savez(folder / "x.npz", x=X)
    np.savez(folder / "x_batch3.npz", x=np.ones((3, 4), np.float32))
    np.savez(folder / "x_int.npz", x=np.ones((2, 4), np.int32))
    return folder


@pytest.mark.parametrize("inputs, message", [
    ("x_batch3.npz", "input 'x' is float32[3, 4]; the model was exported for float32[2, 4]"),
    ("x_int.npz", "input 'x' is int32[2, 4]; the model was exported for float32[2, 4]"),
])
def test_report_command_with_inputs_that_do_not_fit(report_files, inputs, message):
    code, _, err = _run("-m", "shloq.cli", "report", "f.jax", "--stats", "stats.json", "--params", "p.npz",
                        "--inputs", inputs, cwd=report_files)
    _assert_clean_failure(code, err, message)


def test_report_command_without_params_says_so(report_files):
    code, _, err = _run("-m", "shloq.cli", "report", "f.jax", "--stats", "stats.json", "--inputs", "x.npz",
                        cwd=report_files)
    _assert_clean_failure(code, err, "f.jax takes 2 input array(s) (params['w'], x) and x.npz holds 1: the params "
                                     "are missing, give them with --params")
    assert "another model" not in err


def test_version_and_quiet_commands():
    code, out, err = _run("-m", "shloq.cli", "--version")
    assert code == 0 and out.strip() == f"shloq {shloq.__version__}"
    assert err == "", err  # no absl/oneDNN log lines (ABSL_LINE)
    code, out, err = _run("-m", "shloq.opt", "--list-passes")
    assert code == 0 and "shloq-inline" in out and err == "", err


def test_calibration_progress_shows_the_total(dense, capsys):
    exported, _, _ = dense
    shloq.calibrate(exported, RULES, {"w": W}, [(X,), (X,), (X,)], progress=True)
    assert "3/3" in capsys.readouterr().err
