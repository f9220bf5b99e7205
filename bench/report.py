"""results.md, the charts and the performance targets, from the rows run.py measured.

A peer row is a dict with: model, pipeline, label, status ("ok" or how it failed), and when measured
calibrate_s, convert_s, peak_rss_mb, bytes, ops, float_ops, non_xnnpack_ops, accuracy, metric,
xnnpack_ms, builtin_ms, note.
"""
from __future__ import annotations

import dataclasses
import pathlib

import scaling

PIPELINE_LABELS = {"float": "float LiteRT", "shloq": "shloq", "aeq": "AI Edge Quantizer",
                   "qwix-digits": "Qwix", "qwix-minilm": "Qwix", "qwix-minilm_presliced": "Qwix, pre-sliced tables"}
PIPELINE_NOTES = {"qwix-minilm_presliced": "the position and token-type tables are cut to the rows MiniLM reads "
                                           "(same function and weights): Qwix's OdmlConversionProvider fails on a "
                                           "sliced weight (the Qwix row above)"}
COLORS = {"float LiteRT": "#9e9e9e", "shloq": "#1f77b4", "AI Edge Quantizer": "#ff7f0e", "Qwix": "#2ca02c",
          "Qwix, pre-sliced tables": "#98df8a"}


@dataclasses.dataclass
class Target:
    name: str
    measured: str
    passed: bool | None     # None: not measured in this run

    def line(self) -> str:
        verdict = {True: "PASS", False: "FAIL", None: "n/a "}[self.passed]
        return f"[{verdict}] {self.name}: {self.measured}"


def _row(rows, model, pipeline):
    return next((r for r in rows if r["model"] == model and r["pipeline"] == pipeline), None)


def _ok(row) -> bool:
    return row is not None and row["status"] == "ok"


def _tool_s(row) -> float:
    return (row.get("calibrate_s") or 0.0) + row["convert_s"]


def targets(rows: list[dict], points: list[dict]) -> list[Target]:
    """The issue's three performance targets, measured (or n/a when this run lacks the data)."""
    shloq, aeq, flt = _row(rows, "minilm", "shloq"), _row(rows, "minilm", "aeq"), _row(rows, "minilm", "float")
    qwix = next((r for r in (_row(rows, "minilm", "qwix-minilm"), _row(rows, "minilm", "qwix-minilm_presliced"))
                 if _ok(r)), None)
    found = []
    name = "MiniLM calibrate+convert faster than AI Edge Quantizer (calibrate+quantize)"
    if _ok(shloq) and _ok(aeq) and _ok(flt):
        ratio = _tool_s(shloq) / _tool_s(aeq)
        with_float = _tool_s(shloq) / (_tool_s(aeq) + _tool_s(flt))
        found.append(Target(name, f"shloq {_tool_s(shloq):.1f} s vs AEQ {_tool_s(aeq):.1f} s: {ratio:.2f}x AEQ's "
                                  f"time (target < 1x); {with_float:.2f}x when AEQ is charged the float .tflite's "
                                  f"{_tool_s(flt):.1f} s", ratio < 1))
    else:
        found.append(Target(name, "not measured (MiniLM shloq or AEQ missing)", None))
    name = "MiniLM calibrate+convert at most 0.25x Qwix's time"
    if _ok(shloq) and qwix is not None:
        ratio = _tool_s(shloq) / _tool_s(qwix)
        found.append(Target(name, f"shloq {_tool_s(shloq):.1f} s vs {qwix['label']} {_tool_s(qwix):.1f} s: "
                                  f"{ratio:.2f}x (target <= 0.25x)", ratio <= 0.25))
    else:
        found.append(Target(name, "not measured (no Qwix MiniLM model in this run)", None))
    name = "MiniLM int8 .tflite at most 0.27x the float file"
    if _ok(shloq) and _ok(flt):
        ratio = shloq["bytes"] / flt["bytes"]
        found.append(Target(name, f"{shloq['bytes'] / 1e6:.2f} MB vs {flt['bytes'] / 1e6:.2f} MB: {ratio:.3f}x",
                            ratio <= 0.27))
    else:
        found.append(Target(name, "not measured", None))
    name = "MiniLM int8 LiteRT latency at most 0.5x float (1 thread, XNNPACK on)"
    if _ok(shloq) and _ok(flt) and shloq.get("xnnpack_ms") and flt.get("xnnpack_ms"):
        ratio = shloq["xnnpack_ms"] / flt["xnnpack_ms"]
        builtin = shloq["builtin_ms"] / flt["builtin_ms"]
        found.append(Target(name, f"{shloq['xnnpack_ms']:.1f} ms vs {flt['xnnpack_ms']:.1f} ms: {ratio:.2f}x "
                                  f"(builtin kernels without XNNPACK: {builtin:.2f}x)", ratio <= 0.5))
    else:
        found.append(Target(name, "not measured", None))
    families = sorted({p["family"] for p in points})
    for family in families or ["(no scaling run)"]:
        name = f"calibrate+convert at 32 layers at most 4.5x the time at 8 layers ({family})"
        ratio = scaling.growth(points, family)
        if ratio is None:
            found.append(Target(name, "not measured (needs depths 8 and 32)", None))
        else:
            times = {p["depth"]: scaling.total_s(p) for p in points if p["family"] == family}
            found.append(Target(name, f"{times[32]:.1f} s vs {times[8]:.1f} s: {ratio:.2f}x", ratio <= 4.5))
    return found


