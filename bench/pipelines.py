"""The benchmark's jobs, each run in its own child process by run.py:

    python bench/pipelines.py JOB WORKDIR [ARGS]

- `float`:  shloq.float_tflite of the export (the float LiteRT reference, and AEQ's input);
- `shloq`:  shloq.calibrate + shloq.convert(strict=True), timed separately;
- `aeq`:    AI Edge Quantizer, `recipe.static_wi8_ai8()` on float.tflite, same calibration inputs;
- `qwix qwix-LINEN`: Qwix OdmlQatProvider (calibration only) + OdmlConversionProvider on the Linen
            module LINEN, exported and converted by litert-converter with STATIC QDQ in strict mode;
- `check PIPELINE`: runs PIPELINE.tflite on the test inputs (LiteRT, 1 thread, XNNPACK on), reads
            its op table and which ops XNNPACK leaves to the builtin kernels;
- `latency N PIPELINE...`: median of N invoke times of each model on the first test input, with
            XNNPACK and without.

WORKDIR holds case.pkl (see cases.py); each job writes its JSON (`result_path`), and PIPELINE.tflite
or PIPELINE.outputs.npz. A Python exception is written to the JSON as "error", beside the timings of
the stages that finished, and exits 1; a crash leaves no JSON and run.py records how the process died.
"""
from __future__ import annotations

import json
import os
import pathlib
import sys
import time
import traceback

import numpy as np

from cases import Case, linen_module
from latency import interleaved_latency

SIGNATURE = "serving_default"
LATENCY_WARMUP = 5


def float_job(case: Case, workdir: pathlib.Path, result: dict) -> None:
    import shloq
    started = time.perf_counter()
    tflite = shloq.float_tflite(case.exported, case.params)
    result["convert_s"] = time.perf_counter() - started
    (workdir / "float.tflite").write_bytes(tflite)


def shloq_job(case: Case, workdir: pathlib.Path, result: dict) -> None:
    import shloq
    rules = [shloq.QuantizationRule()]
    started = time.perf_counter()
    stats = shloq.calibrate(case.exported, rules, case.params, case.calibration, method=case.shloq_method,
                            progress=False)
    calibrated = time.perf_counter()
    result["calibrate_s"] = calibrated - started
    model = shloq.convert(case.exported, rules, case.params, stats, strict=True)
    result["convert_s"] = time.perf_counter() - calibrated
    (workdir / "shloq.tflite").write_bytes(model.tflite)


def aeq_job(case: Case, workdir: pathlib.Path, result: dict) -> None:
    from aeq_oracle import _interpreter, _signature_names
    from ai_edge_quantizer import quantizer, recipe

    float_path = workdir / "float.tflite"
    if not float_path.exists():
        raise RuntimeError("no float .tflite to quantize (the float job failed)")
    float_tflite = float_path.read_bytes()
    names, _ = _signature_names(_interpreter(float_tflite))
    samples = [dict(zip(names, batch)) for batch in case.calibration]
    started = time.perf_counter()
    aeq = quantizer.Quantizer(bytearray(float_tflite), recipe.static_wi8_ai8())
    qsvs = aeq.calibrate({SIGNATURE: samples})
    calibrated = time.perf_counter()
    result["calibrate_s"] = calibrated - started
    tflite = bytes(aeq.quantize(qsvs, enable_progress_report=False).quantized_model)
    result["convert_s"] = time.perf_counter() - calibrated
    (workdir / "aeq.tflite").write_bytes(tflite)


def qwix_job(case: Case, workdir: pathlib.Path, result: dict, pipeline: str) -> None:
    """tests/qwix_oracle.py's ODML flow, for any number of inputs and timed in two parts.
    `pipeline` is "qwix-LINEN" with LINEN a `cases.linen_module` name."""
    import jax
    import jax.numpy as jnp
    import qwix
    from qwix_oracle import _call_kwargs, _jnp_tree, qwix_qat_rules, to_tflite

    module, variables = linen_module(pipeline.split("-", 1)[1], case.params)
    rules, kwargs, variables = qwix_qat_rules(), _call_kwargs(module), _jnp_tree(variables)

    started = time.perf_counter()
    qat_model = qwix.quantize_model(module, qwix.OdmlQatProvider(rules, strict=True))

    @jax.jit
    def update(variables, *inputs):
        _, updates = qat_model.apply(variables, *inputs, mutable=["quant_stats"], **kwargs)
        return updates["quant_stats"]

    stats = variables
    for batch in case.calibration:
        stats = {**variables, "quant_stats": update(stats, *(jnp.asarray(x) for x in batch))}
    quant_stats = jax.block_until_ready(stats["quant_stats"])
    calibrated = time.perf_counter()
    result["calibrate_s"] = calibrated - started

    conv_model = qwix.quantize_model(
        module, qwix.OdmlConversionProvider(rules, variables["params"], quant_stats, strict=True))

    def forward(*inputs):  # variables closed over: the weights become constants of the module
        return conv_model.apply(variables, *inputs, **kwargs)

    specs = [jax.ShapeDtypeStruct(x.shape, x.dtype) for x in case.calibration[0]]
    tflite = to_tflite(jax.export.export(jax.jit(forward))(*specs))
    result["convert_s"] = time.perf_counter() - calibrated
    (workdir / f"{pipeline}.tflite").write_bytes(tflite)


