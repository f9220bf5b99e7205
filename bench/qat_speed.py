"""QAT step time against float training on MobileNetV2 (issue 12: QAT at most 3x float per step).

    python bench/qat_speed.py [--width 1.0] [--size 224] [--batch 8] [--steps 5] [--style linen]

Both steps are the same jitted Adam step on softmax cross-entropy over the conv/dense/BN params
(batch-norm statistics frozen, as in the exported inference function): float through the model's
`apply`, QAT through `shloq.quantize_for_training(...).apply`, which also updates the quant stats.
Times are the median of `--steps` steps after compilation, the two kinds interleaved. Prints the CPU, both times, the ratio
and PASS/FAIL against the target.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import time

import jax
import jax.numpy as jnp
import numpy as np

import deepnets

import shloq

TARGET_RATIO = 3.0


def cpu_model() -> str:
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return f"{fields.get('Model name', '?').strip()}, {fields.get('CPU(s)', '?').strip()} CPUs"


def trainable(net: deepnets.DeepNet):
    """(trained params, merge(params) -> the full argument of apply)."""
    if net.style == "linen":
        frozen = {k: v for k, v in net.params.items() if k != "params"}
        return net.params["params"], lambda params: {"params": params, **frozen}
    return net.params, lambda params: params


def _step_seconds(step, state: tuple, x, y) -> tuple[float, tuple]:
    """Seconds for `step(*state, x, y)` (which returns the new state, then the loss), new state."""
    start = time.perf_counter()
    out = jax.block_until_ready(step(*state, x, y))
    return time.perf_counter() - start, out[:-1]


def build_steps(net: deepnets.DeepNet, qat, learning_rate: float = 1e-4):
    """The float and QAT train steps: (params, [qstats,] opt_state, x, y) -> (..., loss)."""
    import optax

    optimizer = optax.adam(learning_rate)
    params, merge = trainable(net)

    def cross_entropy(logits, y):
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))

    @jax.jit
    def float_step(params, opt_state, x, y):
        loss, grads = jax.value_and_grad(lambda p: cross_entropy(net.apply(merge(p), x), y))(params)
        updates, opt_state = optimizer.update(grads, opt_state)
        return optax.apply_updates(params, updates), opt_state, loss

    @jax.jit
    def qat_step(params, qstats, opt_state, x, y):
        def loss_fn(p):
            logits, new_stats = qat.apply(merge(p), qstats, x)
            return cross_entropy(logits, y), new_stats

        (loss, qstats), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        updates, opt_state = optimizer.update(grads, opt_state)
        return optax.apply_updates(params, updates), qstats, opt_state, loss

    return params, optimizer.init(params), float_step, qat_step


def measure(style: str, width: float, size: int, batch: int, steps: int, classes: int = 1000) -> dict:
    net = deepnets.mobilenet(style, width, size, classes)
    start = time.perf_counter()
    qat = shloq.quantize_for_training(net.export(batch), [shloq.QuantizationRule()])
    prepare = time.perf_counter() - start
    params, opt_state, float_step, qat_step = build_steps(net, qat)
    rng = np.random.default_rng(0)
    batches = [(jnp.asarray(net.images(batch, seed=10 + i)), jnp.asarray(rng.integers(0, classes, batch)))
               for i in range(2)]
    states = {"float": (params, opt_state), "qat": (params, qat.init_quant_stats(), opt_state)}
    step_fns = {"float": float_step, "qat": qat_step}
    times = {"float": [], "qat": []}
    for i in range(steps + 1):  # interleaved, so that the machine's load falls on both alike
        for name, step in step_fns.items():
            seconds, states[name] = _step_seconds(step, states[name], *batches[i % len(batches)])
            times[name].append(seconds)
    float_first, qat_first = times["float"][0], times["qat"][0]
    float_s, qat_s = statistics.median(times["float"][1:]), statistics.median(times["qat"][1:])
    return {"style": style, "width": width, "size": size, "batch": batch, "prepare_s": prepare,
            "float_compile_s": float_first, "qat_compile_s": qat_first, "float_step_s": float_s,
            "qat_step_s": qat_s, "ratio": qat_s / float_s}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--style", default="linen", choices=deepnets.STYLES)
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--classes", type=int, default=1000)
    args = parser.parse_args(argv)
    r = measure(args.style, args.width, args.size, args.batch, args.steps, args.classes)
    verdict = "PASS" if r["ratio"] <= TARGET_RATIO else "FAIL"
    print(f"CPU: {cpu_model()}")
    print(f"MobileNetV2 {r['style']}, width {r['width']}, {r['size']}x{r['size']}, batch {r['batch']}, "
          f"{deepnets.mobilenet_v2.layer_count(r['width'], args.classes)} conv/dense layers")
    print(f"quantize_for_training: {r['prepare_s']:.2f} s; compile + first step: float {r['float_compile_s']:.2f} s, "
          f"QAT {r['qat_compile_s']:.2f} s")
    print(f"train step (median of {args.steps}): float {r['float_step_s'] * 1e3:.1f} ms, "
          f"QAT {r['qat_step_s'] * 1e3:.1f} ms, ratio {r['ratio']:.2f}x (target <= {TARGET_RATIO:g}x): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
