"""Reference int8 LiteRT models from AI Edge Quantizer (ai-edge-quantizer 0.10.0), for comparing shloq against.

AEQ quantizes a *float* `.tflite` (here `shloq.float_tflite(exported, params)`) with the recipe
`recipe.static_wi8_ai8()`: int8 per-channel weights, int8 activations, ranges from running the float
model in LiteRT over the calibration inputs. Its calibration keeps a moving average of each tensor's
batch min/max with smoothing 0.95 (`qsv_utils.moving_average_update`), so with 16 batches the first
batch weighs ~46%; shloq's default `average_minmax` weighs them equally. The quantized model has
int8 inputs and outputs: `run_tflite` quantizes inputs with the input tensor's scale/zero point and
dequantizes outputs, and passes int32 (token ids) and float inputs through.

AEQ and LiteRT are native code that can abort the process, so `aeq_reference` (and, by default,
`aeq_quantize`) run in a child Python process (this file run as a script) with a pickle handoff
through temporary files: a failure or a crash comes back as `AEQResult.error`, never kills pytest.
The child imports numpy, ai_edge_quantizer and ai_edge_litert only (no JAX), ~1 s start-up.

    aeq_quantize(float_tflite, calibration) -> bytes            # raises AEQError on failure
    run_tflite(tflite, *inputs) -> list[np.ndarray]             # in this process
    aeq_reference(float_tflite, calibration, tests) -> AEQResult  # quantize + run, isolated
    start_aeq_reference(...) -> PendingAEQ                      # the same in the background; .result()
"""
from __future__ import annotations

import dataclasses
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import traceback

import numpy as np

SIGNATURE = "serving_default"
TIMEOUT = 300


class AEQError(RuntimeError):
    """AEQ (or LiteRT running its model) failed or crashed; the message says how."""


@dataclasses.dataclass
class AEQResult:
    tflite: bytes | None = None                    # AEQ's int8 model
    outputs: list | None = None                    # per test input: list of output arrays (dequantized)
    float_outputs: list | None = None              # the float .tflite on the same test inputs
    op_table: list | None = None                   # [(op name, input dtypes, output dtypes)] of AEQ's model
    error: str | None = None                       # why there is no model/outputs (exception or crash)

    @property
    def brief(self) -> str:
        """One line: the exception's message, or how and where the child died."""
        lines = [line for line in (self.error or "").strip().splitlines() if line.strip()]
        if not lines:
            return ""
        return (lines[0] if lines[0].startswith("AEQ child") else lines[-1])[:300]


# --------------------------------------------------------------------------------------------------
# In-process helpers (what the child runs; usable directly when a crash is no concern)

def _interpreter(tflite: bytes):
    """LiteRT on its builtin kernels (no XNNPACK), as shloq's LiteRTModel runs."""
    from ai_edge_litert import interpreter as litert

    interp = litert.Interpreter(model_content=bytes(tflite), num_threads=1,
                                experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    interp.allocate_tensors()
    return interp


def _signature_names(interp) -> tuple[list[str], list[str]]:
    """Signature input and output names in the subgraph's positional order."""
    runner = interp.get_signature_runner(SIGNATURE)
    by_index_in = {d["index"]: name for name, d in runner.get_input_details().items()}
    by_index_out = {d["index"]: name for name, d in runner.get_output_details().items()}
    return ([by_index_in[d["index"]] for d in interp.get_input_details()],
            [by_index_out[d["index"]] for d in interp.get_output_details()])


def _to_input(x, detail) -> np.ndarray:
    x = np.asarray(x)
    dtype = np.dtype(detail["dtype"])
    scale, zero_point = detail["quantization"]
    if dtype in (np.int8, np.int16) and scale:
        info = np.iinfo(dtype)
        return np.clip(np.round(x.astype(np.float64) / scale) + zero_point, info.min, info.max).astype(dtype)
    return x.astype(dtype)


def _from_output(y, detail) -> np.ndarray:
    scale, zero_point = detail["quantization"]
    if np.dtype(detail["dtype"]) in (np.int8, np.int16) and scale:
        return ((y.astype(np.float64) - zero_point) * scale).astype(np.float32)
    return np.asarray(y)


def _run(interp, inputs) -> list[np.ndarray]:
    in_details, out_details = interp.get_input_details(), interp.get_output_details()
    if len(inputs) != len(in_details):
        raise ValueError(f"the model takes {len(in_details)} input(s), got {len(inputs)}")
    for x, detail in zip(inputs, in_details):
        interp.set_tensor(detail["index"], _to_input(x, detail))
    interp.invoke()
    return [_from_output(interp.get_tensor(d["index"]), d) for d in out_details]


def run_tflite(tflite: bytes, *inputs) -> list[np.ndarray]:
    """Runs any .tflite on LiteRT's builtin kernels: positional inputs in the subgraph's input order
    (int8 inputs quantized with their scale/zero point, others cast), outputs dequantized if int8."""
    return _run(_interpreter(tflite), inputs)


def _op_table(tflite: bytes) -> list:
    interp = _interpreter(tflite)
    dtypes = {t["index"]: np.dtype(t["dtype"]).name for t in interp.get_tensor_details()}
    return [(op["op_name"], [dtypes.get(i) for i in op["inputs"] if i >= 0],
             [dtypes.get(i) for i in op["outputs"] if i >= 0]) for op in interp._get_ops_details()]


def _quantize_inprocess(float_tflite: bytes, calibration) -> bytes:
    from ai_edge_quantizer import quantizer, recipe

    names, _ = _signature_names(_interpreter(float_tflite))
    samples = []
    for batch in calibration:
        batch = tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)
        if len(batch) != len(names):
            raise ValueError(f"the float model takes inputs {names}, a calibration batch has {len(batch)}")
        samples.append({n: np.asarray(x) for n, x in zip(names, batch)})
    qt = quantizer.Quantizer(bytearray(float_tflite), recipe.static_wi8_ai8())
    qsvs = qt.calibrate({SIGNATURE: samples}, num_threads=1)
    result = qt.quantize(qsvs, enable_progress_report=False)
    return bytes(result.quantized_model)


