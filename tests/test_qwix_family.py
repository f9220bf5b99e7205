"""The model families of Qwix's ODML tests (tests/qwix_family_zoo.py): each converts full-integer
close to float, or is refused with a ShloqError naming the op; random ops never crash the process;
a contraction the converter miscompiles is refused, never shipped."""
import os
import pathlib
import subprocess
import sys
import textwrap
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq
from shloq import api
from tests.conftest import sqnr_db
from tests.qwix_family_zoo import MODELS

RULES = [shloq.QuantizationRule()]
ROOT = pathlib.Path(__file__).resolve().parent.parent


def _quantize(model, check=True):
    rng = np.random.default_rng(0)
    batches = [model.inputs(rng) for _ in range(2)]
    exported = jax.export.export(jax.jit(model.apply))(model.params, *batches[0])
    stats = shloq.calibrate(exported, RULES, model.params, batches, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", shloq.ShloqWarning)
        return shloq.convert(exported, RULES, model.params, stats, check=check), batches


# CI runs one model per concern (Linen, NNX, RNG constants with pytree outputs, a refusal, the
# miscompiled contraction); the rest of the zoo runs with `-m slow`.
CI_MODELS = ("linen_mlp", "nnx_mlp", "vae", "dropout_key_input", "einsum_permuted")


@pytest.mark.parametrize("name", [name if name in CI_MODELS else pytest.param(name, marks=pytest.mark.slow)
                                  for name in sorted(MODELS)])
def test_family_converts_or_is_refused_by_name(name):
    model = MODELS[name]()
    try:
        converted, batches = _quantize(model)
    except shloq.ShloqError as err:
        assert model.expect == "refuse", f"{name} was refused: {err}"
        assert model.refused_op in str(err), err
        return
    assert model.expect == "convert", f"{name} converted, but must be refused"
    ops = {op["op"] for op in converted.op_table()}
    assert ops - {"QUANTIZE", "DEQUANTIZE"}, ops
    for entry in converted.op_table():  # full integer: float only at the entry and exit
        if entry["op"] not in ("QUANTIZE", "DEQUANTIZE"):
            assert "float32" not in entry["inputs"] + entry["outputs"], entry
    x = batches[1]
    reference = jax.tree_util.tree_leaves(model.apply(model.params, *x))
    got = jax.tree_util.tree_leaves(converted(*x))
    assert jax.tree_util.tree_structure(converted(*x)) == jax.tree_util.tree_structure(model.apply(model.params, *x))
    for ref, out in zip(reference, got):
        assert sqnr_db(ref, out) > 12, (name, sqnr_db(ref, out))


def test_miscompiled_contraction_is_refused_naming_it(monkeypatch):
    """A converter that ships wrong weights (simulated: the .tflite of the same MLP, on the same
    grids, with its first and last kernels negated) is caught by convert's check, which names the
    first diverging dense."""
    model = MODELS["linen_mlp"]()
    rng = np.random.default_rng(0)
    batches = [model.inputs(rng) for _ in range(2)]
    exported = jax.export.export(jax.jit(model.apply))(model.params, *batches[0])
    stats = shloq.calibrate(exported, RULES, model.params, batches, progress=False)
    wrong = jax.tree_util.tree_map(lambda v: v, model.params)
    for name in ("Dense_0", "Dense_2"):
        wrong["params"][name] = jax.tree_util.tree_map(lambda v: -v, wrong["params"][name])
    miscompiled = shloq.convert(exported, RULES, wrong, stats, check=False).tflite
    monkeypatch.setattr(api.litert, "to_tflite", lambda *args, **kwargs: miscompiled)
    with pytest.raises(shloq.ConversionError, match=r"further from float than its quantization explains.*simulated; the first tensor that parts is the dense output at "
                                                      r"jit\(<lambda>\)/_LinenMLP/"):
        shloq.convert(exported, RULES, model.params, stats)
    shloq.convert(exported, RULES, model.params, stats, check=False)  # without the check it would ship


def _flip_and_loop(p, x):
    """A reverse and a loop over activations: ops shloq leaves float, which must still calibrate."""
    h = jnp.flip(x @ p["w"], axis=-1)
    return jax.lax.fori_loop(0, 3, lambda i, c: jnp.tanh(c) + h, h)


def test_float_ops_calibrate_and_refusals_name_them():
    p = {"w": np.random.default_rng(1).normal(size=(8, 8)).astype(np.float32)}
    x = np.random.default_rng(2).normal(size=(4, 8)).astype(np.float32)
    exported = jax.export.export(jax.jit(_flip_and_loop))(p, x)
    stats = shloq.calibrate(exported, RULES, p, [(x,)], progress=False)
    assert stats.sites
    with pytest.raises(shloq.UnsupportedOpError, match="stablehlo.while"):
        shloq.convert(exported, RULES, p, stats)
    # An op the interpreter cannot run is refused by calibrate without pointing at a strict flag it lacks.
    sorted_exported = jax.export.export(jax.jit(lambda p, x: jnp.sort(x @ p["w"], axis=-1)))(p, x)
    with pytest.raises(shloq.UnsupportedOpError, match="stablehlo.sort") as err:
        shloq.calibrate(sorted_exported, RULES, p, [(x,)], progress=False)
    assert "strict" not in str(err.value)


_REPEAT = textwrap.dedent("""
    import gc, sys, warnings
    import jax, numpy as np, shloq
    from shloq import api, passes
    from shloq.passes.inline import InlinePass
    from tests.qwix_family_zoo import MODELS, RNG_MODELS
    warnings.simplefilter("ignore")
    runs, whole = int(sys.argv[1]), sys.argv[2] == "whole"
    rules = [shloq.QuantizationRule()]
    for name in RNG_MODELS:
        model = MODELS[name]()
        x = model.inputs(np.random.default_rng(0))
        exported = jax.export.export(jax.jit(model.apply))(model.params, *x)
        source = api.load(exported, model.params)
        for _ in range(runs):
            if whole:
                shloq.convert(exported, rules, model.params, shloq.calibrate(exported, rules, model.params, [x],
                                                                             progress=False))
            else:  # the pass that freed the loops' operands, verified, then collection
                passes.run_pipeline(api.parse_float32(source), [InlinePass()])
            gc.collect()
    print("survived")
""")


def _survives(runs: int, whole: bool, env: dict):
    """In a child process, so that a segfault or heap abort fails the test instead of killing pytest."""
    result = subprocess.run([sys.executable, "-c", _REPEAT, str(runs), "whole" if whole else "inline"], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                            timeout=1800)
    assert result.returncode == 0 and "survived" in result.stdout, (result.returncode, result.stderr[-3000:])


def test_random_ops_never_crash():
    """20 inlinings of each RNG model, verified and collected, with glibc and Python checking the
    heap: where the crash was (the whole conversion of these models runs in
    test_family_converts_or_is_refused_by_name)."""
    _survives(20, whole=False, env={"PYTHONMALLOC": "debug", "MALLOC_CHECK_": "3"})


@pytest.mark.slow
def test_random_ops_never_crash_in_20_whole_runs():
    _survives(20, whole=True, env={})
