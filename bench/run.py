"""shloq against AI Edge Quantizer, Qwix and float LiteRT on the same models and data, and shloq's
scaling with model depth. Writes results.md, results.json, peers.png and scaling.png.

    python bench/run.py                      # every model + scaling, into bench/
    python bench/run.py --models digits,minilm --no-scaling
    python bench/run.py --smoke              # CI: digits, all peers, small scaling grid, into a temp dir

Not part of the test suite's timing: it takes minutes (MiniLM and the 32-layer stacks dominate).
tests/test_bench.py runs --smoke.
"""
from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

import cases
import child
import report
import scaling
from pipelines import result_path

BENCH = pathlib.Path(__file__).resolve().parent
PIPELINES_SCRIPT = str(BENCH / "pipelines.py")


def _job(workdir: pathlib.Path, job: str, args: list[str], timeout: float) -> tuple[child.ChildRun, dict]:
    """Runs a pipelines.py job; returns the process record and the JSON it wrote ({} if none)."""
    log = workdir / f"{job}_{'_'.join(args)}.log"
    run = child.run([PIPELINES_SCRIPT, job, str(workdir), *args], str(log), timeout)
    out = result_path(workdir, job, *args)
    return run, (json.loads(out.read_text()) if out.exists() else {})


def _failure(run: child.ChildRun, result: dict) -> str:
    return result.get("error") or run.failure()


def bench_model(name: str, workdir: pathlib.Path, quick: bool, invocations: int, timeout: float) -> list[dict]:
    """Every pipeline on one model: rows for report.peer_table."""
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    case = cases.build(name, quick=quick)
    case.save(workdir / "case.pkl")
    print(f"{name}: built in {time.perf_counter() - started:.1f} s", flush=True)
    pipelines = ["float", "shloq", "aeq"] + [f"qwix-{linen}" for linen in case.qwix]
    rows = []
    for pipeline in pipelines:
        job = pipeline.split("-")[0]
        run, result = _job(workdir, job, [pipeline] if job == "qwix" else [], timeout)
        row = {"model": name, "pipeline": pipeline, "label": report.PIPELINE_LABELS[pipeline],
               "metric": case.metric, "peak_rss_mb": run.peak_rss_mb, "status": "ok",
               "calibrate_s": result.get("calibrate_s"), "convert_s": result.get("convert_s")}
        if pipeline in report.PIPELINE_NOTES:
            row["note"] = report.PIPELINE_NOTES[pipeline]
        if not run.ok:
            row["status"] = _failure(run, result)
        else:
            check, checked = _job(workdir, "check", [pipeline], timeout)
            if not check.ok:
                row["status"] = f"its model fails in LiteRT: {_failure(check, checked)}"
            else:
                outputs = np.load(workdir / f"{pipeline}.outputs.npz")
                n_outputs = len(case.reference[0])
                row["accuracy"] = cases.accuracy(case, [[outputs[f"{i}_{j}"] for j in range(n_outputs)]
                                                        for i in range(len(case.tests))])
                row.update({k: checked[k] for k in ("bytes", "ops", "float_ops", "float_op_names", "non_xnnpack_ops",
                                                    "non_xnnpack_op_names")})
        print(f"  {pipeline:<22} {row['status'] if row['status'] != 'ok' else _summary(row)}", flush=True)
        rows.append(row)
    if not case.qwix:
        rows.append({"model": name, "pipeline": "qwix", "label": "Qwix", "metric": case.metric,
                     "status": "n/a (not Flax Linen)"})
    measured = [r["pipeline"] for r in rows if "accuracy" in r]
    if measured:
        run, result = _job(workdir, "latency", [str(invocations), *measured], timeout)
        for r in rows:
            if r["pipeline"] in result:
                r.update(result[r["pipeline"]])
            elif r["pipeline"] in measured:
                r["note"] = "; ".join(filter(None, [r.get("note"), f"latency not measured: {_failure(run, result)}"]))
    return rows


def _summary(row: dict) -> str:
    accuracy = f"{row['accuracy']:.1f} dB" if row["metric"] == "sqnr" else f"cosine {row['accuracy']:.4f}"
    calibrate = "" if row["calibrate_s"] is None else f"calibrate {row['calibrate_s']:.2f} s, "
    return (f"{calibrate}convert {row['convert_s']:.2f} s, "
            f"{row['peak_rss_mb']:.0f} MB, {row['bytes'] / 1024:.0f} KB, {row['float_ops']}/{row['ops']} float ops, "
            f"{accuracy}")


