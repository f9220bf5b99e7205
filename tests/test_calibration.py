"""Calibration methods and data-parallel calibration over several devices."""
import json
import os
import subprocess
import sys

import jax
import numpy as np

import shloq

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
