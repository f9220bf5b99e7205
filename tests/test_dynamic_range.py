"""Dynamic-range mode (act_qtype="dynamic"), int8 embedding tables, per-tensor weights and int4
dense weights, each on a Flax Linen model and a plain JAX one with torch-style [out, in] weights,
both an embedding lookup followed by two dense layers."""
import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq
from conftest import sqnr_db
from shloq import tflite

R = shloq.QuantizationRule
VOCAB, WIDTH, HIDDEN, OUT, BATCH, SEQ = 512, 64, 128, 32, 4, 6


class LinenModel(nn.Module):
    @nn.compact
    def __call__(self, ids):
        h = nn.Embed(VOCAB, WIDTH, name="embed")(ids)
        return nn.Dense(OUT, name="head")(nn.relu(nn.Dense(HIDDEN, name="body")(h)))


def torch_style(params, ids):
    """As a PyTorch port writes it: `x @ W.T + b` with W stored [out, in]."""
    h = jnp.take(params["embed"], ids, axis=0)
    h = jax.nn.relu(h @ params["body_w"].T + params["body_b"])
    return h @ params["head_w"].T + params["head_b"]


def _ids(rng):
    return (rng.integers(0, VOCAB, size=(BATCH, SEQ)).astype(np.int32),)


@pytest.fixture(scope="module", params=["linen", "torch_style"])
def case(request):
    rng = np.random.default_rng(0)
    ids, = _ids(rng)
    if request.param == "linen":
        params = LinenModel().init(jax.random.PRNGKey(0), ids)
        f = jax.jit(lambda params, ids: LinenModel().apply(params, ids))
    else:
        normal = lambda *shape: (rng.normal(size=shape) / np.sqrt(shape[-1])).astype(np.float32)  # noqa: E731
        params = {"embed": normal(VOCAB, WIDTH), "body_w": normal(HIDDEN, WIDTH), "body_b": normal(HIDDEN) * 0.1,
                  "head_w": normal(OUT, HIDDEN), "head_b": normal(OUT) * 0.1}
        f = jax.jit(torch_style)
    exported = jax.export.export(f)(params, ids)
    tests = [_ids(rng) for _ in range(4)]
    reference = np.concatenate([np.asarray(f(params, *x)) for x in tests])
    return dict(f=f, params=params, exported=exported, tests=tests, reference=reference,
                float_bytes=len(shloq.float_tflite(exported, params)), calibration=[_ids(rng) for _ in range(4)])


def _convert(case, rules, calibrate=False):
    stats = (shloq.calibrate(case["exported"], rules, case["params"], case["calibration"], progress=False)
             if calibrate else None)
    return shloq.convert(case["exported"], rules, case["params"], stats)


def _sqnr(case, model):
    return sqnr_db(case["reference"], np.concatenate([model(*x) for x in case["tests"]]))


def _contractions(model):
    return [(op["inputs"][:2], op["outputs"]) for op in model.op_table() if op["op"] == "FULLY_CONNECTED"]


def _weight_scales(model):
    """The scale vector of each FULLY_CONNECTED weight in the .tflite."""
    return [op.inputs[1].scale for op in tflite.read(model.tflite).ops if op.name == "FULLY_CONNECTED"]


def _table_ops(model):
    return [(op["op"], op["inputs"][0]) for op in model.op_table() if op["op"].startswith("GATHER")]


def test_dynamic_range_runs_hybrid_kernels_on_int8_weights_and_table(case):
    """Both denses run LiteRT's hybrid FULLY_CONNECTED (float activations, int8 per-channel
    weights), the embedding is gathered from an int8 table with a scale per row; the file is about a quarter of the
    float one, the outputs close to float; emulate refuses the hybrid kernels by name."""
    model = _convert(case, [R(act_qtype="dynamic")])
    assert _contractions(model) == [(["float32", "int8"], ["float32"])] * 2
    assert [s.size for s in _weight_scales(model)] == [HIDDEN, OUT]
    assert _table_ops(model) == [("GATHER_ND", "int8"), ("GATHER_ND", "float32")]  # rows, then their scales
    assert len(model.tflite) < 0.3 * case["float_bytes"]
    db = _sqnr(case, model)
    print(f"dynamic range: {len(model.tflite) / case['float_bytes']:.3f}x float, {db:.1f} dB")
    assert db > 30
    with pytest.raises(shloq.InputError, match="hybrid"):
        model.emulate(*case["tests"][0])


