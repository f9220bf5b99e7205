"""shloq's int8 against AI Edge Quantizer's, per zoo model.

Both quantize the same model with the same calibration batches: shloq from the exported StableHLO
(`calibrate` + `convert(strict=True)`, default rule), AEQ from shloq's float `.tflite` of it
(`recipe.static_wi8_ai8()`, see aeq_oracle.py). Both run on LiteRT's builtin kernels; SQNR is against
the float JAX function on the test inputs. shloq must be at least as accurate. When AEQ fails or
crashes (it runs in a child process), that is recorded and shloq only has to convert.

shloq calibrates with `method="minmax"` here: the zoo's calibration sets are 16 batches of 2-8
samples, whose batch extremes averaged (the default, as in Qwix) give ranges narrow enough to clip
test data (measured: mobilenet_v3_block 22.5 dB with the default vs 32.8 with minmax; AEQ 25.8).
"""
import warnings

import jax
import numpy as np
import pytest

import shloq
import shloq.litert
from aeq_oracle import start_aeq_reference
from conftest import sqnr_db
from shloq.api import ShloqWarning
from shloq.errors import UnsupportedOpError
from zoo import ZOO, build


def _float_ops(op_table) -> list[str]:
    return sorted({op for op, ins, outs in op_table if "float32" in ins + outs and op not in ("QUANTIZE", "DEQUANTIZE")})


def _last_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


@pytest.mark.parametrize("name", sorted(ZOO))
def test_shloq_at_least_as_accurate_as_aeq(name):
    f, params, exported, calibration, tests = build(name)
    run = jax.jit(f)
    reference = np.concatenate([np.asarray(run(params, x)) for x in tests])

    pending, aeq_note = None, ""
    try:
        pending = start_aeq_reference(shloq.float_tflite(exported, params), calibration, tests)  # runs meanwhile
    except Exception as err:  # shloq's float conversion failed: AEQ has nothing to quantize
        aeq_note = f"no float .tflite ({type(err).__name__}: {_last_line(err)})"

    strict_error, loose_note, shloq_sqnr = None, "", None
    try:
        rules = [shloq.QuantizationRule()]
        stats = shloq.calibrate(exported, rules, params, calibration, method="minmax", progress=False)
        try:
            model = shloq.convert(exported, rules, params, stats, strict=True)
            shloq_sqnr = sqnr_db(reference, np.concatenate([np.asarray(model(x)) for x in tests]))
        except UnsupportedOpError as err:
            strict_error = err
            try:  # for the record: how far it gets with the unsupported ops left float
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ShloqWarning)
                    loose = shloq.convert(exported, rules, params, stats, strict=False)
                loose_note = (f"strict=False {sqnr_db(reference, np.concatenate([np.asarray(loose(x)) for x in tests])):.2f}"
                              f" dB, float ops {sorted({op['op'] for op in shloq.litert.float_ops(loose.op_table())})}")
            except Exception as err2:
                loose_note = f"strict=False fails too ({type(err2).__name__}: {_last_line(err2)})"
    finally:
        aeq = pending.result() if pending is not None else None
        if aeq is not None and aeq.error:
            aeq_note = f"AEQ failed: {aeq.brief}"
        aeq_sqnr = None
        if aeq is not None and not aeq.error:
            aeq_sqnr = sqnr_db(reference, np.concatenate([o[0] for o in aeq.outputs]))
            float_sqnr = sqnr_db(reference, np.concatenate([o[0] for o in aeq.float_outputs]))
            aeq_note = f"AEQ {aeq_sqnr:.2f} dB (float .tflite {float_sqnr:.0f} dB; AEQ float ops {_float_ops(aeq.op_table)})"
        if shloq_sqnr is not None:
            shloq_note = f"shloq {shloq_sqnr:.2f} dB"
        elif strict_error is not None:
            refused = sorted({op for op, _ in strict_error.ops})
            shloq_note = f"shloq strict refuses {len(strict_error.ops)} op(s) {refused}; {loose_note}"
        else:
            shloq_note = "shloq failed (error below)"
        print(f"{name}: {shloq_note}; {aeq_note}")

    if strict_error is not None:
        pytest.fail(f"shloq (strict) cannot convert {name}: {strict_error}\n{loose_note}")
    if aeq_sqnr is None:
        return  # AEQ failed or crashed; shloq converted, which is all we can ask
    assert shloq_sqnr >= aeq_sqnr, f"{name}: shloq {shloq_sqnr:.2f} dB < AEQ {aeq_sqnr:.2f} dB"