def _num(value, fmt: str) -> str:
    return "" if value is None else format(value, fmt)


def _vs(value, reference) -> str:
    """`value` to three significant digits, and its ratio to `reference`."""
    if value is None:
        return ""
    text = f"{value:.0f}" if value >= 100 else f"{value:.3g}"
    return f"{text} ({value / reference:.2f}x)" if reference else text


def peer_table(rows: list[dict]) -> str:
    header = ("| model | pipeline | calibrate s | convert s | peak RSS MB | .tflite KB (x float) | ops | "
              "float32 ops | ops off XNNPACK | accuracy | latency ms, XNNPACK (x float) | "
              "latency ms, builtin (x float) | status |")
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for model in dict.fromkeys(r["model"] for r in rows):
        flt = _row(rows, model, "float") or {}
        for r in (r for r in rows if r["model"] == model):
            accuracy = ""
            if r.get("accuracy") is not None:
                accuracy = f"{r['accuracy']:.1f} dB" if r["metric"] == "sqnr" else f"cos {r['accuracy']:.4f}"
            lines.append("| " + " | ".join([
                model, r["label"], _num(r.get("calibrate_s"), ".2f"), _num(r.get("convert_s"), ".2f"),
                _num(r.get("peak_rss_mb"), ".0f"),
                _vs(r["bytes"] / 1024, flt.get("bytes", 0) / 1024) if r.get("bytes") else "",
                _num(r.get("ops"), "d"), _num(r.get("float_ops"), "d"), _num(r.get("non_xnnpack_ops"), "d"),
                accuracy, _vs(r.get("xnnpack_ms"), flt.get("xnnpack_ms")),
                _vs(r.get("builtin_ms"), flt.get("builtin_ms")),
                r["status"].replace("|", "/")]) + " |")
    return "\n".join(lines)


def scaling_table(points: list[dict]) -> str:
    lines = ["| family | layers | StableHLO ops | LiteRT ops | calibrate s | convert s | total s | peak RSS MB |",
             "|---|---|---|---|---|---|---|---|"]
    for p in sorted(points, key=lambda p: (p["family"], p["depth"])):
        if "calibrate_s" not in p:
            lines.append(f"| {p['family']} | {p['depth']} | | | | | {p['error']} | {p['peak_rss_mb']:.0f} |")
            continue
        lines.append(f"| {p['family']} | {p['depth']} | {p['stablehlo_ops']} | {p['tflite_ops']} | "
                     f"{p['calibrate_s']:.2f} | {p['convert_s']:.2f} | {scaling.total_s(p):.2f} | "
                     f"{p['peak_rss_mb']:.0f} |")
    return "\n".join(lines)