def _reference_inprocess(float_tflite: bytes, calibration, tests) -> AEQResult:
    result = AEQResult()
    try:
        _stage("running the float model")
        float_interp = _interpreter(float_tflite)
        result.float_outputs = [_run(float_interp, _tuple(x)) for x in tests]
        _stage("quantizing with AEQ (static_wi8_ai8)")
        result.tflite = _quantize_inprocess(float_tflite, calibration)
        _stage("loading AEQ's int8 model in LiteRT")
        result.op_table = _op_table(result.tflite)
        interp = _interpreter(result.tflite)
        _stage("running AEQ's int8 model")
        result.outputs = [_run(interp, _tuple(x)) for x in tests]
    except Exception:
        result.error = traceback.format_exc(limit=8)
    return result


def _stage(what: str) -> None:
    """Progress marker: when the child crashes, the last one in its output says where."""
    print(f"aeq_oracle: {what}", flush=True)


def _tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


# --------------------------------------------------------------------------------------------------
# Isolation: the same work in a child process

class _Child:
    """`python aeq_oracle.py request response` running `job` in the background; `wait()` gives
    (value, error). The child's stdout/stderr go to a file (AEQ prints progress bars), kept for errors."""

    def __init__(self, job: str, *args, timeout: float = TIMEOUT):
        self._tmp = tempfile.TemporaryDirectory(prefix="aeq_oracle_")
        self._request, self._response = (os.path.join(self._tmp.name, n) for n in ("request.pkl", "response.pkl"))
        self._log_path = os.path.join(self._tmp.name, "log.txt")
        self._timeout = timeout
        with open(self._request, "wb") as fh:
            pickle.dump((job, args), fh)
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "TQDM_DISABLE": "1"}
        with open(self._log_path, "wb") as log:
            self._proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), self._request, self._response],
                                          stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)

    def wait(self):
        try:
            try:
                rc = self._proc.wait(timeout=self._timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
                return None, f"AEQ child timed out after {self._timeout:.0f} s"
            if rc != 0 or not os.path.exists(self._response):
                how = f"killed by {_signal_name(-rc)}" if rc < 0 else f"exited with status {rc}"
                with open(self._log_path, errors="replace") as fh:
                    log = fh.read()
                stages = [line[len("aeq_oracle: "):] for line in log.splitlines() if line.startswith("aeq_oracle: ")]
                where = f" while {stages[-1]}" if stages else ""
                return None, f"AEQ child {how}{where}\n--- its output ends:\n{log[-2000:]}"
            with open(self._response, "rb") as fh:
                return pickle.load(fh)
        finally:
            self._tmp.cleanup()


def _signal_name(number: int) -> str:
    try:
        return f"signal {number} ({signal.Signals(number).name})"
    except ValueError:
        return f"signal {number}"


class PendingAEQ:
    """An `aeq_reference` running in the background (so the caller can work meanwhile)."""

    def __init__(self, child: _Child):
        self._child, self._result = child, None

    def result(self) -> AEQResult:
        if self._result is None:
            value, error = self._child.wait()
            self._result = AEQResult(error=error) if error else AEQResult(**value)
        return self._result


def aeq_quantize(float_tflite: bytes, calibration, *, isolate: bool = True) -> bytes:
    """AEQ's static int8 (`static_wi8_ai8`) quantization of a float .tflite, calibrated on
    `calibration` (a list of input tuples, positional in the model's input order)."""
    calibration = [tuple(np.asarray(x) for x in _tuple(b)) for b in calibration]
    if not isolate:
        return _quantize_inprocess(float_tflite, calibration)
    value, error = _Child("quantize", bytes(float_tflite), calibration).wait()
    if error:
        raise AEQError(error)
    return value


def start_aeq_reference(float_tflite: bytes, calibration, tests, *, timeout: float = TIMEOUT) -> PendingAEQ:
    """Starts `aeq_reference` in a child process; `.result()` waits for it."""
    calibration = [tuple(np.asarray(x) for x in _tuple(b)) for b in calibration]
    tests = [tuple(np.asarray(x) for x in _tuple(t)) for t in tests]
    return PendingAEQ(_Child("reference", bytes(float_tflite), calibration, tests, timeout=timeout))


def aeq_reference(float_tflite: bytes, calibration, tests, *, timeout: float = TIMEOUT) -> AEQResult:
    """Quantizes with AEQ and runs both the float and AEQ's int8 model on `tests`, in a child process.
    Never raises for AEQ's sake: a failure or crash is `result.error`."""
    return start_aeq_reference(float_tflite, calibration, tests, timeout=timeout).result()


def _child_main(request: str, response: str) -> None:
    with open(request, "rb") as fh:
        job, args = pickle.load(fh)
    if job == "quantize":
        try:
            out = (_quantize_inprocess(*args), None)
        except Exception:
            out = (None, traceback.format_exc(limit=8))
    elif job == "reference":
        out = (dataclasses.asdict(_reference_inprocess(*args)), None)
    else:
        out = (None, f"unknown job {job!r}")
    with open(response + ".tmp", "wb") as fh:
        pickle.dump(out, fh)
    os.replace(response + ".tmp", response)


if __name__ == "__main__":  # the child: only builtins and numpy arrays cross the pickle
    _child_main(sys.argv[1], sys.argv[2])
