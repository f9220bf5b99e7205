"""Calibration methods and data-parallel calibration over several devices."""
import json
import os
import pathlib
import subprocess
import sys

import jax
import numpy as np
import pytest

import shloq
from shloq import calibration, qscheme

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bench"))
import calibration_methods  # noqa: E402

RULES = [shloq.QuantizationRule()]


def _identity_relu():
    w = np.eye(4, dtype=np.float32)
    exported = jax.export.export(jax.jit(lambda p, x: jax.nn.relu(x @ p["w"])))({"w": w}, np.zeros((2, 4), np.float32))
    return exported, {"w": w}


def test_methods_reduce_batch_ranges_as_documented():
    exported, params = _identity_relu()
    batches = [(np.full((2, 4), v, np.float32),) for v in (-1.0, 3.0)]
    batches[0][0][0, 0], batches[1][0][0, 0] = 2.0, -4.0
    minmax = shloq.calibrate(exported, RULES, params, batches, method="minmax", progress=False)
    average = shloq.calibrate(exported, RULES, params, batches, method="average_minmax", progress=False)
    input_site = 0
    assert minmax.sites[input_site] == (-4.0, 3.0)
    assert average.sites[input_site] == ((-1.0 - 4.0) / 2, (2.0 + 3.0) / 2)
    data = np.linspace(-1, 1, 2000, dtype=np.float32).reshape(-1, 4)[:2]
    percentile = shloq.calibrate(exported, RULES, params, [(data,)], method="percentile", percentile=90,
                                 progress=False)
    lo, hi = percentile.sites[input_site]
    assert np.isclose(lo, np.percentile(data, 10)) and np.isclose(hi, np.percentile(data, 90))


def test_stats_round_trip(tmp_path):
    exported, params = _identity_relu()
    stats = shloq.calibrate(exported, RULES, params, [(np.ones((2, 4), np.float32),)], progress=False)
    stats.save(tmp_path / "stats.json")
    assert shloq.Stats.load(tmp_path / "stats.json") == stats


SHARDED = r"""
import json, jax, numpy as np, shloq
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
from shloq import demo
assert len(jax.devices()) == 4
model = demo.digits_cnn()
x = np.random.default_rng(0).uniform(size=(8, 8, 8, 1)).astype(np.float32)
variables = model.init(jax.random.PRNGKey(0), x)
exported = jax.export.export(jax.jit(lambda v, x: model.apply(v, x)))(variables, x)
rules = [shloq.QuantizationRule()]
batches = [np.random.default_rng(i).uniform(size=x.shape).astype(np.float32) for i in range(3)]
sharding = NamedSharding(Mesh(np.array(jax.devices()), ("data",)), P("data"))
one = shloq.calibrate(exported, rules, variables, [(b,) for b in batches], progress=False)
four = shloq.calibrate(exported, rules, variables, [(jax.device_put(b, sharding),) for b in batches], progress=False)
model = shloq.convert(exported, rules, variables, one)
x = batches[0]
print(json.dumps({"one": one.sites, "four": four.sites,
                  "emulate_sharded_equal": bool(np.array_equal(model.emulate(jax.device_put(x, sharding)),
                                                                model.emulate(x))),
                  "emulate_equals_litert": bool(np.array_equal(model.emulate(x), model(x)))}))
"""


