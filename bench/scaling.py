"""How shloq's calibrate + convert time and peak memory grow with model depth.

Models of growing depth, in two families: an MLP stack (dense + bias + ReLU per layer) and a
pre-LN transformer stack (layer norm, 4-head self-attention with softmax, GELU MLP, residual adds
per layer; the blocks of tests/zoo.py). Each point runs in its own child process:

    python bench/scaling.py FAMILY DEPTH OUT.json [PROFILE.prof]

which exports the model, calibrates it on four batches and converts it (strict), and writes the
StableHLO op count and the calibrate and convert seconds (with PROFILE.prof, under cProfile).
run.py drives the points (`run_points`), plots them and computes the growth ratio.
Passes that stay linear in the module size keep time(32 layers) / time(8 layers) near 4.
"""
from __future__ import annotations

import json
import pathlib
import pstats
import re
import sys
import time

import numpy as np

import cases  # noqa: F401  (puts tests/ on sys.path for zoo)
import child

FAMILIES = ("mlp", "transformer")
DEPTHS = (2, 4, 8, 16, 32)
CALIBRATION_BATCHES = 4
_OP_LINE = re.compile(r'^\s*(?:%[^=]*=\s*)?"?(?:stablehlo|chlo|func)\.[a-z_]+', re.MULTILINE)


def mlp_stack(depth: int, rng):
    """`depth` dense layers of width 64 with ReLU; input [8, 64]."""
    import jax
    width = 64
    params = [{"w": (rng.normal(size=(width, width)) * np.sqrt(2 / width)).astype(np.float32),
               "b": (rng.normal(size=width) * 0.05).astype(np.float32)} for _ in range(depth)]

    def f(p, x):
        for layer in p:
            x = jax.nn.relu(x @ layer["w"] + layer["b"])
        return x

    return f, params, (8, width)


def transformer_stack(depth: int, rng):
    """`depth` pre-LN transformer blocks of width 32 with 4 heads; input [2, 16, 32]."""
    import zoo
    s, d, heads = 16, 32, 4
    params = {}
    for i in range(depth):
        params.update(zoo._attention_params(rng, f"l{i}_", d))

    def f(p, x):
        for i in range(depth):
            prefix = f"l{i}_"
            x = x + zoo._self_attention(p, prefix, zoo._layer_norm(x, p[f"{prefix}ln1_g"], p[f"{prefix}ln1_b"]), heads)
            x = x + zoo._mlp(p, prefix, zoo._layer_norm(x, p[f"{prefix}ln2_g"], p[f"{prefix}ln2_b"]))
        return x

    return f, params, (2, s, d)


GENERATORS = {"mlp": mlp_stack, "transformer": transformer_stack}


def stablehlo_op_count(module_text: str) -> int:
    """Ops in the printed module (one per line in MLIR's pretty form, region bodies included)."""
    return len(_OP_LINE.findall(module_text))


def measure(family: str, depth: int) -> dict:
    """Exports one model and times shloq on it (export not counted)."""
    import jax

    import shloq
    rng = np.random.default_rng(depth)
    f, params, shape = GENERATORS[family](depth, rng)
    exported = jax.export.export(jax.jit(f))(params, np.zeros(shape, np.float32))
    batches = [(rng.normal(size=shape).astype(np.float32),) for _ in range(CALIBRATION_BATCHES)]
    rules = [shloq.QuantizationRule()]
    started = time.perf_counter()
    stats = shloq.calibrate(exported, rules, params, batches, progress=False)
    calibrated = time.perf_counter()
    model = shloq.convert(exported, rules, params, stats, strict=True)
    converted = time.perf_counter()
    return {"family": family, "depth": depth, "stablehlo_ops": stablehlo_op_count(exported.mlir_module()),
            "tflite_ops": len(model.op_table()), "calibrate_s": calibrated - started,
            "convert_s": converted - calibrated}


# --------------------------------------------------------------------------------------------------
# The harness side: points in child processes, growth ratio, plot, profiles

