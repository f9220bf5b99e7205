"""How long shloq takes to quantize a model, against AI Edge Quantizer, in one process on the same data.

    python bench/tool_speed.py [--model minilm|ZOO_NAME] [--repeat N] [--quick] [--out DIR] [--profile]

- shloq: `jax.export` of the model (params as arguments), `shloq.calibrate` (default method),
  `shloq.convert` (strict, with its default LiteRT check of the first batch);
- AI Edge Quantizer (AEQ): `jax.export` of the model with its weights closed over, the float
  `.tflite` made by litert-converter straight from that export (what AEQ quantizes), then AEQ's
  `static_wi8_ai8` calibrate (LiteRT on as many threads as the machine has cores, not AEQ's
  default 16) and quantize on the same calibration batches.

Both pipelines run once on a tiny model first (imports, JAX's backend, the converter's context and
LiteRT load once per process, whoever comes first), then `--repeat` times each, alternating, with
JAX's in-memory caches cleared before each run (traces and compiled functions: each run compiles
what a fresh process would); the best total of each is compared: PASS when shloq's is at most AEQ's. Each phase is broken down:
shloq's passes, JAX tracing/lowering, XLA compiling, running the calibration batches, the LiteRT
converter, the LiteRT check. The JAX persistent compilation cache is used when enabled
(`JAX_COMPILATION_CACHE_DIR`); the run says whether it was. The report (and a JSON of the same
numbers) goes to `--out` (default bench/results/, not committed) with the load average and CPU.
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import dataclasses
import json
import os
import pathlib
import platform
import subprocess
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "examples"), str(HERE.parent / "tests")]
SIGNATURE = "serving_default"


@dataclasses.dataclass
class Workload:
    """A model to quantize: `apply(params, *inputs)`, its params, example inputs and calibration batches."""
    name: str
    apply: object
    params: object
    example: tuple
    calibration: list


def workload(name: str, quick: bool) -> Workload:
    """MiniLM on its calibration sentences (96, in batches of 8; `quick`: 16), or a zoo model on
    its 16 random batches (`quick`: 2)."""
    if name == "minilm":
        import minilm
        sentences = minilm.read_sentences("calibration")[:16 if quick else None]
        batches = [(ids, mask) for ids, mask, _ in minilm.batches(sentences, 8)]
        return Workload(name, minilm.apply, minilm.load_params(), batches[0], batches)
    import zoo
    rng = np.random.default_rng(0)
    f, params, spec = zoo.ZOO[name](rng)
    batches = [(zoo.sample_input(rng, spec),) for _ in range(2 if quick else 16)]
    return Workload(name, f, params, batches[0], batches)


# ---------------------------------------------------------------------------------------------------
# Where the time goes: phases timed around the pipelines' calls, their parts from hooks inside

class Breakdown:
    """Seconds per part, accumulated while `active`: shloq's passes, JAX's trace/lowering and XLA
    compile (jax.monitoring events), the LiteRT converter and shloq's LiteRT check (wrapped calls)."""

    def __init__(self):
        self.parts = collections.Counter()
        self.active = False
        import jax
        from litert_converter.mlir._mlir_libs import converter_api_ext

        import shloq.api
        import shloq.passes

        jax.monitoring.register_event_duration_secs_listener(self._jax_event)
        self._wrap(converter_api_ext, "run_convert_to_tfl_passes", "LiteRT converter")
        self._wrap(converter_api_ext, "export_flatbuffer_to_bytes", "LiteRT converter")
        self._wrap(shloq.api, "check_conversion", "LiteRT check of the first batch")
        self._wrap(shloq.passes.ModulePass, "__call__", "shloq passes")

    _JAX_EVENTS = {"/jax/core/compile/backend_compile_duration": "XLA compile",
                   "/jax/core/compile/jaxpr_trace_duration": "JAX trace + lowering",
                   "/jax/core/compile/jaxpr_to_mlir_module_duration": "JAX trace + lowering"}

    def _jax_event(self, event, duration, **_):
        if self.active and event in self._JAX_EVENTS:
            self.parts[self._JAX_EVENTS[event]] += duration

    def _wrap(self, owner, attr, part):
        inner = getattr(owner, attr)
        depth = [0]  # nested calls (a pass pipeline inside the converter's) count once

        def timed(*args, **kwargs):
            depth[0] += 1
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                depth[0] -= 1
                if self.active and depth[0] == 0:
                    self.parts[part] += time.perf_counter() - start

        setattr(owner, attr, timed)


