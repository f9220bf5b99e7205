"""Calibration methods compared: SQNR vs float of the converted model (LiteRT, builtin kernels) per
method, on every zoo model, the digits CNN and MiniLM, with a handful of small calibration batches
and with more. Prints a markdown table (methods x models) and checks the rule the default must
meet: never the worst method, and within 0.5 dB of the best, on every row.

    python bench/calibration_methods.py                       # everything (~15 min on 2 cores)
    python bench/calibration_methods.py --models mlp,gpt_block --settings 4x2

A setting `NxB` calibrates on N batches of B samples (the model is exported with batch B) and
tests on TEST_SAMPLES other samples (MiniLM: the 40 held-out sentences; digits: the 397 held-out
images). MiniLM has 96 calibration sentences, so its `16x8` row uses the 12 batches there are. For
MiniLM the table also gives the mean cosine of the embeddings; its SQNR is that of the
embeddings.
"""
from __future__ import annotations

import argparse
import dataclasses
import pathlib
import platform
import subprocess
import sys
import time
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
for _helpers in (ROOT, ROOT / "tests", ROOT / "examples"):
    if str(_helpers) not in sys.path:
        sys.path.insert(0, str(_helpers))

import shloq  # noqa: E402
from shloq.calibration import METHODS  # noqa: E402

ZOO_MODELS = ("mlp", "convnet", "einsum_block", "activations_mlp", "mobilenet_v3_block", "tiny_unet",
              "transformer_encoder", "gpt_block")
MODELS = ZOO_MODELS + ("digits", "minilm")
SETTINGS = ("4x2", "16x8")
TEST_SAMPLES = 512
MARGIN_DB = 0.5
TIE_DB = 0.05


@dataclasses.dataclass
class Case:
    """A float export at batch `batch`, its params, calibration batches and test batches."""
    exported: object
    params: object
    calibration: list         # input tuples
    tests: list               # input tuples
    rows: list                # real rows of each test batch (the last digits/MiniLM batch is padded)
    cosine: bool = False      # also report the mean cosine (sentence embeddings)


