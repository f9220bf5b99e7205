"""MiniLM latency with XNNPACK per CPU feature class: float vs full-int8 vs the cpu-float-islands
profile, and which ops XNNPACK leaves to the builtin kernels, ranked by their time (issue 14).

    python bench/xnnpack_latency.py [--calibration 96] [--invocations 30] [--out bench/results]
    python bench/xnnpack_latency.py --zoo --baseline /path/to/main/checkout   # acceptance 4

- Records the CPU (`lscpu` model name and flags) beside every figure.
- Latency: 1 thread, the models taking turns invocation by invocation in one process, with XNNPACK
  and on the builtin kernels alone. Each CPU feature class this CPU can pose as is measured in a
  child process with `/work/shared/tools/cpuidmask` (`--cpuidmask`, an LD_PRELOAD shim hiding AMX,
  VNNI or AVX-512 from XNNPACK's CPUID checks); a class above this CPU's is "not measurable".
- Ops off XNNPACK are timed one at a time: each is cut out of the model into a one-op `.tflite`
  fed the tensors LiteRT computed for it, and invoked alone.
- `--zoo`: every zoo model (tests/zoo.py) converted by this checkout and by `--baseline` (another
  checkout, e.g. main), SQNR vs float on the test inputs and int8 latency of both, interleaved.
Writes `<out>/xnnpack_latency-<time>.json` and `.md`; the committed bench/results.md is not touched.
"""
from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from latency import interleaved_latency

BENCH = pathlib.Path(__file__).resolve().parent
ROOT = BENCH.parent
CPUIDMASK_SOURCE = "/work/shared/tools/cpuidmask/cpuidmask.c"
MODELS = ("float", "int8", "cpu-float-islands")
# Acceptance targets of issue 14 (int8/float and cpu-profile/float with XNNPACK), per CPU class.
TARGETS = {"AMX": {"int8": 0.26, "cpu-float-islands": 0.20}, "VNNI-only": {"int8": 0.45}}
# MiniLM full-int8 mean cosine on main before issue 14 (README: mse, 96 calibration sentences).
COSINE_BEFORE = 0.807
WARMUP = 3


# ---------------------------------------------------------------------------------------- the CPU

def lscpu() -> dict:
    """Model name and flags of this CPU, from `lscpu`."""
    out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    return {"model": fields.get("Model name", "?"), "flags": fields.get("Flags", "").split()}


def cpu_classes(flags: list[str]) -> list[tuple[str, str | None]]:
    """(class, CPUIDMASK value or None for this CPU as it is), from this CPU's class down."""
    if "amx_tile" in flags:
        native = "AMX"
    elif "avx512_vnni" in flags or "avx_vnni" in flags:
        native = "VNNI-only"
    elif "avx512f" in flags:
        native = "no-VNNI"
    else:
        native = "AVX2"
    order = [("AMX", None), ("VNNI-only", "noamx"), ("no-VNNI", "novnni"), ("AVX2", "avx2")]
    names = [name for name, _ in order]
    below = order[names.index(native) + 1:]
    can_mask = "cpuid_fault" in flags
    return [(native, None)] + (below if can_mask else [])


def build_cpuidmask(out_dir: pathlib.Path, source: str) -> str | None:
    if not os.path.exists(source):
        return None
    shim = out_dir / "cpuidmask.so"
    done = subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", str(shim), source], capture_output=True, check=False)
    return str(shim) if done.returncode == 0 else None


# ------------------------------------------------------------------------------------- the models

def build_minilm(out_dir: pathlib.Path, n_calibration: int | None) -> dict:
    """Float, int8 and cpu-profile MiniLM `.tflite`s in `out_dir`, their cosines and op facts."""
    sys.path.insert(0, str(ROOT / "examples"))
    import minilm

    import shloq
    import shloq.litert
    from pipelines import ops_left_to_builtin_kernels

    variables = minilm.load_params()
    exported = minilm.export(variables, 8)
    rules = shloq.QuantizationRule()
    calibration = [(ids, mask.astype(np.float32)) for ids, mask, _ in
                   minilm.batches(minilm.read_sentences("calibration")[:n_calibration], 8)]
    facts = {}
    (out_dir / "float.tflite").write_bytes(shloq.float_tflite(exported, variables))
    for profile, name in (("full-integer", "int8"), ("cpu-float-islands", "cpu-float-islands")):
        started = time.perf_counter()
        stats = shloq.calibrate(exported, rules, variables, calibration, progress=False, profile=profile)
        model = shloq.convert(exported, rules, variables, stats, profile=profile)
        seconds = time.perf_counter() - started
        (out_dir / f"{name}.tflite").write_bytes(model.tflite)
        ev = minilm.evaluate(model, variables, exported)
        table = model.op_table()
        facts[name] = {"mean_cosine": ev["mean_cosine"], "min_cosine": ev["min_cosine"], "bytes": len(model.tflite),
                       "calibrate_convert_s": seconds, "ops": len(table),
                       "float_ops": sorted({op["op"] for op in shloq.litert.float_ops(table)}),
                       "batch_matmuls": sum(op["op"] == "BATCH_MATMUL" for op in table),
                       "batch_matmuls_off_xnnpack": ops_left_to_builtin_kernels(model.tflite).count("BATCH_MATMUL")}
    ids, mask, _ = next(minilm.batches(minilm.read_sentences("held_out"), 8))
    np.savez(out_dir / "inputs.npz", ids=ids, mask=mask.astype(np.float32))
    return facts


