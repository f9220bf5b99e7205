"""`model.emulate` time against the float JAX model on MobileNetV2 (issue 12: at most 5x float).

    python bench/emulate_speed.py [--width 1.0] [--size 224] [--batch 4] [--repeats 5] [--style linen]

Quantizes a MobileNetV2 (strict full int8, calibrated on photo crops), then times, on one batch of
held-out crops and after compilation, the jitted float model, `model.emulate` and `model(x)` (LiteRT,
builtin kernels), interleaved so that the machine's load falls on all of them alike; each time is
the median of `--repeats`. Prints the CPU, the times, the ratio emulate / float with PASS/FAIL,
and how far emulate is from LiteRT in output steps.
"""
from __future__ import annotations

import argparse
import statistics
import time

import jax

import deepnets
from qat_speed import cpu_model

TARGET_RATIO = 5.0


def _timed(fn) -> float:
    start = time.perf_counter()
    jax.block_until_ready(fn())
    return time.perf_counter() - start


def time_runs(q: deepnets.Quantized, x, repeats: int) -> dict:
    """Compile times and median run times (seconds) of float JAX, emulate and LiteRT on `x`, the
    ratio emulate / float, and LiteRT vs emulate in output steps."""
    net, model = q.net, q.model
    float_model = jax.jit(net.apply)
    compile_s = {"float": _timed(lambda: float_model(net.params, x)), "emulate": _timed(lambda: model.emulate(x))}
    runs = {"float": lambda: float_model(net.params, x), "emulate": lambda: model.emulate(x), "litert": lambda: model(x)}
    times = {name: [] for name in runs}
    for _ in range(repeats):  # interleaved, so that the machine's load falls on all of them alike
        for name, fn in runs.items():
            times[name].append(_timed(fn))
    medians = {f"{name}_s": statistics.median(t) for name, t in times.items()}
    return {"compile_s": compile_s, **medians, "ratio": medians["emulate_s"] / medians["float_s"],
            "agreement": deepnets.agreement(model(x), model.emulate(x), model.output_steps[0])}


def measure(style: str, width: float, size: int, batch: int, repeats: int, classes: int = 1000,
            n_calibration: int = 16) -> dict:
    net = deepnets.mobilenet(style, width, size, classes)
    q = deepnets.quantize(net, batch, n_calibration)
    return {"style": style, "width": width, "size": size, "batch": batch, "calibrate_s": q.calibrate_s,
            "convert_s": q.convert_s, **time_runs(q, net.images(batch, seed=2), repeats)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--style", default="linen", choices=deepnets.STYLES)
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--classes", type=int, default=1000)
    args = parser.parse_args(argv)
    r = measure(args.style, args.width, args.size, args.batch, args.repeats, args.classes)
    verdict = "PASS" if r["ratio"] <= TARGET_RATIO else "FAIL"
    print(f"CPU: {cpu_model()}")
    print(f"MobileNetV2 {r['style']}, width {r['width']}, {r['size']}x{r['size']}, batch {r['batch']}, "
          f"{deepnets.mobilenet_v2.layer_count(r['width'], args.classes)} conv/dense layers")
    print(f"calibrate {r['calibrate_s']:.2f} s, convert {r['convert_s']:.2f} s; compile + first call: "
          f"float {r['compile_s']['float']:.2f} s, emulate {r['compile_s']['emulate']:.2f} s")
    print(f"per batch (median of {args.repeats}): float JAX {r['float_s'] * 1e3:.1f} ms, "
          f"emulate {r['emulate_s'] * 1e3:.1f} ms, LiteRT builtin {r['litert_s'] * 1e3:.1f} ms")
    print(f"emulate / float: {r['ratio']:.2f}x (target <= {TARGET_RATIO:g}x): {verdict}")
    print(f"LiteRT vs emulate: {r['agreement']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
