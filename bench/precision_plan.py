"""Precision plans (`shloq.plan_precision`) for all-MiniLM-L6-v2 and the GPT zoo block, beside AI Edge
Quantizer's 16x8 and mixed recipes, with PASS/FAIL per acceptance line of issue 13.

MiniLM: plans for mean cosine 0.995 and 0.99 (planned on the calibration sentences, measured on the
held-out ones): int16 groups/ops, mean/min cosine vs float JAX, size vs the float `.tflite`, latency
on LiteRT's builtin kernels and with XNNPACK (one thread, median of repeated invokes), float ops.
AEQ quantizes the float `.tflite` with `static_wi8_ai16` (16x8 everywhere) and with a mixed recipe
(`static_wi8_ai8`, then 16-bit activations on residual sums, layer norms and the attention-output
and FFN-output denses, the split issue 13 measured), each in a child process. GPT block
(`tests/zoo.py`): a plan for 31 dB SQNR vs float (the 30 dB line and a margin for unseen inputs),
measured on the zoo's test inputs in LiteRT against 30 dB, and LiteRT vs `emulate` within one output step.

    python bench/precision_plan.py [--skip-aeq] [--skip-gpt] [--skip-minilm]

Prints a table and writes it to bench/results/precision_plan.md.
"""
from __future__ import annotations

import argparse
import pathlib
import pickle
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "examples"), str(ROOT / "tests"), str(ROOT)]

from latency import interleaved_latency  # noqa: E402

RESULTS = ROOT / "bench" / "results"
INTEGER = {"int8", "int16", "int32", "int64", "bool"}  # bool: masks and comparisons of token ids, no float
MINILM_TARGETS = (0.995, 0.99)
GPT_TARGET_DB = 30.0
# The GPT plan is made for 1 dB more than the acceptance line: it is planned on calibration batches and
# measured on the zoo's test inputs, which sat 0.7 dB lower in a run planned for 30 dB (30.6 vs 29.9).
GPT_PLANNING_MARGIN_DB = 1.0
AEQ_MIXED_INT16 = r"(output_norm|/add|/output/dot_general)"  # residual sums, layer norms, attn-out/FFN-out denses
REPEATS = 20


def cpu() -> str:
    """Model name and the int8-relevant feature flags, from lscpu."""
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    flags = set(fields.get("Flags", "").split())
    shown = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8") if f in flags]
    return f"{fields.get('Model name', '?').strip()}, {fields.get('CPU(s)', '?').strip()} CPUs; flags: {' '.join(shown)}"


def interpreter(tflite: bytes, xnnpack: bool):
    from shloq import litert

    return litert.interpreter(tflite, xnnpack=xnnpack)


def feeds(interp, inputs) -> list:
    """The inputs in the interpreter's input order, matched by kind (integer ids vs real values), each
    quantized where the tensor is (AEQ's models take int8/int16 inputs)."""
    from shloq import litert

    integer = [x for x in inputs if np.issubdtype(np.asarray(x).dtype, np.integer)]
    real = [x for x in inputs if not np.issubdtype(np.asarray(x).dtype, np.integer)]
    out = []
    for detail in interp.get_input_details():
        plain_integer = np.issubdtype(detail["dtype"], np.integer) and not detail["quantization"][0]
        x = (integer if plain_integer else real).pop(0)
        out.append((detail, litert.quantize_input(np.asarray(x), detail)
                    if detail["quantization"][0] else np.asarray(x, detail["dtype"])))
    return out


def run(interp, inputs) -> list[np.ndarray]:
    for detail, x in feeds(interp, inputs):
        interp.set_tensor(detail["index"], x)
    interp.invoke()
    outs = []
    for d in interp.get_output_details():
        y, (scale, zero_point) = interp.get_tensor(d["index"]), d["quantization"]
        outs.append((y.astype(np.float64) - zero_point) * scale if scale else y)
    return outs


def latency_ms(tflite: bytes, inputs) -> dict:
    """{"builtin_ms", "xnnpack_ms"} of one model (`latency.py`)."""
    def feed(interp):
        for detail, x in feeds(interp, inputs):
            interp.set_tensor(detail["index"], x)
    return interleaved_latency({"model": tflite}, feed, REPEATS, warmup=1)["model"]