def feed(interp, inputs: list[np.ndarray]) -> None:
    for detail, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(detail["index"], np.asarray(x).astype(detail["dtype"]))




def isolated_op_times(tflite: bytes, inputs: list, repeats: int = 20) -> list[dict]:
    """Each op XNNPACK leaves to the builtin kernels, cut out into a one-op model fed the tensors
    LiteRT computed for it and timed alone (median ms; XNNPACK on, as in the whole model)."""
    from ai_edge_litert import interpreter as lite
    from ai_edge_litert import schema_py_generated as schema

    from shloq import litert

    full = litert.interpreter(tflite, preserve_all_tensors=True)
    feed(full, inputs)
    full.invoke()
    ops = full._get_ops_details()
    off = ops_off_xnnpack(tflite)
    model = schema.ModelT.InitFromPackedBuf(bytearray(tflite), 0)
    graph = model.subgraphs[0]
    operators = list(graph.operators)
    found = []
    for index, (op, detail) in enumerate(zip(operators, ops)):
        if index not in off:
            continue
        feeds = [int(i) for i in op.inputs if i >= 0 and _is_activation(model, graph.tensors[i])]
        graph.operators, graph.inputs, graph.outputs = [op], feeds, list(op.outputs)
        builder = __import__("flatbuffers").Builder(1024)
        builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
        single = lite.Interpreter(model_content=bytes(builder.Output()), num_threads=1)
        single.allocate_tensors()
        for detail_in, i in zip(single.get_input_details(), feeds):
            single.set_tensor(detail_in["index"], full.get_tensor(i))
        for _ in range(WARMUP):
            single.invoke()
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            single.invoke()
            times.append(time.perf_counter() - started)
        found.append({"index": index, "op": detail["op_name"], "ms": 1e3 * statistics.median(times)})
    graph.operators = operators
    return found


def _is_activation(model, tensor) -> bool:
    data = model.buffers[tensor.buffer].data if tensor.buffer >= 0 else None
    return data is None or len(data) == 0


def ops_off_xnnpack(tflite: bytes) -> set[int]:
    """Indices of the ops XNNPACK leaves to the builtin kernels (as bench/pipelines.py finds them:
    with delegate node fusion off, a delegated op's outputs come from a DELEGATE node of its own)."""
    from ai_edge_litert import interpreter as lite
    interp = lite.Interpreter(model_content=tflite, num_threads=1, experimental_disable_delegate_node_fusion=True)
    interp.allocate_tensors()
    ops = interp._get_ops_details()
    delegated = {t for op in ops if op["op_name"] == "DELEGATE" for t in op["outputs"]}
    return {op["index"] for op in ops if op["op_name"] != "DELEGATE" and not set(op["outputs"]) <= delegated}


# ------------------------------------------------------------------------------ measuring children

def measure_child(args) -> None:
    """In a child (possibly with cpuidmask preloaded): the CPU features XNNPACK sees and the
    interleaved latencies of the models in `--measure DIR`, as JSON on stdout."""
    from numpy._core._multiarray_umath import __cpu_features__ as features
    directory = pathlib.Path(args.measure)
    names = json.loads((directory / "models.json").read_text())
    tflites = {name: (directory / f"{name}.tflite").read_bytes() for name in names}
    inputs = list(np.load(directory / "inputs.npz").values())
    result = {"features": {k: bool(features.get(k)) for k in ("AVX512VNNI", "AVX512F", "AVX2")},
              "latency": interleaved_latency(tflites, lambda interp: feed(interp, inputs), args.invocations, WARMUP)}
    print(json.dumps(result))