def run_points(workdir: pathlib.Path, families, depths, repeats: int = 1, timeout: float = 900) -> list[dict]:
    """One child process per point and repeat; a point keeps its fastest repeat (the one least
    disturbed by other load). Repeats go round the whole grid, so load drift spreads over all points."""
    runs = {}
    for repeat in range(repeats):
        for family in families:
            for depth in depths:
                out = workdir / f"scaling_{family}_{depth}_{repeat}.json"
                run = child.run([__file__, family, str(depth), str(out)], str(out.with_suffix(".log")), timeout)
                point = json.loads(out.read_text()) if run.ok else {"family": family, "depth": depth,
                                                                    "error": run.failure()}
                point["peak_rss_mb"] = run.peak_rss_mb
                runs.setdefault((family, depth), []).append(point)
                print(f"  scaling {family:<12} depth {depth:>2}: " + (
                    f"{point['calibrate_s'] + point['convert_s']:.1f} s, {run.peak_rss_mb:.0f} MB"
                    if run.ok else point["error"]), flush=True)
    return [min(points, key=lambda p: p.get("calibrate_s", 0) + p.get("convert_s", float("inf")))
            for points in runs.values()]


def total_s(point: dict) -> float | None:
    return point["calibrate_s"] + point["convert_s"] if "calibrate_s" in point else None


def growth(points: list[dict], family: str, small: int = 8, large: int = 32) -> float | None:
    """time(large) / time(small) for `family`, or None if either point is missing or failed."""
    times = {p["depth"]: total_s(p) for p in points if p["family"] == family}
    if times.get(small) is None or times.get(large) is None:
        return None
    return times[large] / times[small]


def plot(points: list[dict], path: pathlib.Path) -> None:
    """Time and peak memory against depth and against StableHLO op count, log-log, one line per family."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 8))
    for family in sorted({p["family"] for p in points}):
        ok = sorted((p for p in points if p["family"] == family and "calibrate_s" in p), key=lambda p: p["depth"])
        if not ok:
            continue
        depth = [p["depth"] for p in ok]
        ops = [p["stablehlo_ops"] for p in ok]
        seconds = [total_s(p) for p in ok]
        memory = [p["peak_rss_mb"] for p in ok]
        for ax, x, y in ((axes[0, 0], depth, seconds), (axes[0, 1], ops, seconds),
                         (axes[1, 0], depth, memory), (axes[1, 1], ops, memory)):
            ax.plot(x, y, "o-", label=family)
        base = depth.index(8) if 8 in depth else 0  # the target's reference depth
        linear = [seconds[base] * d / depth[base] for d in depth]
        axes[0, 0].plot(depth, linear, ":", color="grey", label=f"{family}: proportional to depth from {depth[base]}")
    for ax, xlabel, ylabel in ((axes[0, 0], "layers", "calibrate + convert (s)"),
                               (axes[0, 1], "StableHLO ops", "calibrate + convert (s)"),
                               (axes[1, 0], "layers", "peak RSS (MB)"), (axes[1, 1], "StableHLO ops", "peak RSS (MB)")):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("shloq calibrate + convert against model size (one process per point)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def profile_growth(workdir: pathlib.Path, family: str, small: int = 8, large: int = 32, top: int = 15) -> str:
    """Runs the `small` and `large` points under cProfile and lists the functions whose own time
    grew the most from one to the other: a function far above large/small is superlinear."""
    stats = {}
    for depth in (small, large):
        out, prof = workdir / f"profile_{family}_{depth}.json", workdir / f"profile_{family}_{depth}.prof"
        run = child.run([__file__, family, str(depth), str(out), str(prof)], str(out.with_suffix(".log")), 1800)
        if not run.ok:
            return f"profiling {family} at depth {depth} failed: {run.failure()}"
        stats[depth] = {f"{k[0].split('/site-packages/')[-1]}:{k[1]}({k[2]})": v[2]
                        for k, v in pstats.Stats(str(prof)).stats.items()}  # own time per function
    lines = [f"{family}: functions by own-time growth from depth {small} to {large} "
             f"(linear would be {large / small:.0f}x)", f"{'depth ' + str(small):>10} {'depth ' + str(large):>10} "
             f"{'growth':>7}  function"]
    grown = sorted(stats[large], key=lambda k: stats[large][k] - stats[small].get(k, 0.0), reverse=True)[:top]
    for name in grown:
        before, after = stats[small].get(name, 0.0), stats[large][name]
        ratio = f"{after / before:6.1f}x" if before > 0 else "    new"
        lines.append(f"{before:9.2f}s {after:9.2f}s {ratio}  {name}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    family, depth, out = argv[0], int(argv[1]), argv[2]
    if len(argv) > 3:
        import cProfile
        profiler = cProfile.Profile()
        result = profiler.runcall(measure, family, depth)
        profiler.dump_stats(argv[3])
    else:
        result = measure(family, depth)
    with open(out, "w") as fh:
        json.dump(result, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