def zoo_case(name: str, n_batches: int, batch: int, test_samples: int = TEST_SAMPLES, seed: int = 0) -> Case:
    import jax
    import zoo

    rng = np.random.default_rng(seed)
    f, params, spec = zoo.ZOO[name](rng)
    spec = (zoo.TokenIds((batch,) + spec.shape[1:], spec.vocab) if isinstance(spec, zoo.TokenIds)
            else (batch,) + tuple(spec)[1:])
    exported = jax.export.export(jax.jit(f))(params, np.zeros(zoo.input_shape(spec), zoo.input_dtype(spec)))
    calibration = [(zoo.sample_input(rng, spec),) for _ in range(n_batches)]
    tests = [(zoo.sample_input(rng, spec),) for _ in range(max(1, test_samples // batch))]
    return Case(exported, params, calibration, tests, [batch] * len(tests))


_DIGITS = None


def digits_case(n_batches: int, batch: int) -> Case:
    import jax
    from shloq import demo

    global _DIGITS
    if _DIGITS is None:
        _DIGITS = demo.train_digits()
    model, variables = _DIGITS
    x_train, _, x_test, _ = demo.digits_data()
    exported = jax.export.export(jax.jit(lambda v, x: model.apply(v, x)))(variables, x_test[:batch])
    calibration = [(b,) for b in demo.batched(x_train[:n_batches * batch], batch)]
    tests = [(b,) for b in demo.batched(x_test, batch)]
    rows = [min(batch, len(x_test) - i * batch) for i in range(len(tests))]
    return Case(exported, variables, calibration, tests, rows)


def minilm_case(n_batches: int, batch: int) -> Case:
    import minilm

    variables = minilm.load_params()
    sentences = minilm.read_sentences("calibration")[:n_batches * batch]
    calibration = [(ids, mask) for ids, mask, _ in minilm.batches(sentences, batch)]
    tests, rows = [], []
    for ids, mask, n in minilm.batches(minilm.read_sentences("held_out"), batch):
        tests.append((ids, mask))
        rows.append(n)
    return Case(minilm.export(variables, batch), variables, calibration, tests, rows, cosine=True)


def build_case(model: str, setting: str, test_samples: int = TEST_SAMPLES) -> Case:
    """`setting` is `NxB`; `test_samples` applies to the zoo (digits and MiniLM test on their held-out sets)."""
    n_batches, batch = (int(v) for v in setting.split("x"))
    if model == "digits":
        return digits_case(n_batches, batch)
    if model == "minilm":
        return minilm_case(n_batches, batch)
    return zoo_case(model, n_batches, batch, test_samples)


def _flat(outputs, n):
    import jax
    return np.concatenate([np.asarray(y, np.float64)[:n].ravel() for y in jax.tree_util.tree_leaves(outputs)])


def measure(case: Case, method: str, emulate: bool = False) -> dict:
    """SQNR (dB) of the converted model's outputs vs float on the test batches (and the mean
    cosine for embeddings); `emulate` runs `model.emulate` instead of LiteRT."""
    rules = [shloq.QuantizationRule()]
    started = time.perf_counter()
    stats = shloq.calibrate(case.exported, rules, case.params, case.calibration, method=method, progress=False)
    calibrate_s = time.perf_counter() - started
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", shloq.ShloqWarning)
        model = shloq.convert(case.exported, rules, case.params, stats)
    reference, quantized, cosines = [], [], []
    for inputs, n in zip(case.tests, case.rows):
        ref = _flat(case.exported.call(case.params, *inputs), n)
        got = _flat(model.emulate(*inputs) if emulate else model(*inputs), n)
        reference.append(ref)
        quantized.append(got)
        if case.cosine:
            r, g = ref.reshape(n, -1), got.reshape(n, -1)
            cosines.extend(np.sum(r * g, -1) / np.maximum(np.linalg.norm(r, axis=-1) * np.linalg.norm(g, axis=-1),
                                                           1e-12))
    reference, quantized = np.concatenate(reference), np.concatenate(quantized)
    sqnr = 10 * np.log10(np.sum(reference ** 2) / max(np.sum((reference - quantized) ** 2), 1e-30))
    return {"sqnr": float(sqnr), "cosine": float(np.mean(cosines)) if cosines else None,
            "calibrate_s": calibrate_s}


def default_method() -> str:
    import inspect
    return inspect.signature(shloq.calibrate).parameters["method"].default


def verdict(row: dict, default: str) -> tuple[bool, str]:
    """Whether `default` is within MARGIN_DB of the best method of `row` (method -> SQNR) and not
    the worst: below every other method by more than TIE_DB (a tie at the bottom is no worst)."""
    others = [v for m, v in row.items() if m != default]
    gap = max(row.values()) - row[default]
    worst = bool(others) and row[default] < min(others) - TIE_DB
    return gap <= MARGIN_DB and not worst, f"{gap:.2f} dB below the best" + (", the worst" if worst else "")


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        fields = dict(line.split(":", 1) for line in lscpu.splitlines() if ":" in line)
        cpu = f"{fields['Model name'].strip()}, {fields['CPU(s)'].strip()} CPUs"
    except (OSError, KeyError):
        cpu = platform.processor() or "unknown CPU"
    return f"{cpu}, {platform.system()} {platform.machine()}, Python {platform.python_version()}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--settings", default=",".join(SETTINGS))
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--emulate", action="store_true", help="score model.emulate instead of LiteRT")
    args = parser.parse_args(argv)
    methods, default = args.methods.split(","), default_method()
    results = {}
    for model in args.models.split(","):
        for setting in args.settings.split(","):
            case = build_case(model, setting)
            label = f"{model} {setting}" if model != "minilm" or setting != "16x8" else "minilm 12x8"
            results[label] = {m: measure(case, m, args.emulate) for m in methods}
            print(f"{label}: " + ", ".join(f"{m} {r['sqnr']:.2f} dB" + (f" (cos {r['cosine']:.4f})" if r["cosine"] else "")
                                            for m, r in results[label].items()), file=sys.stderr, flush=True)
    print(f"SQNR vs float (dB) of the {'emulated' if args.emulate else 'LiteRT'} int8 model per calibration "
          f"method; NxB = N calibration batches of B samples. Default: `{default}`. Machine: {machine()}.\n")
    print("| model | " + " | ".join(methods) + " | default |")
    print("| --- |" + " ---: |" * len(methods) + " --- |")
    failures = 0
    for label, row in results.items():
        sqnr = {m: r["sqnr"] for m, r in row.items()}
        best = max(sqnr.values())
        cells = []
        for m in methods:
            cell = f"{sqnr[m]:.1f}" + (f" ({row[m]['cosine']:.3f})" if row[m]["cosine"] is not None else "")
            cells.append(f"**{cell}**" if sqnr[m] == best else cell)
        ok, why = verdict(sqnr, default) if default in sqnr else (True, "not measured")
        failures += not ok
        print(f"| {label} | " + " | ".join(cells) + f" | {'ok' if ok else 'FAIL'}: {why} |")
    times = {m: np.mean([row[m]["calibrate_s"] for row in results.values()]) for m in methods}
    print("\nmean calibrate time: " + ", ".join(f"{m} {t:.1f}s" for m, t in times.items()))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