# --------------------------------------------------------------------------------------------------
# Running the produced models

def feed(interp, inputs) -> None:
    """Sets positional inputs; a quantized integer input gets x quantized (half away from zero)."""
    details = interp.get_input_details()
    if len(details) != len(inputs):
        raise ValueError(f"the model takes {len(details)} inputs, the case has {len(inputs)}")
    for x, detail in zip(inputs, details):
        dtype = np.dtype(detail["dtype"])
        scale, zero_point = detail["quantization"]
        x = np.asarray(x)
        if scale and dtype in (np.int8, np.int16):
            q = x.astype(np.float64) / scale
            x = np.clip(np.sign(q) * np.floor(np.abs(q) + 0.5) + zero_point, *_limits(dtype))
        interp.set_tensor(detail["index"], x.astype(dtype))


def fetch(interp) -> list[np.ndarray]:
    """Outputs as float arrays (a quantized output dequantized)."""
    outputs = []
    for detail in interp.get_output_details():
        y = np.array(interp.get_tensor(detail["index"]))
        scale, zero_point = detail["quantization"]
        if scale and y.dtype in (np.int8, np.int16):
            y = ((y.astype(np.float64) - zero_point) * scale).astype(np.float32)
        outputs.append(y)
    return outputs


def _limits(dtype):
    info = np.iinfo(dtype)
    return info.min, info.max


def op_table(tflite: bytes) -> list[tuple[str, list[str]]]:
    """(op name, dtypes of its inputs and outputs) per op, from the undelegated graph."""
    from shloq import litert  # here, not at the top: the AEQ job's memory must stay AEQ's own
    interp = litert.interpreter(tflite, xnnpack=False)
    dtypes = {t["index"]: np.dtype(t["dtype"]).name for t in interp.get_tensor_details()}
    return [(op["op_name"], [dtypes[i] for i in list(op["inputs"]) + list(op["outputs"]) if i in dtypes])
            for op in interp._get_ops_details()]


def check_job(case: Case, workdir: pathlib.Path, result: dict, pipeline: str) -> None:
    tflite = (workdir / f"{pipeline}.tflite").read_bytes()
    table = op_table(tflite)
    float_ops = [op for op, dtypes in table if "float32" in dtypes and op not in ("QUANTIZE", "DEQUANTIZE")]
    from shloq import litert
    interp = litert.interpreter(tflite, xnnpack=True)  # XNNPACK shows as DELEGATE nodes
    outputs = {}
    for i, inputs in enumerate(case.tests):
        feed(interp, inputs)
        interp.invoke()
        for j, y in enumerate(fetch(interp)):
            outputs[f"{i}_{j}"] = y
    np.savez(workdir / f"{pipeline}.outputs.npz", **outputs)
    left = ops_left_to_builtin_kernels(tflite)
    result.update(bytes=len(tflite), ops=len(table), float_ops=len(float_ops), float_op_names=sorted(set(float_ops)),
                  non_xnnpack_ops=len(left), non_xnnpack_op_names=sorted(set(left)))


def ops_left_to_builtin_kernels(tflite: bytes) -> list[str]:
    """The ops XNNPACK does not take. With delegate node fusion off, each delegated op becomes a
    DELEGATE node of its own that produces that op's outputs; the ops whose outputs no DELEGATE
    node produces run on LiteRT's builtin kernels."""
    from ai_edge_litert import interpreter as litert
    interp = litert.Interpreter(model_content=tflite, num_threads=1, experimental_disable_delegate_node_fusion=True)
    interp.allocate_tensors()
    ops = interp._get_ops_details()
    delegated = {t for op in ops if op["op_name"] == "DELEGATE" for t in op["outputs"]}
    return [op["op_name"] for op in ops if op["op_name"] != "DELEGATE" and not set(op["outputs"]) <= delegated]


def latency_job(case: Case, workdir: pathlib.Path, result: dict, invocations: str, *pipelines: str) -> None:
    """Median invoke time per model, with XNNPACK and on the builtin kernels alone (`latency.py`)."""
    tflites = {name: (workdir / f"{name}.tflite").read_bytes() for name in pipelines}
    result.update(interleaved_latency(tflites, lambda interp: feed(interp, case.tests[0]), invocations,
                                      LATENCY_WARMUP))


JOBS = {"float": float_job, "shloq": shloq_job, "aeq": aeq_job, "qwix": qwix_job, "check": check_job,
        "latency": latency_job}


def main(argv: list[str]) -> int:
    job, workdir, args = argv[0], pathlib.Path(argv[1]), argv[2:]
    out, result, code = result_path(workdir, job, *args), {}, 0
    try:
        JOBS[job](Case.load(workdir / "case.pkl"), workdir, result, *args)
    except Exception as err:  # the timings of the stages that finished stay in `result`
        traceback.print_exc()
        result["error"], code = f"{type(err).__name__}: {_first_line(err)}", 1
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result))
    os.replace(tmp, out)
    return code


def result_path(workdir: pathlib.Path, job: str, *args: str) -> pathlib.Path:
    """Where a job writes its JSON: `check` and `qwix` once per pipeline, the others once per case."""
    return workdir / (f"{job}_{args[0]}.json" if job in ("check", "qwix") else f"{job}.json")


def _first_line(err: Exception) -> str:
    lines = [line for line in str(err).splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
