"""Deep networks: a 53-layer MobileNetV2 (examples/mobilenet_v2.py: inverted residual blocks,
depthwise convs of stride 1 and 2, random batch-norm state folded into the convs, residual adds,
global average pool, dense head), in Flax Linen NHWC and plain-JAX NCHW with torch-layout weights.

Full depth, narrow (width 0.35) and small (32x32) for CI; `bench/emulate_speed.py` runs 224x224 at
full width. The acceptance of issue 12: `model.emulate` gives LiteRT's integer on >= 99.9% of the
output elements and is within one step on all of them; a kernel `emulate` gets wrong shows up here
when every op of the `.tflite` is fed LiteRT's own inputs (`bench/isolate_kernels.py`)."""
import pathlib
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq
from shloq import litert

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bench"))
import deepnets  # noqa: E402
import emulate_speed  # noqa: E402
import isolate_kernels  # noqa: E402

WIDTH, SIZE, CLASSES, BATCH = 0.35, 32, 128, 8   # 8 x 128 = 1024 output elements per batch


@pytest.fixture(scope="module", params=deepnets.STYLES)
def quantized(request):
    net = deepnets.mobilenet(request.param, WIDTH, SIZE, CLASSES)
    return deepnets.quantize(net, BATCH, n_calibration=BATCH)


def test_the_network_is_deep_and_its_batch_norm_matters():
    assert deepnets.mobilenet_v2.layer_count(WIDTH, CLASSES) == 53
    net = deepnets.mobilenet("linen", WIDTH, SIZE, CLASSES)
    x = net.images(2, seed=3)
    plain_bn = jax.tree_util.tree_map(jnp.ones_like, net.params["batch_stats"])  # var 1: BN ~ scale only
    plain_bn = {k: {"mean": jnp.zeros_like(v["mean"]), "var": v["var"]} for k, v in plain_bn.items()}
    apply = jax.jit(net.apply)
    changed = apply({**net.params, "batch_stats": plain_bn}, x)
    assert float(jnp.abs(changed - apply(net.params, x)).max()) > 0.01
    torch_style = deepnets.mobilenet("nchw", WIDTH, SIZE, CLASSES)
    np.testing.assert_allclose(jax.jit(torch_style.apply)(torch_style.params, x.transpose(0, 3, 1, 2)),
                               apply(net.params, x), atol=1e-4)


def test_full_integer_with_every_block(quantized):
    table = quantized.model.op_table()
    assert litert.float_ops(table) == []
    counts = {name: sum(op["op"] == name for op in table) for name in ("CONV_2D", "DEPTHWISE_CONV_2D", "ADD")}
    assert counts == {"CONV_2D": 35, "DEPTHWISE_CONV_2D": 17, "ADD": 10}, counts


def test_emulate_gives_litert_integers(quantized):
    lite, emulated = [], []
    for seed in (2, 3):  # held-out crops: calibration used seed 1
        x = quantized.net.images(BATCH, seed=seed)
        lite.append(quantized.model(x))
        emulated.append(quantized.model.emulate(x))
    agreement = deepnets.agreement(np.concatenate(lite), np.concatenate(emulated), quantized.model.output_steps[0])
    print(f"{quantized.net.style}: LiteRT vs emulate {agreement}")
    assert agreement.elements == 2 * BATCH * CLASSES
    assert agreement.same >= 0.999
    assert agreement.within_one == 1.0


def test_every_op_is_litert_on_litert_inputs(quantized):
    compared, mismatches = isolate_kernels.op_mismatches(quantized.model, quantized.net.images(BATCH, seed=2))
    assert compared >= 60
    assert mismatches == [], "\n".join(map(str, mismatches))


def test_emulate_speed_smoke(quantized):
    if quantized.net.style != "linen":
        pytest.skip("one style is enough for the smoke")
    r = emulate_speed.time_runs(quantized, quantized.net.images(BATCH, seed=2), repeats=2)
    print(f"float {r['float_s'] * 1e3:.1f} ms, emulate {r['emulate_s'] * 1e3:.1f} ms, "
          f"LiteRT {r['litert_s'] * 1e3:.1f} ms, ratio {r['ratio']:.2f}")
    assert r["float_s"] > 0 and r["emulate_s"] > 0 and r["litert_s"] > 0
    assert r["agreement"].same >= 0.999
    assert r["ratio"] < 50  # the 5x target is for 224x224 (bench/emulate_speed.py); tiny inputs are overhead


def test_int8_sum_over_an_axis():
    """The kernel the MiniLM check isolates (its mean pooling's reduce_sum), alone."""
    x = np.random.default_rng(0).normal(size=(2, 8, 8)).astype(np.float32)
    exported = jax.export.export(jax.jit(lambda p, x: jnp.sum(x, axis=1)))(None, x)
    rules = [shloq.QuantizationRule()]
    model = shloq.convert(exported, rules, None, shloq.calibrate(exported, rules, None, [(x,)], progress=False))
    assert [op["op"] for op in model.op_table()] == ["QUANTIZE", "SUM", "DEQUANTIZE"]
    assert deepnets.agreement(model(x), model.emulate(x), model.output_steps[0]).same == 1.0


def test_qat_on_torch_layout_weights():
    """Per-channel weights quantized along axis 0 ([out, in, kh, kw]): their zero points broadcast
    along that axis (they were added along the last one, a shape error)."""
    rng = np.random.default_rng(0)
    params = {"w": rng.normal(0, 0.3, (6, 3, 3, 3)).astype(np.float32), "d": rng.normal(0, 0.3, (5, 6)).astype(np.float32)}

    def f(p, x):
        h = jax.lax.conv_general_dilated(x, p["w"], (1, 1), ((1, 1), (1, 1)), dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return jax.nn.relu6(h).mean(axis=(2, 3)) @ p["d"].T

    x = rng.normal(size=(2, 3, 8, 8)).astype(np.float32)
    exported = jax.export.export(jax.jit(f))(params, x)
    qat = shloq.quantize_for_training(exported, [shloq.QuantizationRule()])
    out, qstats = jax.jit(qat.apply)(params, qat.init_quant_stats(), x)
    assert np.abs(np.asarray(out) - f(params, x)).max() < 0.1
    grads = jax.jit(jax.grad(lambda p: jnp.sum(qat.apply(p, qstats, x)[0] ** 2)))(params)
    assert float(jnp.abs(grads["w"]).max()) > 0


@pytest.mark.slow
def test_qat_speed_smoke():
    import qat_speed

    r = qat_speed.measure("linen", WIDTH, SIZE, BATCH, steps=2, classes=CLASSES)
    assert r["float_step_s"] > 0 and r["qat_step_s"] > 0
    assert r["ratio"] <= 3.0