@dataclasses.dataclass
class Run:
    pipeline: str
    phases: dict = dataclasses.field(default_factory=dict)   # phase -> seconds, in order
    parts: dict = dataclasses.field(default_factory=dict)    # phase -> {part: seconds}
    tflite: bytes = b""

    @property
    def total(self) -> float:
        return sum(self.phases.values())


@contextlib.contextmanager
def phase(run: Run, name: str, breakdown: Breakdown):
    before = collections.Counter(breakdown.parts)
    breakdown.active = True
    start = time.perf_counter()
    try:
        yield
    finally:
        run.phases[name] = time.perf_counter() - start
        breakdown.active = False
        run.parts[name] = {k: v - before[k] for k, v in breakdown.parts.items() if v - before[k] > 0}


def shloq_pipeline(w: Workload, breakdown: Breakdown, profile: cProfile.Profile | None = None) -> Run:
    import jax

    import shloq
    run, rules = Run("shloq"), [shloq.QuantizationRule()]
    if profile:
        profile.enable()
    with phase(run, "export", breakdown):
        exported = jax.export.export(jax.jit(lambda params, *xs: w.apply(params, *xs)))(w.params, *w.example)
    with phase(run, "calibrate", breakdown):
        stats = shloq.calibrate(exported, rules, w.params, w.calibration, progress=False)
    with phase(run, "convert", breakdown):
        run.tflite = shloq.convert(exported, rules, w.params, stats, strict=True).tflite
    if profile:
        profile.disable()
    return run


def float_tflite_by_converter(exported) -> bytes:
    """litert-converter on the export as it is (weights as constants), no quantization."""
    from litert_converter.mlir import ir, passmanager
    from litert_converter.mlir._mlir_libs import converter_api_ext as c
    from litert_converter.mlir.dialects import stablehlo

    ctx = ir.Context()
    c.prepare_mlir_context(ctx)
    with ctx, ir.Location.unknown():
        module = stablehlo.deserialize_portable_artifact(ctx, exported.mlir_module_serialized)
        c.set_signature(module.operation, signature_name=SIGNATURE,
                        input_names=[f"input_{i}" for i in range(len(exported.in_avals))],
                        output_names=[f"output_{i}" for i in range(len(exported.out_avals))])
        c.run_convert_to_tfl_passes(module, passmanager.PassManager(), c.ConvertToTFLConfig())
        return bytes(c.export_flatbuffer_to_bytes(module.operation))


def aeq_pipeline(w: Workload, breakdown: Breakdown) -> Run:
    import jax
    from ai_edge_quantizer import quantizer, recipe

    from aeq_oracle import _interpreter, _signature_names
    run = Run("AI Edge Quantizer")
    with phase(run, "export", breakdown):
        exported = jax.export.export(jax.jit(lambda *xs: w.apply(w.params, *xs)))(*w.example)
    with phase(run, "float .tflite", breakdown):
        float_tflite = float_tflite_by_converter(exported)
    names, _ = _signature_names(_interpreter(float_tflite))
    samples = [dict(zip(names, batch)) for batch in w.calibration]
    with phase(run, "calibrate", breakdown):
        aeq = quantizer.Quantizer(bytearray(float_tflite), recipe.static_wi8_ai8())
        qsvs = aeq.calibrate({SIGNATURE: samples}, num_threads=os.cpu_count())
    with phase(run, "quantize", breakdown):
        run.tflite = bytes(aeq.quantize(qsvs, enable_progress_report=False).quantized_model)
    return run


# ---------------------------------------------------------------------------------------------------
# Report

