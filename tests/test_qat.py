"""Quantization-aware training: trainable through jax.export, converts to the same integer model."""
import json
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq
from conftest import within_steps
from shloq import demo, litert


@pytest.fixture(scope="module")
def qat_run(digits):
    qat = shloq.quantize_for_training(digits.exported, digits.rules)
    tuned, qstats, losses = demo.qat_finetune(qat, digits.variables, steps=200)
    return qat, tuned, qstats, losses


def test_qat_and_conversion_place_the_same_sites(digits):
    qat = shloq.quantize_for_training(digits.exported, digits.rules)
    assert qat.fingerprint == digits.stats.fingerprint
    assert sorted(int(k.split("_")[1]) for k in qat.init_quant_stats()) == sorted(digits.stats.sites)


def test_apply_refuses_params_of_another_shape(digits):
    qat = shloq.quantize_for_training(digits.exported, digits.rules)
    with pytest.raises(shloq.InputError, match="shaped like the exported function's arguments"):
        qat.apply({"params": digits.variables["params"]}, qat.init_quant_stats(), digits.x_test[:demo.BATCH])


def test_gradients_through_the_deserialized_module_equal_apply(digits):
    qat = shloq.quantize_for_training(digits.exported, digits.rules)
    blob = qat.serialize()
    restored = jax.export.deserialize(blob)
    text = restored.mlir_module()
    assert 'stablehlo.composite "quant.fake_quant"' in text
    x, y = digits.x_train[:demo.BATCH], digits.y_train[:demo.BATCH]
    _, qstats = jax.jit(qat.apply)(digits.variables, qat.init_quant_stats(), x)  # non-empty stats

    def loss(call):
        return lambda v: demo.nll(call(v, qstats, x)[0], y)

    ours = jax.jit(jax.grad(loss(qat.apply)))(digits.variables)
    theirs = jax.jit(jax.grad(loss(restored.call)))(digits.variables)
    flat = jax.tree_util.tree_leaves(jax.tree_util.tree_map(lambda a, b: float(jnp.abs(a - b).max()), ours, theirs))
    assert max(flat) == 0.0
    assert max(float(jnp.abs(g).max()) for g in jax.tree_util.tree_leaves(ours["params"])) > 0


def test_qat_lowers_the_loss_and_converts_to_an_integer_model(digits, qat_run):
    qat, tuned, qstats, losses = qat_run
    assert np.mean(losses[-20:]) < np.mean(losses[:20])
    model = shloq.convert(digits.exported, digits.rules, tuned, qstats)
    assert litert.float_ops(model.op_table()) == []
    lite = demo.predict(model, digits.x_test)
    emulated = demo.predict(model.emulate, digits.x_test)
    assert within_steps(lite, emulated, model.output_steps[0]) >= 0.99


def test_qat_accuracy_against_ptq_and_float(digits, qat_run):
    qat, tuned, qstats, _ = qat_run
    model = shloq.convert(digits.exported, digits.rules, tuned, qstats)
    accuracy = lambda fn: float(np.mean(demo.predict(fn, digits.x_test).argmax(-1) == digits.y_test))
    float_acc = accuracy(lambda b: digits.apply(digits.variables, b))
    ptq_acc, qat_acc = accuracy(digits.int8), accuracy(model)
    print(f"float {float_acc:.4f} PTQ int8 {ptq_acc:.4f} QAT int8 {qat_acc:.4f}")
    assert qat_acc >= ptq_acc - 0.002
    assert qat_acc >= float_acc - 0.01


DATA_PARALLEL = r"""
import json, jax, jax.numpy as jnp, numpy as np, shloq
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
from shloq import demo
assert len(jax.devices()) == 4
model = demo.digits_cnn()
x = np.random.default_rng(0).uniform(size=(8, 8, 8, 1)).astype(np.float32)
y = np.arange(8) % 10
variables = model.init(jax.random.PRNGKey(0), x)
exported = jax.export.export(jax.jit(lambda v, x: model.apply(v, x)))(variables, x)
qat = shloq.quantize_for_training(exported, [shloq.QuantizationRule()])
qstats = qat.init_quant_stats()

@jax.jit
def loss_and_grads(v, qstats, x):
    return jax.value_and_grad(lambda v: demo.nll(qat.apply(v, qstats, x)[0], y))(v)

one = loss_and_grads(variables, qstats, x)
sharded = jax.device_put(x, NamedSharding(Mesh(np.array(jax.devices()), ("data",)), P("data")))
four = loss_and_grads(variables, qstats, sharded)
diff = max(float(jnp.abs(a - b).max()) for a, b in zip(jax.tree_util.tree_leaves(one), jax.tree_util.tree_leaves(four)))
scale = max(float(jnp.abs(a).max()) for a in jax.tree_util.tree_leaves(one))
print(json.dumps({"loss": [float(one[0]), float(four[0])], "diff": diff, "scale": scale,
                  "sharded": str(sharded.sharding)}))
"""


def test_data_parallel_qat_matches_one_device():
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4", "JAX_PLATFORMS": "cpu"}
    run = subprocess.run([sys.executable, "-c", DATA_PARALLEL], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert np.isclose(*result["loss"], rtol=1e-6)
    assert result["diff"] <= 1e-5 * result["scale"]


def test_qat_stats_equal_calibration_where_a_constant_is_clamped():
    """A clip bound shares the scale of the values it clips but saturates to their range (fuzz seed
    91): QAT's running stats must leave it out, as calibration does."""
    w = np.full((4, 3), 1e-3, np.float32)
    f = lambda p, x: jnp.clip(x @ p["w"], -1.0, 1.0)
    x = np.random.default_rng(0).normal(size=(2, 4)).astype(np.float32)
    exported = jax.export.export(jax.jit(f))({"w": w}, x)
    rules = [shloq.QuantizationRule()]
    ptq = shloq.calibrate(exported, rules, {"w": w}, [(x,)], method="average_minmax", progress=False)  # as QAT
    qat = shloq.quantize_for_training(exported, rules)
    _, qstats = qat.apply({"w": w}, qat.init_quant_stats(), x)
    qat_ranges = shloq.Stats.from_quant_stats(jax.device_get(qstats)).sites
    for site, (lo, hi) in ptq.sites.items():   # QAT sees upstream rounding: close, not equal
        np.testing.assert_allclose(qat_ranges[site], (lo, hi), rtol=0.01, atol=1e-6)