def non_integer_ops(tflite: bytes) -> list[str]:
    """Ops with a tensor other than int8/int16/int32/int64 (or bool), besides the entry QUANTIZE's
    float input and the exit DEQUANTIZE's float output."""
    from shloq import litert

    found = []
    for op in litert.op_table(tflite):
        dtypes = op["inputs"] + op["outputs"]
        if op["op"] == "QUANTIZE":
            dtypes = op["outputs"]
        elif op["op"] == "DEQUANTIZE":
            dtypes = op["inputs"]
        if set(dtypes) - INTEGER:
            found.append(f"{op['op']}({','.join(sorted(set(dtypes) - INTEGER))})")
    return found


# ---- AI Edge Quantizer, in a child process (native code that can abort) ----------------------------

def aeq_child(recipe_name: str, float_path: str, calibration_path: str, out_path: str) -> None:
    from ai_edge_quantizer import qtyping, quantizer, recipe

    import aeq_oracle

    float_tflite = pathlib.Path(float_path).read_bytes()
    with open(calibration_path, "rb") as f:
        calibration = pickle.load(f)
    names, _ = aeq_oracle._signature_names(aeq_oracle._interpreter(float_tflite))
    interp = aeq_oracle._interpreter(float_tflite)
    details = interp.get_signature_runner(aeq_oracle.SIGNATURE).get_input_details()
    samples = []
    for batch in calibration:
        integer = [x for x in batch if np.issubdtype(x.dtype, np.integer)]
        real = [x for x in batch if not np.issubdtype(x.dtype, np.integer)]
        samples.append({n: (integer if np.issubdtype(details[n]["dtype"], np.integer) else real).pop(0)
                        for n in names})
    if recipe_name == "16x8":
        qt = quantizer.Quantizer(bytearray(float_tflite), recipe.static_wi8_ai16())
    else:
        qt = quantizer.Quantizer(bytearray(float_tflite), recipe.static_wi8_ai8())
        qt.add_static_config(regex=AEQ_MIXED_INT16, operation_name=qtyping.TFLOperationName.ALL_SUPPORTED,
                             activation_num_bits=16, weight_num_bits=8)
    qsvs = qt.calibrate({aeq_oracle.SIGNATURE: samples}, num_threads=1)
    pathlib.Path(out_path).write_bytes(bytes(qt.quantize(qsvs, enable_progress_report=False).quantized_model))


