"""The real pretrained model, small: all-MiniLM-L6-v2 calibrated on 16 sentences, checked on 8 held out.

`python examples/minilm.py` is the full benchmark (96 calibration and 40 held-out sentences)."""
import pathlib
import sys

import numpy as np
import pytest

from shloq import litert

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bench"))
import deepnets  # noqa: E402
import pipelines  # noqa: E402
import minilm  # noqa: E402


@pytest.fixture(scope="module")
def quantized():
    return minilm.quantize(strict=True, n_calibration=16)


def test_minilm_int8_is_full_integer_small_and_close_to_float(quantized):
    q = quantized
    ev = minilm.evaluate(q["model"], q["variables"], q["exported"], n_held_out=8)
    print(minilm.report(q, ev))
    assert litert.float_ops(q["model"].op_table()) == []
    assert ev["op_counts"]["GELU"] == 6 and ev["op_counts"]["SOFTMAX"] == 6   # recognised, one kernel each
    assert ev["int8_bytes"] <= 0.27 * ev["float_bytes"]
    # The target is a mean cosine of 0.99; shloq reaches ~0.82 on the full held-out set
    # (per-tensor int8 residual stream with outliers; see the README). This guards what holds.
    assert ev["mean_cosine"] >= 0.75
    # Issue 14: symmetric second operands, P first and 1/sqrt(d) in the query weights let XNNPACK run
    # all 12 BATCH_MATMULs in int8, and the cosine is not lower than before (main gave 0.7902 here).
    assert ev["op_counts"]["BATCH_MATMUL"] == 12
    off_xnnpack = pipelines.ops_left_to_builtin_kernels(q["model"].tflite)
    assert "BATCH_MATMUL" not in off_xnnpack and "SUB" not in off_xnnpack and "ADD" not in off_xnnpack
    assert ev["mean_cosine"] >= 0.790


def test_emulate_gives_litert_integers(quantized):
    """Issue 12's acceptance: emulate computes LiteRT's integers through all 269 ops."""
    q = quantized
    held_out = list(minilm.batches(minilm.read_sentences("held_out")[:8], q["batch"]))
    emulated = np.concatenate([np.asarray(q["model"].emulate(ids, mask))[:n] for ids, mask, n in held_out])
    lite = np.concatenate([np.asarray(q["model"](ids, mask))[:n] for ids, mask, n in held_out])
    agreement = deepnets.agreement(lite, emulated, q["model"].output_steps[0])
    print(f"LiteRT vs emulate: {agreement}")
    assert agreement.same >= 0.999
    assert agreement.within_one == 1.0
