"""MiniLM in dynamic-range mode (int8 weights and embedding table, activations quantized by LiteRT
at run time): size, cosine vs float and latency vs float, against issue 14's targets.

    python bench/dynamic_range.py [--invocations 30] [--variant NAME ...]

Prints the CPU (with its int8 GEMM feature class: AMX, AVX512-VNNI or neither), one row per
variant and PASS/FAIL; writes bench/results/dynamic_range.json. Latency is the median invoke time
at 1 thread, with XNNPACK and on the builtin kernels, the float and quantized models taking turns
invocation by invocation so that a change in the machine's load hits both alike.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import time


HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE.parent))

import minilm  # noqa: E402
import shloq  # noqa: E402
from latency import interleaved_latency  # noqa: E402

R = shloq.QuantizationRule
VARIANTS = {
    "dynamic": [R(act_qtype="dynamic")],
    "dynamic_per_tensor": [R(act_qtype="dynamic", per_channel_weights=False)],
    "dynamic_int4": [R(act_qtype="dynamic", weight_qtype="int4")],
    "dynamic_float_table": [R(op_path="_take/gather", weight_qtype=None, act_qtype=None), R(act_qtype="dynamic")],
}
DEFAULT_VARIANTS = ["dynamic", "dynamic_per_tensor", "dynamic_int4"]
TARGETS = {"mean_cosine": 0.995, "size_ratio": 0.27, "latency_ratio_amx": 0.22}
WARMUP = 3


def cpu() -> dict:
    """Model name and the int8 GEMM feature class XNNPACK can use on this CPU."""
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    fields = dict((k.strip(), v.strip()) for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line))
    flags = set(fields.get("Flags", "").split())
    feature = ("AMX" if {"amx_int8", "amx_tile"} <= flags else "AVX512-VNNI" if "avx512_vnni" in flags
               else "AVX-512 without VNNI" if "avx512f" in flags else "AVX2 or less")
    return {"model": fields.get("Model name", "?"), "cpus": fields.get("CPU(s)", "?"), "int8_class": feature}


def feed(interp, inputs) -> None:
    for detail, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(detail["index"], x.astype(detail["dtype"]))


def weight_dtypes(model) -> dict:
    """Count of FULLY_CONNECTED / BATCH_MATMUL ops by (input, weight, output) dtypes."""
    counts: dict = {}
    for op in model.op_table():
        if op["op"] in ("FULLY_CONNECTED", "BATCH_MATMUL"):
            key = f"{op['op']} {'x'.join(op['inputs'][:2])}->{op['outputs'][0]}"
            counts[key] = counts.get(key, 0) + 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invocations", type=int, default=30)
    parser.add_argument("--variant", nargs="*", default=DEFAULT_VARIANTS, choices=list(VARIANTS))
    parser.add_argument("--out", default=str(HERE / "results" / "dynamic_range.json"))
    args = parser.parse_args()
    machine = cpu()
    print(f"CPU: {machine['model']}, {machine['cpus']} CPUs; int8 GEMM class: {machine['int8_class']}")
    variables = minilm.load_params()
    exported = minilm.export(variables, batch=8)
    float_tflite = shloq.float_tflite(exported, variables)
    ids, mask, _ = next(minilm.batches(minilm.read_sentences("held_out"), 8))
    rows, models = {}, {"float": float_tflite}
    for name in args.variant:
        started = time.perf_counter()
        model = shloq.convert(exported, VARIANTS[name], variables, None)
        convert_s = time.perf_counter() - started
        quality = minilm.evaluate(model, variables, exported)
        rows[name] = {"bytes": len(model.tflite), "size_ratio": len(model.tflite) / len(float_tflite),
                      "mean_cosine": quality["mean_cosine"], "min_cosine": quality["min_cosine"],
                      "convert_s": convert_s, "contractions": weight_dtypes(model),
                      "float_ops": len(quality["float_ops"]), "ops": quality["n_ops"]}
        models[name] = model.tflite
    timing = interleaved_latency(models, lambda interp: feed(interp, (ids, mask)), args.invocations, WARMUP)
    ok = True
    print(f"float: {len(float_tflite) / 1e6:.1f} MB, builtin {timing['float']['builtin_ms']:.2f} ms, "
          f"XNNPACK {timing['float']['xnnpack_ms']:.2f} ms (1 thread, batch 8, seq {minilm.SEQ_LEN})")
    for name, row in rows.items():
        for key in ("builtin_ms", "xnnpack_ms"):
            row[key] = timing[name][key]
            row[key.replace("_ms", "_ratio")] = timing[name][key] / timing["float"][key]
        checks = {"mean_cosine": row["mean_cosine"] >= TARGETS["mean_cosine"],
                  "size_ratio": row["size_ratio"] <= TARGETS["size_ratio"],
                  "latency_ratio": row["xnnpack_ratio"] <= TARGETS["latency_ratio_amx"]}
        row["pass"] = checks
        print(f"{name}: {row['bytes'] / 1e6:.1f} MB = {row['size_ratio']:.3f}x float "
              f"[{'PASS' if checks['size_ratio'] else 'FAIL'} <= {TARGETS['size_ratio']}]; "
              f"cosine vs float mean {row['mean_cosine']:.4f} min {row['min_cosine']:.4f} "
              f"[{'PASS' if checks['mean_cosine'] else 'FAIL'} >= {TARGETS['mean_cosine']}]; "
              f"latency builtin {row['builtin_ms']:.2f} ms = {row['builtin_ratio']:.3f}x, "
              f"XNNPACK {row['xnnpack_ms']:.2f} ms = {row['xnnpack_ratio']:.3f}x "
              f"[{'PASS' if checks['latency_ratio'] else 'FAIL'} <= {TARGETS['latency_ratio_amx']} (target on AMX; "
              f"this CPU: {machine['int8_class']})]; convert {row['convert_s']:.1f} s")
        print(f"    contractions: {row['contractions']}; {row['float_ops']} of {row['ops']} ops compute in float")
        ok = ok and all(checks.values())
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"cpu": machine, "float": {"bytes": len(float_tflite), **timing["float"]},
                               "variants": rows, "targets": TARGETS}, indent=2, default=str))
    print(f"{'PASS' if ok else 'FAIL'} (written to {out})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
