"""shloq.plan_precision: plans reach their target when converted and emulated, tighter targets
take more int16 ops, the rules are ordinary (saved, loaded, converted again to the same model),
and a target no plan reaches is an error holding the best plan.

Two styles: a Flax Linen model (rules by name stack) and plain JAX with torch-style [out, in]
weights, whose name stacks carry no module path (rules by source line). Each has two independent
paths, one input with a 50x outlier feature and one with a 4x one, so that int8 loses on both
and int16 on the first alone already gains most: a loose target needs one path int16, a tight one both."""
from __future__ import annotations

import functools
import inspect

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq
from shloq.precision import output_quality

LOOSE_DB, TIGHT_DB = 32.0, 40.0


class TwoPaths(nn.Module):
    @nn.compact
    def __call__(self, x, y):
        a = nn.Dense(16, name="wide")(x)
        b = nn.Dense(16, name="narrow_out")(nn.relu(nn.Dense(32, name="narrow_in")(y)))
        return a, b


def torch_style(p, x, y):
    a = x @ p["wide.weight"].T + p["wide.bias"]
    h = jax.nn.relu(y @ p["narrow_in.weight"].T + p["narrow_in.bias"])
    b = h @ p["narrow_out.weight"].T + p["narrow_out.bias"]
    return a, b


def _wide_line() -> int:
    """The line of `torch_style`'s first dense, which its rule names (no name stack to go by)."""
    lines, first = inspect.getsourcelines(torch_style)
    return first + next(i for i, line in enumerate(lines) if "wide.weight" in line)


def _batches(rng, n):
    out = []
    for _ in range(n):
        x, y = rng.normal(size=(2, 8, 16)).astype(np.float32)
        x[:, 0] *= 50   # a grid wide enough for this feature is coarse for the others
        y[:, 0] *= 4
        out.append((x, y))
    return out


def _torch_params(rng):
    def linear(n_out, n_in):
        return ((rng.normal(size=(n_out, n_in)) / np.sqrt(n_in)).astype(np.float32),
                (rng.normal(size=n_out) * 0.1).astype(np.float32))
    p = {}
    for name, shape in (("wide", (16, 16)), ("narrow_in", (32, 16)), ("narrow_out", (16, 32))):
        p[f"{name}.weight"], p[f"{name}.bias"] = linear(*shape)
    return p


@functools.lru_cache(maxsize=None)
def _model(style: str):
    """(f, params, exported, calibration batches) of the two-path model in `style`."""
    rng = np.random.default_rng(0)
    batches = _batches(rng, 8)
    if style == "linen":
        params = TwoPaths().init(jax.random.PRNGKey(0), *batches[0])
        f = lambda p, x, y: TwoPaths().apply(p, x, y)
    else:
        params, f = _torch_params(rng), torch_style
    return f, params, jax.export.export(jax.jit(f))(params, *batches[0]), batches


@pytest.fixture(scope="module", params=["linen", "torch_style"])
def case(request):
    f, params, exported, batches = _model(request.param)
    plans = {target: shloq.plan_precision(exported, params, batches, target, method="minmax", progress=False,
                                          show=False) for target in (LOOSE_DB, TIGHT_DB)}
    return request.param, f, params, exported, batches, plans


def _emulated_db(f, params, model, inputs) -> float:
    reference = [[np.asarray(o) for o in f(params, *x)] for x in inputs]
    return output_quality(reference, [[np.asarray(o) for o in model.emulate(*x)] for x in inputs], "sqnr_db")


def test_plans_reach_their_targets_in_emulation(case):
    _, f, params, _, batches, plans = case
    for target, plan in plans.items():
        assert plan.verified >= target
        assert _emulated_db(f, params, plan.model, batches[:4]) == pytest.approx(plan.verified, abs=1e-6)
    all_int8 = plans[LOOSE_DB].simulated["all int8"]
    assert all_int8 < LOOSE_DB, "the model must need int16 for the test to mean anything"


def test_looser_target_takes_fewer_int16_ops(case):
    _, _, _, _, _, plans = case
    loose, tight = plans[LOOSE_DB], plans[TIGHT_DB]
    assert 0 < loose.int16_ops < tight.int16_ops
    wide = loose.int16_groups[0].ops[0]
    assert "wide" in wide or f"test_precision_plan.py:{_wide_line()}:" in wide  # the path with the 50x outlier


def test_rules_are_readable_and_round_trip(case, tmp_path):
    style, _, params, exported, batches, plans = case
    plan = plans[LOOSE_DB]
    int16_rules = [r for r in plan.rules if r.act_qtype == "int16"]
    assert plan.rules[-1] == shloq.QuantizationRule()          # the catch-all int8 rule comes last
    if style == "linen":
        assert [r.op_path for r in int16_rules] == ["wide/dot_general$"]
    else:                                                      # no module path: the source line
        assert [r.op_path for r in int16_rules] == [rf"test_precision_plan\.py:{_wide_line()}:8$"]
    path = tmp_path / "plan.json"
    shloq.save_rules(plan.rules, path)
    loaded = shloq.load_rules(path)
    assert loaded == plan.rules
    stats = shloq.calibrate(exported, loaded, params, batches, method="minmax", progress=False)
    assert shloq.convert(exported, loaded, params, stats).tflite == plan.model.tflite


def test_table_says_what_was_chosen_and_why(case):
    from rich.console import Console

    _, _, _, _, _, plans = case
    console = Console(record=True, width=160)
    console.print(plans[LOOSE_DB].table())
    text = console.export_text()
    assert "int16" in text and "if int8" in text and "verified" in text


def test_unreachable_target_raises_with_the_best_plan():
    _, params, exported, batches = _model("linen")
    with pytest.raises(shloq.PrecisionTargetError, match=r"no plan reaches sqnr_db >= 90") as caught:
        shloq.plan_precision(exported, params, batches, 90.0, method="minmax", progress=False, show=False)
    best = caught.value.best
    assert best.verified < 90 and len(best.int16_groups) == len(best.groups)


def test_latency_budget_refuses_a_slower_plan():
    _, params, exported, batches = _model("linen")
    with pytest.raises(shloq.PrecisionTargetError, match="over the budget of 1e-06 ms") as caught:
        shloq.plan_precision(exported, params, batches, LOOSE_DB, method="minmax", latency_budget_ms=1e-6,
                             progress=False, show=False)
    assert caught.value.best.verified >= LOOSE_DB


def test_cosine_target():
    _, params, exported, batches = _model("torch_style")
    plan = shloq.plan_precision(exported, params, batches, 0.9999, metric="cosine", method="minmax",
                                progress=False, show=False)
    assert plan.verified >= 0.9999 and plan.int16_ops > 0


@pytest.mark.parametrize("kwargs, message", [({"metric": "mae"}, "metric='mae'"),
                                             ({"metric": "cosine", "target": 1.5}, "not a cosine"),
                                             ({"target": float("nan")}, "not a sqnr_db")])
def test_bad_options_are_input_errors(kwargs, message):
    f = lambda x: jnp.tanh(x)
    x = np.ones((2, 4), np.float32)
    exported = jax.export.export(jax.jit(f))(x)
    kwargs = {"target": 30.0, **kwargs}
    with pytest.raises(shloq.InputError, match=message):
        shloq.plan_precision(exported, None, [(x,)], **kwargs, progress=False, show=False)