def test_calibration_and_emulate_with_batch_sharded_over_four_devices():
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4", "JAX_PLATFORMS": "cpu"}
    run = subprocess.run([sys.executable, "-c", SHARDED], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["one"].keys() == result["four"].keys() and result["one"]
    for site, value in result["one"].items():
        np.testing.assert_allclose(result["four"][site], value, rtol=1e-6, atol=1e-6)
    # `emulate` runs a sharded batch sharded, to the same result, which is LiteRT's.
    assert result["emulate_sharded_equal"] and result["emulate_equals_litert"]


def _identity(n=64, d=16):
    """The input site of `relu(x @ I)`: its range is the calibration data's."""
    w = np.eye(d, dtype=np.float32)
    exported = jax.export.export(jax.jit(lambda p, x: jax.nn.relu(x @ p["w"])))({"w": w}, np.zeros((n, d), np.float32))
    return exported, {"w": w}


def _grid_mse(values, lo, hi):
    """Squared error of `values` on the int8 activation grid over [lo, hi], as LiteRT rounds."""
    scale, zero_point = qscheme.activation_qparams(lo, hi)
    q = np.clip(qscheme.round_half_away(values / scale) + zero_point, -128, 127)
    return float(np.sum(((q - zero_point) * scale - values) ** 2))


def test_mse_clips_long_tails_and_errs_less_than_minmax():
    """Laplace data: the extremes of half a million values lie far beyond where the 8-bit grid's
    rounding error balances the clipping error (about 10 scale units)."""
    exported, params = _identity(1024, 64)
    rng = np.random.default_rng(0)
    batches = [rng.laplace(size=(1024, 64)).astype(np.float32) for _ in range(8)]
    data = np.concatenate([b.ravel() for b in batches]).astype(np.float64)
    minmax = shloq.calibrate(exported, RULES, params, [(b,) for b in batches], method="minmax", progress=False)
    mse = shloq.calibrate(exported, RULES, params, [(b,) for b in batches], method="mse", progress=False)
    (lo, hi), (min_, max_) = mse.sites[0], minmax.sites[0]
    print(f"minmax [{min_:.2f}, {max_:.2f}], mse [{lo:.2f}, {hi:.2f}]: squared error "
          f"{_grid_mse(data, min_, max_):.0f} vs {_grid_mse(data, lo, hi):.0f}")
    assert min_ < lo < 0 < hi < max_ and hi - lo < 0.9 * (max_ - min_)
    assert _grid_mse(data, lo, hi) < 0.9 * _grid_mse(data, min_, max_)


def test_mse_keeps_the_range_of_data_without_outliers():
    exported, params = _identity()
    rng = np.random.default_rng(1)
    batches = [(rng.uniform(-1, 3, size=(64, 16)).astype(np.float32),) for _ in range(4)]
    minmax = shloq.calibrate(exported, RULES, params, batches, method="minmax", progress=False)
    mse = shloq.calibrate(exported, RULES, params, batches, method="mse", progress=False)
    np.testing.assert_allclose(mse.sites[0], minmax.sites[0], atol=4 * 4.0 / calibration.HISTOGRAM_BINS)


def test_mse_int16_range_is_symmetric():
    exported, params = _identity()
    rng = np.random.default_rng(2)
    batches = [(rng.normal(1.0, 1.0, size=(64, 16)).astype(np.float32),) for _ in range(4)]
    stats = shloq.calibrate(exported, [shloq.QuantizationRule(act_qtype="int16")], params, batches, method="mse",
                            progress=False)
    lo, hi = stats.sites[0]
    assert lo == -hi and hi > 0.9 * max(np.abs(b[0]).max() for b in batches)


def test_histogram_merges_batches_of_growing_ranges():
    rng = np.random.default_rng(3)
    parts = [rng.normal(0, s, size=5000) for s in (0.5, 1.0, 4.0)]
    merged = calibration.Histogram()
    for part in parts:
        counts, _ = np.histogram(part, bins=calibration.HISTOGRAM_BINS, range=(part.min(), part.max()))
        merged.add(part.min(), part.max(), counts, 0)
    everything = np.concatenate(parts)
    expected, _ = np.histogram(everything, bins=calibration.HISTOGRAM_BINS, range=(merged.lo, merged.hi))
    assert (merged.lo, merged.hi) == (everything.min(), everything.max())
    assert np.isclose(merged.counts.sum(), everything.size)
    coarse = lambda c: c.reshape(64, -1).sum(1)  # rebinning spreads counts by at most a bin
    assert np.abs(coarse(merged.counts) - coarse(expected)).sum() < 0.01 * everything.size


def test_mse_keeps_masked_scores_at_the_softmax_floor():
    """A causal mask's -inf scores are left out of the histogram, but the softmax input's range
    must still reach down to the floor (as minmax's does), or masked scores would weigh e**-4."""
    import test_masks

    rng = np.random.default_rng(0)
    params, f = test_masks._params(rng), test_masks._attention(-np.inf)
    batches = test_masks._inputs(rng, 4)
    exported = jax.export.export(jax.jit(f))(params, *batches[0])
    minmax = shloq.calibrate(exported, RULES, params, batches, method="minmax", progress=False)
    mse = shloq.calibrate(exported, RULES, params, batches, method="mse", progress=False)
    # The scores' site: their product (shloq-fold-affine moved the 1/sqrt(d) into the query weights).
    (scores,) = [s for s, name in minmax.names.items() if name.startswith("batch_matmul @ ") and "test_masks.py:26:" in name]
    assert mse.sites[scores][0] == minmax.sites[scores][0] < -8


@pytest.mark.parametrize("model,setting", [("mlp", "16x8"), ("einsum_block", "4x2")])
def test_default_method_is_near_the_best_and_never_the_worst(model, setting):
    """Issue 11's rule on a cheap subset of bench/calibration_methods.py (emulated, 256 test
    samples): the default method is within 0.5 dB of the best method's SQNR and not the worst."""
    case = calibration_methods.build_case(model, setting, test_samples=256)
    sqnr = {m: calibration_methods.measure(case, m, emulate=True)["sqnr"] for m in calibration.METHODS}
    ok, why = calibration_methods.verdict(sqnr, calibration_methods.default_method())
    assert ok, f"{model} {setting}: {sqnr}; the default is {why}"