def run_class(directory: pathlib.Path, mask: str | None, shim: str | None, invocations: int,
              extra_path: str | None = None) -> dict:
    env = dict(os.environ)
    if mask:
        env.update(LD_PRELOAD=shim, CPUIDMASK=mask)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), str(BENCH), extra_path]))
    done = subprocess.run([sys.executable, __file__, "--measure", str(directory), "--invocations", str(invocations)],
                          capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------- the zoo

def zoo_child(args) -> None:
    """In a child whose PYTHONPATH is one checkout: each zoo model converted by it (int8), its
    SQNR vs float on the test inputs (LiteRT, builtin kernels), the `.tflite`s written to DIR."""
    sys.path.insert(0, str(ROOT / "tests"))
    import jax
    import zoo

    import shloq
    directory = pathlib.Path(args.zoo_build)
    result = {}
    for name in zoo.ZOO:
        f, params, exported, calibration, tests = zoo.build(name)
        rules = shloq.QuantizationRule()
        stats = shloq.calibrate(exported, rules, params, calibration, progress=False)
        model = shloq.convert(exported, rules, params, stats)
        reference = np.concatenate([np.asarray(jax.jit(f)(params, x)).reshape(-1) for x in tests])
        got = np.concatenate([np.asarray(model(x)).reshape(-1) for x in tests])
        sqnr = 10 * np.log10(np.sum(reference ** 2) / np.sum((reference - got) ** 2))
        (directory / f"{name}.tflite").write_bytes(model.tflite)
        np.savez(directory / f"{name}.inputs.npz", x=tests[0])
        result[name] = {"sqnr_db": float(sqnr), "shloq": str(pathlib.Path(shloq.__file__).parent)}
    print(json.dumps(result))


def zoo_table(out_dir: pathlib.Path, baseline: str, invocations: int) -> list[dict]:
    sys.path.insert(0, str(ROOT / "tests"))
    import zoo
    sides = {}
    for side, source in (("before", baseline), ("after", str(ROOT))):
        directory = out_dir / f"zoo-{side}"
        directory.mkdir(exist_ok=True)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([source, str(BENCH)]))
        done = subprocess.run([sys.executable, __file__, "--zoo-build", str(directory)], capture_output=True,
                              text=True, env=env, cwd=source, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"zoo build with {source} failed: {done.stderr.strip().splitlines()[-1]}")
        sides[side] = json.loads(done.stdout.strip().splitlines()[-1])
    rows = []
    for name in zoo.ZOO:
        tflites = {side: (out_dir / f"zoo-{side}" / f"{name}.tflite").read_bytes() for side in sides}
        inputs = list(np.load(out_dir / "zoo-after" / f"{name}.inputs.npz").values())
        latency = interleaved_latency(tflites, lambda interp: feed(interp, inputs), invocations, WARMUP)
        rows.append({"model": name, **{f"sqnr_{s}": sides[s][name]["sqnr_db"] for s in sides},
                     **{f"{k}_{s}": latency[s][k] for s in sides for k in ("xnnpack_ms", "builtin_ms")}})
    return rows


# ------------------------------------------------------------------------------------------ report

