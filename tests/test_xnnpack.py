"""Attention that XNNPACK runs in int8, and the cpu-float-islands profile (issue 14).

A six-layer encoder (12 BATCH_MATMULs: Q.K^T and P.V per layer, MiniLM's spelling) is converted
once per profile: every second BATCH_MATMUL operand has zero point 0 and every P.V has the softmax
output (zero point -128) first, so XNNPACK takes all 12; the profile's float ops are exactly the
catalogue's XNNPACK-float-only ones; both models emulate within one step."""
import math
import pathlib
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq
from shloq import catalogue, litert

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bench"))
from pipelines import ops_left_to_builtin_kernels  # noqa: E402

LAYERS, D, HEADS, SEQ = 6, 16, 2, 8


def _params(rng):
    def dense(n_in, n_out):
        return {"w": (rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)).astype(np.float32),
                "b": (0.1 * rng.normal(size=n_out)).astype(np.float32)}
    return [{name: dense(D, D) for name in ("q", "k", "v", "o")} | {"up": dense(D, 2 * D), "down": dense(2 * D, D)}
            for _ in range(LAYERS)]


def _layer_norm(x):
    mean = jnp.mean(x, -1, keepdims=True)
    var = jnp.mean((x - mean) ** 2, -1, keepdims=True)
    return (x - mean) * jax.lax.rsqrt(var + 1e-6)


def encoder(params, x):
    b, s, _ = x.shape
    dense = lambda t, p: t @ p["w"] + p["b"]
    split = lambda t: t.reshape(b, s, HEADS, D // HEADS)
    for p in params:
        q, k, v = (split(dense(x, p[n])) for n in ("q", "k", "v"))
        scores = jnp.einsum("bqhd,bkhd->bhqk", q, k) * (1.0 / math.sqrt(D // HEADS))
        context = jnp.einsum("bhqk,bkhd->bqhd", jax.nn.softmax(scores, axis=-1), v).reshape(b, s, D)
        x = _layer_norm(x + dense(context, p["o"]))
        x = _layer_norm(x + dense(jax.nn.gelu(dense(x, p["up"])), p["down"]))
    return x


@pytest.fixture(scope="module")
def setup():
    rng = np.random.default_rng(0)
    params = _params(rng)
    batches = [(rng.normal(size=(2, SEQ, D)).astype(np.float32),) for _ in range(2)]
    exported = jax.export.export(jax.jit(encoder))(params, batches[0][0])
    x = rng.normal(size=(2, SEQ, D)).astype(np.float32)
    return params, exported, batches, x


def _convert(setup, profile):
    params, exported, batches, _ = setup
    rules = shloq.QuantizationRule()
    stats = shloq.calibrate(exported, rules, params, batches, progress=False, profile=profile)
    return shloq.convert(exported, rules, params, stats, profile=profile)


@pytest.fixture(scope="module")
def int8(setup):
    return _convert(setup, "full-integer")


@pytest.fixture(scope="module")
def islands(setup):
    return _convert(setup, "cpu-float-islands")


def _batch_matmuls(model):
    interp = litert.interpreter(model.tflite)
    details = {t["index"]: t for t in interp.get_tensor_details()}
    return [[litert.tensor_quantization(details[i]) for i in op["inputs"]]
            for op in interp._get_ops_details() if op["op_name"] == "BATCH_MATMUL"]


def _within_one_step(model, x):
    lite, emulated = np.asarray(model(x)), np.asarray(model.emulate(x))
    return float(np.mean(np.abs(lite - emulated) <= 1.01 * model.output_steps[0]))


def test_every_batch_matmul_runs_int8_in_xnnpack(int8, setup):
    matmuls = _batch_matmuls(int8)
    assert len(matmuls) == 2 * LAYERS
    assert all(second[1] == 0 for _, second in matmuls)                 # symmetric second operands
    softmax_first = [first for first, _ in matmuls if first == (1.0 / 256.0, -128)]
    assert len(softmax_first) == LAYERS                                  # P.V takes P first
    assert litert.float_ops(int8.op_table()) == []                       # still full-integer
    off = ops_left_to_builtin_kernels(int8.tflite)
    assert "BATCH_MATMUL" not in off and "MUL" not in off                # 1/sqrt(d) folded into the query
    assert not {"ADD", "SUB"} & set(off)                                 # scales inside XNNPACK's ratios


def test_cpu_profile_floats_exactly_the_xnnpack_float_only_ops(islands, setup):
    float_only = {catalogue.SPECS[name].litert_op for name in catalogue.PROFILES["cpu-float-islands"]}
    assert float_only == {"SOFTMAX", "GELU", "RSQRT", "SQRT", "EXP", "DIV", "MAXIMUM", "MINIMUM"}
    floats = {op["op"] for op in litert.float_ops(islands.op_table())}
    assert floats == {"SOFTMAX", "GELU", "RSQRT"}                        # those this model has
    assert ops_left_to_builtin_kernels(islands.tflite) == []             # everything else int8 in XNNPACK
    params, _, _, x = setup
    reference = np.asarray(encoder(params, x))
    error = np.asarray(islands(x)) - reference
    assert 10 * np.log10(np.sum(reference ** 2) / np.sum(error ** 2)) > 15.0


def test_unknown_profile_is_refused(setup):
    params, exported, batches, _ = setup
    with pytest.raises(shloq.InputError, match="unknown profile 'xnnpack'"):
        shloq.calibrate(exported, shloq.QuantizationRule(), params, batches[:1], progress=False, profile="xnnpack")


@pytest.mark.slow
def test_emulate_follows_litert_in_both_profiles(int8, islands, setup):
    """Symmetric operands stay bit-exact; the float islands run on emulate's float kernels."""
    assert _within_one_step(int8, setup[3]) >= 0.999
    assert _within_one_step(islands, setup[3]) >= 0.999
