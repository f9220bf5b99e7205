"""Deep networks for the emulation and QAT benchmarks: MobileNetV2 (examples/mobilenet_v2.py) in
Flax Linen NHWC or plain-JAX NCHW, exported, calibrated and converted by shloq (strict, full int8),
and the agreement of LiteRT's builtin kernels with `model.emulate` in output steps."""
from __future__ import annotations

import dataclasses
import pathlib
import sys
import time

import jax
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
import mobilenet_v2  # noqa: E402

import shloq  # noqa: E402

STYLES = ("linen", "nchw")


@dataclasses.dataclass
class DeepNet:
    """A MobileNetV2 in one style: `apply(params, x)`, its params and input layout."""
    style: str
    width: float
    size: int
    classes: int
    apply: object
    params: object
    layout: str

    def images(self, n: int, seed: int) -> np.ndarray:
        return mobilenet_v2.images(n, self.size, seed, self.layout)

    def export(self, batch: int):
        x = self.images(batch, seed=0)
        return jax.export.export(jax.jit(self.apply))(self.params, x)


def mobilenet(style: str = "linen", width: float = 1.0, size: int = 224, classes: int = 1000, seed: int = 0) -> DeepNet:
    variables = mobilenet_v2.init_variables(width, classes, seed)
    if style == "linen":
        return DeepNet(style, width, size, classes, mobilenet_v2.linen_apply(width, classes), variables, "NHWC")
    if style == "nchw":
        return DeepNet(style, width, size, classes, mobilenet_v2.nchw_apply(width, classes),
                       mobilenet_v2.torch_params(variables, width, classes), "NCHW")
    raise ValueError(f"style is one of {STYLES}, got {style!r}")


@dataclasses.dataclass
class Quantized:
    net: DeepNet
    exported: object
    rules: list
    model: shloq.LiteRTModel
    calibrate_s: float
    convert_s: float


def quantize(net: DeepNet, batch: int, n_calibration: int) -> Quantized:
    """Calibrates on `n_calibration` photo crops (seed 1) in batches of `batch` and converts, strict."""
    exported = net.export(batch)
    rules = [shloq.QuantizationRule()]
    images = net.images(n_calibration, seed=1)
    batches = [(images[i:i + batch],) for i in range(0, n_calibration, batch)]
    start = time.perf_counter()
    stats = shloq.calibrate(exported, rules, net.params, batches, progress=False)
    calibrated = time.perf_counter()
    model = shloq.convert(exported, rules, net.params, stats, strict=True)
    return Quantized(net, exported, rules, model, calibrated - start, time.perf_counter() - calibrated)


@dataclasses.dataclass
class Agreement:
    """LiteRT vs emulate on one output, in units of its quantization step."""
    elements: int
    same: float        # fraction of elements on the same integer
    within_one: float  # fraction within one step
    worst: float       # largest difference, in steps

    def __str__(self):
        return (f"same integer {100 * self.same:.3f}%, within one step {100 * self.within_one:.3f}%, "
                f"worst {self.worst:g} steps ({self.elements} elements)")


def agreement(lite, emulated, step: float) -> Agreement:
    steps = np.abs(np.asarray(lite, np.float64) - np.asarray(emulated, np.float64)) / step
    return Agreement(int(steps.size), float(np.mean(steps < 0.5)), float(np.mean(steps < 1.5)),
                     float(np.round(steps.max())) if steps.size else 0.0)