def machine() -> dict:
    """Load average, CPU model and cores, versions: what a timing on a shared machine depends on."""
    from importlib import metadata
    cpu = platform.processor()
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        cpu = next((line.split(":", 1)[1].strip() for line in lscpu.splitlines() if line.startswith("Model name")), cpu)
    except (OSError, subprocess.SubprocessError):
        pass
    versions = {}
    for package in ("jax", "litert-converter", "ai-edge-litert", "ai-edge-quantizer"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return {"cpu": cpu, "cores": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
            "versions": versions, "jax_compilation_cache_dir": _jax_cache_dir()}


def _jax_cache_dir() -> str | None:
    import jax
    return jax.config.jax_compilation_cache_dir or None


def report(w: Workload, runs: list[Run], load_before, load_after, info: dict) -> tuple[str, bool]:
    best = {p: min((r for r in runs if r.pipeline == p), key=lambda r: r.total)
            for p in dict.fromkeys(r.pipeline for r in runs)}
    shloq_run, aeq_run = best["shloq"], best["AI Edge Quantizer"]
    passed = shloq_run.total <= aeq_run.total
    lines = [f"tool speed on {w.name}: {len(w.calibration)} calibration batches of "
             f"{'/'.join(str(np.shape(x)) for x in w.calibration[0])}",
             f"machine: {info['cpu']}, {info['cores']} cores; load average before {load_before}, after {load_after}",
             f"versions: {', '.join(f'{k} {v}' for k, v in info['versions'].items())}",
             f"JAX persistent compilation cache: {info['jax_compilation_cache_dir'] or 'off'}", ""]
    for pipeline, run in best.items():
        totals = ", ".join(f"{r.total:.2f}" for r in runs if r.pipeline == pipeline)
        lines.append(f"{pipeline}: best {run.total:.2f} s (runs: {totals} s)")
        for name, seconds in run.phases.items():
            lines.append(f"  {name:<14} {seconds:7.2f} s")
            parts = run.parts.get(name, {})
            for part, part_s in sorted(parts.items(), key=lambda kv: -kv[1]):
                lines.append(f"    {part:<32} {part_s:7.2f} s")
            if parts:
                lines.append(f"    {'other':<32} {seconds - sum(parts.values()):7.2f} s")
    verdict = "PASS" if passed else "FAIL"
    lines += ["", f"[{verdict}] shloq export+calibrate+convert <= AEQ float conversion+calibrate+quantize: "
                  f"{shloq_run.total:.2f} s vs {aeq_run.total:.2f} s ({shloq_run.total / aeq_run.total:.2f}x)"]
    return "\n".join(lines), passed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="minilm", help="minilm or a tests/zoo.py model name")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each pipeline (best counts)")
    parser.add_argument("--quick", action="store_true", help="less calibration data (smoke test)")
    parser.add_argument("--out", type=pathlib.Path, default=HERE / "results")
    parser.add_argument("--profile", action="store_true", help="write a cProfile of shloq's first timed run")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TQDM_DISABLE", "1")
    import jax

    breakdown = Breakdown()
    warmup = workload("mlp", quick=True)
    shloq_pipeline(warmup, breakdown)
    aeq_pipeline(warmup, breakdown)

    w = workload(args.model, args.quick)
    load_before = [round(x, 2) for x in os.getloadavg()]
    profile = cProfile.Profile() if args.profile else None
    runs = []
    for i in range(args.repeat):
        jax.clear_caches()  # each run compiles as a fresh process would (a persistent cache stays)
        runs.append(shloq_pipeline(w, breakdown, profile if i == 0 else None))
        jax.clear_caches()
        runs.append(aeq_pipeline(w, breakdown))
    load_after = [round(x, 2) for x in os.getloadavg()]
    shloq_bytes = {r.tflite for r in runs if r.pipeline == "shloq"}
    if len(shloq_bytes) != 1:
        raise SystemExit("shloq gave different .tflite bytes across runs")

    info = machine()
    text, passed = report(w, runs, load_before, load_after, info)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"tool_speed_{w.name}{'_quick' if args.quick else ''}"
    stem.with_suffix(".txt").write_text(text + "\n")
    stem.with_suffix(".json").write_text(json.dumps({
        "model": w.name, "quick": args.quick, "passed": passed, "machine": info,
        "load_before": load_before, "load_after": load_after,
        "runs": [{"pipeline": r.pipeline, "total_s": r.total, "phases": r.phases, "parts": r.parts,
                  "tflite_bytes": len(r.tflite)} for r in runs]}, indent=1) + "\n")
    if profile:
        profile.dump_stats(stem.with_suffix(".prof"))
    print(f"written: {stem}.txt, {stem}.json" + (f", {stem}.prof" if profile else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