def peer_chart(rows: list[dict], path: pathlib.Path) -> None:
    """Four panels, grouped bars per model: tool time, accuracy, .tflite size and latency vs float."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    models = list(dict.fromkeys(r["model"] for r in rows))
    labels = [label for label in COLORS if any(r["label"] == label for r in rows)]
    fig, axes = plt.subplots(4, 1, figsize=(max(8, 1.3 * len(models) + 3), 14))
    width = 0.8 / max(len(labels), 1)
    x = np.arange(len(models))

    def values(label, value):
        out = []
        for model in models:
            r = next((r for r in rows if r["model"] == model and r["label"] == label), None)
            flt = _row(rows, model, "float")
            out.append(value(r, flt) if _ok(r) and _ok(flt) else np.nan)
        return out

    panels = [
        ("calibrate + convert (s, log)", lambda r, f: _tool_s(r), True),
        ("SQNR vs float JAX (dB; MiniLM's cosine is written in its place)",
         lambda r, f: r["accuracy"] if r["metric"] == "sqnr" else np.nan, False),
        (".tflite size / float", lambda r, f: r["bytes"] / f["bytes"], False),
        ("latency / float (1 thread, XNNPACK)", lambda r, f: r["xnnpack_ms"] / f["xnnpack_ms"]
         if r.get("xnnpack_ms") and f.get("xnnpack_ms") else np.nan, False),
    ]
    for ax, (title, value, log) in zip(axes, panels):
        for i, label in enumerate(labels):
            if title.startswith("SQNR") and label == "float LiteRT":
                continue  # float vs float JAX is ~100+ dB and flattens the int8 bars
            ax.bar(x + (i - (len(labels) - 1) / 2) * width, values(label, value), width, label=label,
                   color=COLORS[label])
        if title.startswith("SQNR"):
            for i, model in enumerate(models):
                cosines = [f"{r['label']}: {r['accuracy']:.3f}" for r in rows if r["model"] == model
                           and r["metric"] == "cosine" and r["pipeline"] != "float" and r.get("accuracy") is not None]
                if cosines:
                    ax.text(i, 1, "cosine\n" + "\n".join(cosines), ha="center", va="bottom", fontsize=7)
        ax.set_title(title, fontsize=10)
        ax.set_xticks(x, models, rotation=20, fontsize=8)
        ax.set_xlim(-0.5, len(models) - 0.5)
        if log:
            ax.set_yscale("log")
        ax.grid(True, axis="y", alpha=0.3)
    axes[2].axhline(0.27, color="red", linestyle=":", linewidth=1, label="MiniLM target 0.27x")
    axes[3].axhline(0.5, color="red", linestyle=":", linewidth=1, label="MiniLM target 0.5x")
    axes[3].axhline(1.0, color="grey", linestyle="-", linewidth=0.8)
    for ax in axes:
        ax.legend(fontsize=7, ncol=3)
    fig.suptitle("shloq vs AI Edge Quantizer vs Qwix (missing bar: failed or not applicable, see results.md)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


METHOD = """\
How each pipeline runs (bench/pipelines.py; every pipeline, and every run of a produced model, is a
child process of its own, so peak RSS is that tool's alone, imports included, and a crash is a row):
- **float LiteRT**: `shloq.float_tflite(export, params)`; the reference for size and latency.
- **shloq**: `shloq.calibrate` then `shloq.convert(strict=True)`, one int8 rule for every op;
  calibration method `average_minmax` (as Qwix calibrates) on digits and MiniLM, `minmax` on the zoo (see
  tests/test_aeq.py: 16 batches of 2-8 random samples).
- **AI Edge Quantizer**: `recipe.static_wi8_ai8()` on the float `.tflite` above, calibrated on the
  same batches with `Quantizer.calibrate` (its default 16 threads), then `quantize`. Its time does not
  include making the float `.tflite` (the float row's convert time).
- **Qwix** (Flax Linen models only; the zoo models are plain JAX functions): `OdmlQatProvider`
  run over the calibration batches to collect stats (no training), `OdmlConversionProvider`,
  `jax.export`, litert-converter with STATIC QDQ in strict mode (tests/qwix_oracle.py's flow).
- Accuracy: SQNR of all test outputs vs the float JAX function (`exported.call`); for MiniLM the mean
  cosine of the held-out sentence embeddings. Models run in LiteRT with 1 thread and XNNPACK on.
- ops: LiteRT ops; float32 ops: those with a float32 input or output other than the entry QUANTIZE and
  exit DEQUANTIZE; ops off XNNPACK: ops the XNNPACK delegate leaves to LiteRT's builtin kernels.
- Latency: median of the invocations on the first test batch, 1 thread, after 5 warm-up runs, with
  XNNPACK (the default op resolver) and on the builtin kernels alone; the models of one case take turns
  invocation by invocation, so load on the machine hits them alike.
"""


def markdown(context: str, rows: list[dict], points: list[dict], found: list[Target], charts: dict) -> str:
    parts = ["# shloq benchmark results", "", context, "", "## Performance targets", "",
             *[f"- {t.line()}" for t in found], ""]
    if rows:
        parts += ["## shloq against its peers", "", METHOD, peer_table(rows), ""]
        notes = [f"- {r['model']}, {r['label']}: {r['note']}" for r in rows if r.get("note")]
        if notes:
            parts += ["Notes:", "", *notes, ""]
        details = [f"- {r['model']}, {r['label']}: float32 ops {', '.join(r['float_op_names']) or 'none'}; "
                   f"off XNNPACK {', '.join(r['non_xnnpack_op_names']) or 'none'}"
                   for r in rows if r["pipeline"] != "float" and "float_op_names" in r]
        if details:
            parts += ["Which ops (int8 models):", "", *details, ""]
        parts += [f"![peers]({charts['peers']})", ""]
    if points:
        parts += ["## Scaling with depth", "",
                  "shloq calibrate (4 batches) + convert (strict) of generated stacks (bench/scaling.py), one "
                  "process per point, fastest of the repeats.", "", scaling_table(points), ""]
        for family in sorted({p["family"] for p in points}):
            ratio = scaling.growth(points, family)
            if ratio is not None:
                parts.append(f"- {family}: time(32 layers) / time(8 layers) = {ratio:.2f}x (linear: 4x)")
        parts += ["", f"![scaling]({charts['scaling']})", ""]
    return "\n".join(parts)