def aeq_quantize(recipe_name: str, float_tflite: bytes, calibration) -> tuple[bytes | None, str, float]:
    """(model, error, seconds) from AEQ's `recipe_name` ("16x8" or "mixed") in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "float.tflite").write_bytes(float_tflite)
        with open(tmp / "calibration.pkl", "wb") as f:
            pickle.dump([tuple(np.asarray(x) for x in batch) for batch in calibration], f)
        start = time.perf_counter()
        child = subprocess.run([sys.executable, __file__, "--aeq-child", recipe_name, str(tmp / "float.tflite"),
                                str(tmp / "calibration.pkl"), str(tmp / "out.tflite")],
                               capture_output=True, text=True, timeout=3600)
        seconds = time.perf_counter() - start
        if child.returncode != 0 or not (tmp / "out.tflite").exists():
            lines = [line for line in (child.stderr or "").strip().splitlines() if line.strip()]
            return None, (lines[-1] if lines else f"exit {child.returncode}")[:200], seconds
        return (tmp / "out.tflite").read_bytes(), "", seconds


# ---- MiniLM ------------------------------------------------------------------------------------------

def minilm_rows(skip_aeq: bool) -> tuple[list[dict], dict]:
    import jax

    import minilm
    import shloq

    variables = minilm.load_params()
    exported = minilm.export(variables, 8)
    calibration = [(ids, mask) for ids, mask, _ in minilm.batches(minilm.read_sentences("calibration"), 8)]
    held_out = list(minilm.batches(minilm.read_sentences("held_out"), 8))
    float_apply = jax.jit(minilm.apply)
    references = [np.asarray(float_apply(variables, ids, mask))[:n] for ids, mask, n in held_out]
    float_tflite = shloq.float_tflite(exported, variables)
    sample = calibration[0]

    def measure(label: str, tflite: bytes, extra: dict) -> dict:
        interp = interpreter(tflite, xnnpack=False)
        cosines = []
        for (ids, mask, n), ref in zip(held_out, references):
            out = np.asarray(run(interp, (ids, mask))[0], np.float64)[:n]
            cosines.extend(np.sum(out * ref, -1) / np.maximum(np.linalg.norm(out, axis=-1)
                                                              * np.linalg.norm(ref, axis=-1), 1e-12))
        row = {"model": label, "mean_cos": float(np.mean(cosines)), "min_cos": float(np.min(cosines)),
               "size": len(tflite) / len(float_tflite), **latency_ms(tflite, sample),
               "non_integer": non_integer_ops(tflite), **extra}
        print(f"  {label}: mean cosine {row['mean_cos']:.4f}, min {row['min_cos']:.4f}, size {row['size']:.3f}x, "
              f"builtin {row['builtin_ms']:.1f} ms, XNNPACK {row['xnnpack_ms']:.1f} ms", flush=True)
        return row

    rows = [measure("float", float_tflite, {})]
    plans = {}
    for target in MINILM_TARGETS:
        start = time.perf_counter()
        try:
            plan = shloq.plan_precision(exported, variables, calibration, target, metric="cosine")
        except shloq.ShloqError as err:
            rows.append(failed_plan_row(f"shloq plan cosine {target}", err, time.perf_counter() - start))
            continue
        seconds = time.perf_counter() - start
        plans[target] = plan
        rows.append(measure(f"shloq plan cosine {target}", plan.model.tflite,
                            {"int16": f"{len(plan.int16_groups)} groups / {plan.int16_ops} ops",
                             "int16_ops": plan.int16_ops, "seconds": seconds, "planned": plan.verified}))
    if not skip_aeq:
        for recipe_name in ("16x8", "mixed"):
            tflite, error, seconds = aeq_quantize(recipe_name, float_tflite, calibration)
            label = f"AEQ {recipe_name}"
            if tflite is None:
                print(f"  {label}: failed: {error}")
                rows.append({"model": label, "error": error})
            else:
                rows.append(measure(label, tflite, {"seconds": seconds}))
    return rows, plans


def failed_plan_row(label: str, err: Exception, seconds: float) -> dict:
    """A plan that did not convert: the error, and what the simulation had chosen."""
    plan = getattr(err, "plan", None)
    chosen = (f"{len(plan.int16_groups)} groups / {plan.int16_ops} ops, simulated "
              f"{plan.simulated['plan']:.4g}" if plan else "")
    print(f"  {label}: failed ({chosen}): {str(err).splitlines()[0][:400]}", flush=True)
    return {"model": label, "error": f"{chosen}: " + str(err).splitlines()[0][-300:], "seconds": seconds,
            "int16_ops": plan.int16_ops if plan else None}


def minilm_verdicts(rows: list[dict]) -> list[tuple[bool, str]]:
    by = {r["model"]: r for r in rows}
    strict, loose = by.get(f"shloq plan cosine {MINILM_TARGETS[0]}"), by.get(f"shloq plan cosine {MINILM_TARGETS[1]}")
    verdicts = []
    for label, row in ((f"cosine {MINILM_TARGETS[0]}", strict), (f"cosine {MINILM_TARGETS[1]}", loose)):
        if row and "error" in row:
            verdicts.append((False, f"1. MiniLM plan for {label}: {row['error'][:300]}"))
    strict, loose = (None if r is None or "error" in r else r for r in (strict, loose))
    if strict:
        verdicts.append((not strict["non_integer"] and strict["mean_cos"] >= 0.995 and strict["min_cos"] >= 0.96
                         and strict["size"] <= 0.30,
                         f"1. MiniLM plan for cosine 0.995: every op integer ({len(strict['non_integer'])} not), held-out "
                         f"mean {strict['mean_cos']:.4f} (>= 0.995), min {strict['min_cos']:.4f} (>= 0.96), size "
                         f"{strict['size']:.3f}x float (<= 0.30x)"))
    if strict and loose:
        verdicts.append((loose["int16_ops"] < strict["int16_ops"],
                         f"1. MiniLM plan for cosine 0.99 uses fewer int16 ops: {loose['int16_ops']} vs "
                         f"{strict['int16_ops']} (held-out mean {loose['mean_cos']:.4f})"))
    return verdicts


# ---- GPT block ---------------------------------------------------------------------------------------

def gpt_row() -> tuple[dict, list[tuple[bool, str]]]:
    import shloq
    import zoo
    from shloq.precision import output_quality

    f, params, exported, calibration, tests = zoo.build("gpt_block")
    start = time.perf_counter()
    try:
        plan = shloq.plan_precision(exported, params, calibration, GPT_TARGET_DB + GPT_PLANNING_MARGIN_DB)
    except shloq.ShloqError as err:
        row = failed_plan_row(f"GPT block plan {GPT_TARGET_DB + GPT_PLANNING_MARGIN_DB:g} dB", err, time.perf_counter() - start)
        return row, [(False, f"4. GPT block with a plan for 30 dB: {row['error'][:300]}")]
    seconds = time.perf_counter() - start
    model = plan.model
    reference = [[np.asarray(f(params, x))] for x in tests]
    litert_out = [[np.asarray(model(x))] for x in tests]
    emulated = [[np.asarray(model.emulate(x))] for x in tests]
    db = output_quality(reference, litert_out, "sqnr_db")
    step = model.output_steps[0]
    close = np.concatenate([np.ravel(np.abs(a[0] - b[0]) <= step * 1.001) for a, b in zip(litert_out, emulated)])
    non_integer = non_integer_ops(model.tflite)
    row = {"model": f"GPT block plan {GPT_TARGET_DB + GPT_PLANNING_MARGIN_DB:g} dB", "sqnr_db": db, "agreement": float(np.mean(close)),
           "int16": f"{len(plan.int16_groups)} groups / {plan.int16_ops} ops", "non_integer": non_integer,
           "seconds": seconds, "planned": plan.verified}
    print(f"  GPT block: {db:.1f} dB vs float on the test inputs, LiteRT vs emulate within one step "
          f"{row['agreement']:.2%}, {row['int16']}", flush=True)
    return row, [(db >= GPT_TARGET_DB and not non_integer and row["agreement"] >= 0.999,
                  f"4. GPT block with a plan: {db:.1f} dB vs float (>= 30), every op integer "
                  f"({len(non_integer)} not), LiteRT vs emulate within one step on {row['agreement']:.2%} (>= 99.9%)")]


def markdown(cpu_text: str, minilm: list[dict], gpt: dict | None, verdicts) -> str:
    lines = ["# Precision plans (`python bench/precision_plan.py`)", "", f"CPU: {cpu_text}; LiteRT one thread.", ""]
    if minilm:
        lines += ["all-MiniLM-L6-v2, 40 held-out sentences (cosine vs float JAX):", "",
                  "| model | int16 | mean cosine | min cosine | size vs float | builtin ms | XNNPACK ms | non-integer ops | time s |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |"]
        for r in minilm:
            if "error" in r:
                lines.append(f"| {r['model']} | failed: {r['error']} | | | | | | | |")
                continue
            odd = ", ".join(sorted(set(r["non_integer"])))[:80] if r["non_integer"] else "none"
            lines.append(f"| {r['model']} | {r.get('int16', '')} | {r['mean_cos']:.4f} | {r['min_cos']:.4f} | "
                         f"{r['size']:.3f}x | {r['builtin_ms']:.1f} | {r['xnnpack_ms']:.1f} | {odd} | "
                         f"{r.get('seconds', 0):.0f} |")
        lines.append("")
    if gpt and "error" in gpt:
        lines += [f"GPT zoo block: plan failed: {gpt['error']}", ""]
    elif gpt:
        lines += [f"GPT zoo block: plan {gpt['int16']}, {gpt['sqnr_db']:.1f} dB vs float on the test inputs "
                  f"(planned {gpt['planned']:.1f} dB on calibration batches), LiteRT vs emulate within one step "
                  f"{gpt['agreement']:.2%}, planned in {gpt['seconds']:.0f} s; ops with other tensor types than int8/16/32/64 and bool: "
                  f"{', '.join(sorted(set(gpt['non_integer']))) or 'none'}", ""]
    lines += [f"- {'PASS' if ok else 'FAIL'}: {text}" for ok, text in verdicts]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-aeq", action="store_true")
    parser.add_argument("--skip-gpt", action="store_true")
    parser.add_argument("--skip-minilm", action="store_true")
    parser.add_argument("--aeq-child", nargs=4, metavar=("RECIPE", "FLOAT", "CALIBRATION", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.aeq_child:
        aeq_child(*args.aeq_child)
        return 0
    cpu_text = cpu()
    print("CPU:", cpu_text, flush=True)
    verdicts, minilm, gpt = [], [], None
    if not args.skip_gpt:
        gpt, gpt_verdicts = gpt_row()
        verdicts += gpt_verdicts
    if not args.skip_minilm:
        minilm, _ = minilm_rows(args.skip_aeq)
        verdicts = minilm_verdicts(minilm) + verdicts
    text = markdown(cpu_text, minilm, gpt, verdicts)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "precision_plan.md").write_text(text)
    print(text)
    return 0 if all(ok for ok, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