def test_per_tensor_weights(case):
    """`per_channel_weights=False` gives each weight one symmetric scale, in dynamic and static
    mode; the static model's emulation is LiteRT's integers exactly."""
    dynamic = _convert(case, [R(act_qtype="dynamic", per_channel_weights=False)])
    assert [s.size for s in _weight_scales(dynamic)] == [1, 1]
    assert _contractions(dynamic) == [(["float32", "int8"], ["float32"])] * 2
    assert _table_ops(dynamic) == [("GATHER_ND", "int8")]  # one scale, no lookup of it
    assert _sqnr(case, dynamic) > 25
    static = _convert(case, [R(per_channel_weights=False)], calibrate=True)
    assert [s.size for s in _weight_scales(static)] == [1, 1]
    assert _contractions(static) == [(["int8", "int8"], ["int8"])] * 2
    for x in case["tests"]:
        np.testing.assert_array_equal(static.emulate(*x), static(*x))


def test_int4_dense_weights(case):
    """int4 weights reach LiteRT as packed INT4 tensors (the converter has no i4 path; shloq
    retypes them after conversion): int8 x int4 FULLY_CONNECTED in static mode, which emulate
    computes exactly, and float x int4 in dynamic mode; the file shrinks by the denses' half bytes."""
    int8 = _convert(case, [R(act_qtype="dynamic")])
    dynamic = _convert(case, [R(act_qtype="dynamic", weight_qtype="int4")])
    assert _contractions(dynamic) == [(["float32", "int4"], ["float32"])] * 2
    dense_weights = WIDTH * HIDDEN + HIDDEN * OUT
    assert len(dynamic.tflite) <= len(int8.tflite) - dense_weights // 2 + 64
    static = _convert(case, [R(weight_qtype="int4")], calibrate=True)
    assert _contractions(static) == [(["int8", "int4"], ["int8"])] * 2
    weights = [op.inputs[1].data for op in tflite.read(static.tflite).ops if op.name == "FULLY_CONNECTED"]
    assert all(w.min() >= -7 and w.max() <= 7 and w.min() < -3 for w in weights)
    for x in case["tests"]:
        np.testing.assert_array_equal(static.emulate(*x), static(*x))
    db = {"dynamic": _sqnr(case, dynamic), "static": _sqnr(case, static)}
    print(f"int4 weights: dynamic {db['dynamic']:.1f} dB, static {db['static']:.1f} dB")
    assert db["dynamic"] > 12 and db["static"] > 12


def test_static_and_dynamic_rules_mix(case):
    """A static int8 rule on the first dense, dynamic range on the rest: the first runs the
    integer kernel, the head the hybrid one."""
    model = _convert(case, [R(param_path="body"), R(act_qtype="dynamic")], calibrate=True)
    assert _contractions(model) == [(["int8", "int8"], ["int8"]), (["float32", "int8"], ["float32"])]
    assert _sqnr(case, model) > 25


def test_dynamic_rules_refused_where_they_cannot_hold():
    with pytest.raises(shloq.InputError, match="needs a weight_qtype"):
        R(act_qtype="dynamic", weight_qtype=None)
    with pytest.raises(shloq.InputError, match="16x8"):
        R(act_qtype="int16", weight_qtype="int4")
    exported = jax.export.export(jax.jit(lambda p, x: x @ p["w"]))({"w": np.ones((4, 2), np.float32)},
                                                                   np.ones((3, 4), np.float32))
    with pytest.raises(shloq.InputError, match="weight-only"):
        shloq.convert(exported, [R(op_path="nothing", act_qtype=None), R(act_qtype="dynamic")],
                      {"w": np.ones((4, 2), np.float32)}, None)
