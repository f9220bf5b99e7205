"""Reliability fuzzing: random models built from the op catalogue (random shapes, DAG wiring and
weights; rarely an op outside the catalogue) either convert in strict mode to a full-integer
.tflite whose LiteRT output agrees with `emulate` within one output step on >= 99% of elements,
or raise a documented shloq error naming the op. Anything else is a bug.

CI runs a short derandomized profile (the same 30 examples every run, about a minute on two
cores); `SHLOQ_FUZZ_EXAMPLES=300` runs more in process, and
scripts/fuzz.sh runs a long profile in worker subprocesses (a segfault costs one example there).
The examples are drawn in tests/fuzz_models.py, which also reproduces one: on failure the test
prints a standalone script.
"""
import os

import jax
import numpy as np
from hypothesis import HealthCheck, Phase, given, note, settings

import fuzz_models

EXAMPLES = int(os.environ.get("SHLOQ_FUZZ_EXAMPLES", 30))
# By default hypothesis draws case seeds (varied examples, each reproducible from its seed, no
# shrinking). SHLOQ_FUZZ_SHRINK=1 draws every choice through hypothesis instead and shrinks a
# failure to a smaller model (slow: each step re-runs a ~1 s example).
SHRINK = bool(os.environ.get("SHLOQ_FUZZ_SHRINK"))
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if SHRINK else [])
SPECS = fuzz_models.structured_specs() if SHRINK else fuzz_models.model_specs()


def test_generator_shapes_match_jax():
    """The generator's own bookkeeping: every tensor has the shape it recorded (no shloq here)."""
    for seed in range(60):
        spec = fuzz_models.random_spec(seed)
        every = dict(spec, outputs=list(range(1, len(spec["layers"]) + 1)))
        f, params, shape = fuzz_models.build(every)
        outs = jax.eval_shape(f, params, jax.ShapeDtypeStruct(shape, np.float32))
        outs = outs if isinstance(outs, tuple) else (outs,)
        assert [tuple(o.shape) for o in outs] == [tuple(layer["shape"]) for layer in spec["layers"]], \
            fuzz_models.describe(spec)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, phases=PHASES,
          print_blob=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                 HealthCheck.filter_too_much])
@given(spec=SPECS)
def test_random_models_convert_faithfully_or_are_refused_clearly(spec):
    note(fuzz_models.describe(spec))
    note("reproduction:\n" + fuzz_models.script(spec))
    outcome = fuzz_models.check(spec, reraise=True)  # internal errors propagate as themselves
    status = outcome["status"]
    if status == "refused":  # check() has verified that the error is the expected one and names the op
        return
    assert status == "converted", (
        f"{status}: {outcome.get('why') or outcome.get('problems')}\n"
        f"{outcome.get('error_class', '')}: {outcome.get('message', '')}")
    assert min(outcome["agreement"]) >= 0.99