def report(cpu, facts, classes, ranking, zoo_rows) -> list[str]:
    lines = [f"CPU: {cpu['model']}", "flags: " + " ".join(
        f for f in cpu["flags"] if f.startswith(("avx", "amx", "fma", "sse4", "cpuid_fault"))), ""]
    lines.append("| model | mean cosine | min | bytes | float ops | BATCH_MATMUL in XNNPACK | calibrate+convert s |")
    lines.append("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
    for name, f in facts.items():
        lines.append(f"| {name} | {f['mean_cosine']:.4f} | {f['min_cosine']:.4f} | {f['bytes']} | "
                     f"{', '.join(f['float_ops']) or '-'} | {f['batch_matmuls'] - f['batch_matmuls_off_xnnpack']}"
                     f"/{f['batch_matmuls']} | {f['calibrate_convert_s']:.1f} |")
    lines += ["", "| CPU class | XNNPACK sees VNNI / AVX-512 | float ms | int8 ms (x float) | cpu profile ms (x float) "
              "| builtin kernels: int8 (x float) |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for cls, result in classes.items():
        if "error" in result:
            lines.append(f"| {cls} | {result['error']} | | | | |")
            continue
        lat, feat = result["latency"], result["features"]
        fl = lat["float"]["xnnpack_ms"]
        lines.append(f"| {cls} | {feat['AVX512VNNI']} / {feat['AVX512F']} | {fl:.2f} | "
                     f"{lat['int8']['xnnpack_ms']:.2f} ({lat['int8']['xnnpack_ms'] / fl:.2f}x) | "
                     f"{lat['cpu-float-islands']['xnnpack_ms']:.2f} ({lat['cpu-float-islands']['xnnpack_ms'] / fl:.2f}x) | "
                     f"{lat['int8']['builtin_ms']:.2f} ({lat['int8']['builtin_ms'] / lat['float']['builtin_ms']:.2f}x) |")
    skipped = [cls for cls in ("AMX", "VNNI-only", "no-VNNI", "AVX2") if cls not in classes]
    if skipped:
        lines.append(f"Not measured here: {', '.join(skipped)} (a class above this CPU's, or no `cpuid_fault` flag, "
                     "without which cpuidmask cannot hide CPU features)")
    lines += ["", "Targets:"]
    for cls, targets in TARGETS.items():
        for model, bound in targets.items():
            name = f"MiniLM {model} <= {bound}x float with XNNPACK on a {cls} CPU"
            result = classes.get(cls)
            if result is None or "error" in result:
                lines.append(f"- {name}: not measurable on this CPU")
                continue
            ratio = result["latency"][model]["xnnpack_ms"] / result["latency"]["float"]["xnnpack_ms"]
            lines.append(f"- {name}: {'PASS' if ratio <= bound else 'FAIL'} ({ratio:.3f}x)")
    int8 = facts["int8"]
    lines.append(f"- all {int8['batch_matmuls']} BATCH_MATMULs in XNNPACK: "
                 f"{'PASS' if int8['batch_matmuls_off_xnnpack'] == 0 else 'FAIL'}")
    lines.append(f"- int8 mean cosine not lower than before ({COSINE_BEFORE}, 96 calibration sentences): "
                 f"{'PASS' if int8['mean_cosine'] >= COSINE_BEFORE else 'FAIL'} ({int8['mean_cosine']:.4f})")
    for model, ops in ranking.items():
        total = collections.defaultdict(float)
        for op in ops:
            total[op["op"]] += op["ms"]
        lines += ["", f"Ops off XNNPACK in {model} (this CPU as it is), each timed alone:",
                  "| op | count | ms |", "| --- | ---: | ---: |"]
        counts = collections.Counter(op["op"] for op in ops)
        lines += [f"| {op} | {counts[op]} | {ms:.3f} |" for op, ms in sorted(total.items(), key=lambda kv: -kv[1])]
    if zoo_rows:
        lines += ["", "Zoo, full-int8 before (baseline) / after (this checkout): SQNR vs float and latency",
                  "| model | SQNR dB before | after | XNNPACK ms before | after | builtin ms before | after | verdict |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for r in zoo_rows:
            ok = r["sqnr_after"] >= r["sqnr_before"] - 0.05 and r["xnnpack_ms_after"] <= 1.05 * r["xnnpack_ms_before"]
            lines.append(f"| {r['model']} | {r['sqnr_before']:.2f} | {r['sqnr_after']:.2f} | "
                         f"{r['xnnpack_ms_before']:.3f} | {r['xnnpack_ms_after']:.3f} | {r['builtin_ms_before']:.3f} | "
                         f"{r['builtin_ms_after']:.3f} | {'PASS' if ok else 'FAIL'} |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calibration", type=int, default=96, help="calibration sentences (96: all)")
    parser.add_argument("--invocations", type=int, default=30)
    parser.add_argument("--out", default=str(BENCH / "results"))
    parser.add_argument("--cpuidmask", default=CPUIDMASK_SOURCE, help="source of the cpuidmask shim")
    parser.add_argument("--zoo", action="store_true", help="also the zoo before/after table")
    parser.add_argument("--reuse", help="a work folder of an earlier run: its MiniLM models, not rebuilt")
    parser.add_argument("--baseline", help="checkout to compare the zoo against (e.g. main)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--zoo-build", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure_child(args)
        return 0
    if args.zoo_build:
        zoo_child(args)
        return 0
    if args.zoo and not args.baseline:
        parser.error("--zoo needs --baseline")
    out_dir = pathlib.Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    cpu = lscpu()
    if args.reuse:
        work = pathlib.Path(args.reuse)
        facts = json.loads((work / "facts.json").read_text())
    else:
        work = pathlib.Path(tempfile.mkdtemp(prefix="work-", dir=out_dir))
        facts = build_minilm(work, args.calibration)
        (work / "facts.json").write_text(json.dumps(facts))
    (work / "models.json").write_text(json.dumps(list(MODELS)))
    shim = build_cpuidmask(work, args.cpuidmask)
    classes = {}
    for cls, mask in cpu_classes(cpu["flags"]):
        if mask and shim is None:
            continue
        classes[cls] = run_class(work, mask, shim, args.invocations)
    inputs = list(np.load(work / "inputs.npz").values())
    ranking = {name: isolated_op_times((work / f"{name}.tflite").read_bytes(), inputs)
               for name in ("int8", "cpu-float-islands")}
    zoo_rows = zoo_table(work, args.baseline, args.invocations) if args.zoo else []
    lines = report(cpu, facts, classes, ranking, zoo_rows)
    print("\n".join(lines))
    (out_dir / f"xnnpack_latency-{stamp}.md").write_text("\n".join(lines) + "\n")
    (out_dir / f"xnnpack_latency-{stamp}.json").write_text(json.dumps(
        {"cpu": cpu, "facts": facts, "classes": classes, "ranking": ranking, "zoo": zoo_rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
