"""LiteRT latency as every benchmark here measures it: one thread, the median invoke time, with
XNNPACK and on the builtin kernels alone, the models taking turns invocation by invocation so a
change in the machine's load hits all of them alike."""
from __future__ import annotations

import statistics
import time


def interleaved_latency(tflites: dict[str, bytes], feed, invocations: int, warmup: int = 3) -> dict:
    """{name: {"xnnpack_ms", "builtin_ms"}}; `feed(interpreter)` sets a model's inputs."""
    from shloq import litert
    result = {name: {} for name in tflites}
    for xnnpack, key in ((True, "xnnpack_ms"), (False, "builtin_ms")):
        interps = {}
        for name, blob in tflites.items():
            interps[name] = litert.interpreter(blob, xnnpack=xnnpack)
            feed(interps[name])
            for _ in range(warmup):
                interps[name].invoke()
        times = {name: [] for name in interps}
        for _ in range(int(invocations)):
            for name, interp in interps.items():
                started = time.perf_counter()
                interp.invoke()
                times[name].append(time.perf_counter() - started)
        for name, t in times.items():
            result[name][key] = 1e3 * statistics.median(t)
    return result
