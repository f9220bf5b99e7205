"""Shared fixtures: the trained digits CNN and its int8 conversion (built once per session)."""
import types

import jax
import numpy as np
import pytest

import shloq
from shloq import demo


@pytest.fixture(scope="session")
def digits():
    model, variables = demo.train_digits()
    x_train, y_train, x_test, y_test = demo.digits_data()

    def apply(variables, x):
        return model.apply(variables, x)

    exported = jax.export.export(jax.jit(apply))(variables, x_test[:demo.BATCH])
    rules = [shloq.QuantizationRule()]
    calibration = [(b,) for b in demo.batched(x_train[:640])]
    stats = shloq.calibrate(exported, rules, variables, calibration, progress=False)
    int8 = shloq.convert(exported, rules, variables, stats)
    return types.SimpleNamespace(model=model, variables=variables, apply=apply, exported=exported, rules=rules,
                                 calibration=calibration, stats=stats, int8=int8, x_train=x_train,
                                 y_train=y_train, x_test=x_test, y_test=y_test)


def within_steps(a, b, step, steps=1.0):
    """Fraction of elements where a and b differ by at most `steps` quantization steps."""
    return float(np.mean(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)) <= steps * step * 1.001))


def sqnr_db(reference, quantized):
    reference, quantized = np.asarray(reference, np.float64), np.asarray(quantized, np.float64)
    return float(10 * np.log10(np.sum(reference ** 2) / max(np.sum((reference - quantized) ** 2), 1e-30)))