def _context(argv: list[str], load_before, load_after, wall_s: float) -> str:
    versions = ", ".join(f"{p} {importlib.metadata.version(p)}" for p in
                         ("jax", "ai-edge-litert", "litert-converter", "ai-edge-quantizer", "qwix", "flax"))
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        if _git("status", "--porcelain", "--", "shloq"):
            commit += " with uncommitted changes in shloq/"
    except OSError:
        commit = "?"
    return (f"`{' '.join(['python bench/run.py', *argv])}`, {datetime.datetime.now():%Y-%m-%d %H:%M}, shloq at {commit}, "
            f"{wall_s / 60:.1f} min. Machine: {os.cpu_count()} cores, load average (1/5/15 min) "
            f"{'/'.join(f'{x:.1f}' for x in load_before)} at the start, "
            f"{'/'.join(f'{x:.1f}' for x in load_after)} at the end: other work shared the cores, so times "
            f"are noisy; the latency ratios are the steadier figures (the models of a case take turns). "
            f"Versions: {versions}.")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=BENCH.parent, capture_output=True, text=True).stdout.strip()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(cases.MODELS),
                        help=f"comma-separated, from {','.join(cases.MODELS)}")
    parser.add_argument("--out", help="directory for results.md, results.json and the PNGs (default: bench/)")
    parser.add_argument("--quick", action="store_true", help="less calibration and test data; digits untrained")
    parser.add_argument("--invocations", type=int, default=50, help="timed LiteRT invocations per model (>= 30)")
    parser.add_argument("--no-scaling", dest="scaling", action="store_false")
    parser.add_argument("--scaling-families", default=",".join(scaling.FAMILIES))
    parser.add_argument("--scaling-depths", default=",".join(map(str, scaling.DEPTHS)))
    parser.add_argument("--scaling-repeats", type=int, default=1)
    parser.add_argument("--profile-scaling", action="store_true",
                        help="when the 32/8 layer target fails, profile both points and list what grew")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per child process")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (models, logs)")
    parser.add_argument("--smoke", action="store_true",
                        help="CI: --models digits --quick --invocations 30, scaling mlp at 2 and 4 layers, "
                             "into a temp dir unless --out")
    args = parser.parse_args(argv)
    if args.smoke:
        args.models, args.quick, args.invocations = "digits", True, 30
        args.scaling_families, args.scaling_depths = "mlp", "2,4"
    if args.invocations < 30:
        parser.error("--invocations must be at least 30")
    return args


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    out = pathlib.Path(args.out) if args.out else (
        pathlib.Path(tempfile.mkdtemp(prefix="shloq_bench_")) if args.smoke else BENCH)
    out.mkdir(parents=True, exist_ok=True)
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="shloq_bench_work_"))
    started, load_before = time.perf_counter(), os.getloadavg()
    try:
        rows = []
        for name in [m for m in args.models.split(",") if m]:
            rows += bench_model(name, workdir / name, args.quick, args.invocations, args.timeout)
        points = []
        if args.scaling:
            print("scaling:", flush=True)
            points = scaling.run_points(workdir, args.scaling_families.split(","),
                                        [int(d) for d in args.scaling_depths.split(",")], args.scaling_repeats,
                                        args.timeout)
        found = report.targets(rows, points)
        charts = {"peers": "peers.png", "scaling": "scaling.png"}
        if rows:
            report.peer_chart(rows, out / charts["peers"])
        if points:
            scaling.plot(points, out / charts["scaling"])
        context = _context(argv, load_before, os.getloadavg(), time.perf_counter() - started)
        (out / "results.md").write_text(report.markdown(context, rows, points, found, charts))
        (out / "results.json").write_text(json.dumps({"rows": rows, "scaling": points,
                                                      "targets": [t.__dict__ for t in found]}, indent=1))
        print("\nperformance targets:")
        for target in found:
            print("  " + target.line())
        if args.profile_scaling:
            for family in sorted({p["family"] for p in points}):
                ratio = scaling.growth(points, family)
                if ratio is not None and ratio > 4.5:
                    print("\n" + scaling.profile_growth(workdir, family))
        print(f"\nwrote {out / 'results.md'} ({(time.perf_counter() - started) / 60:.1f} min)")
    finally:
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
