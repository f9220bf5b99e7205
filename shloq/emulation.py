"""`LiteRTModel.emulate`: the converted `.tflite` run in JAX with LiteRT's integer kernels.

`Emulator` reads the flatbuffer (`shloq.tflite`) and runs its ops, in order, with the kernels of
`shloq.kernels`, each the integer arithmetic of the LiteRT builtin kernel that runs it on x86.
The whole graph is one jitted function, traced with 64-bit integer types allowed (the kernels'
32x32->64-bit products) and compiled once per input shape. This module also keeps the fake
quantization that conversion, the report and QAT share (`fake_quant`).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax._src.config import explicit_x64_dtypes

from shloq import kernels, litert, mlir, tflite
from shloq.errors import InputError, UnsupportedOpError
from shloq.qscheme import SiteQParams, round_half_away


def fake_quant(x, q: SiteQParams, xp=jnp):
    """Quantize then dequantize `x` with `q`, rounding and saturating as LiteRT does; `xp=np`
    computes on the host (a constant, without compiling anything)."""
    return fake_quant_arrays(x, xp.asarray(q.scale, np.float32), q.zero_point, q.qrange, q.axis, xp)


def fake_quant_arrays(x, scale, zero_point, qrange, axis=None, xp=jnp):
    """`fake_quant` with scale and zero point as (possibly traced) arrays; per-channel along `axis`."""
    if axis is not None:
        shape = [1] * x.ndim
        shape[axis] = -1
        scale = scale.reshape(shape)
    ints = xp.clip(round_half_away(x / scale, xp) + zero_point, *qrange)
    return ((ints - zero_point) * scale).astype(x.dtype)


def output_steps(module, params) -> list[float | None]:
    """The quantization step of each function result (None for a float result); `params` as
    `sites.site_params` returns them."""
    ret = [op for op in mlir.entry_block(module).operations if op.operation.name == "func.return"][0]
    steps = []
    for value in ret.operands:
        q = params.get(mlir.producer(value))
        steps.append(None if q is None else float(q.scale))
    return steps


class Emulator:
    """A `.tflite` computed in JAX with LiteRT's integer kernels: `__call__` takes and returns
    real values as `LiteRTModel.__call__` does; `tensors` gives the stored integers of every
    quantized tensor the graph computes, by tensor index."""

    def __init__(self, tflite_bytes: bytes):
        self.graph = tflite.read(tflite_bytes)
        hybrid = [op for op in self.graph.ops if is_hybrid(op)]
        if hybrid:
            raise InputError(f"emulate computes LiteRT's integer kernels, and {len(hybrid)} op(s) of this model run "
                             f"hybrid ones (float input, quantized weights: a dynamic-range model), which quantize "
                             f"their input as they run and compute in float, the first a {hybrid[0].name} on "
                             f"'{hybrid[0].outputs[0].name}': run the model with model(x)")
        missing = sorted({op.name for op in self.graph.ops if kernels.kernel(op) is None})
        if missing:
            raise UnsupportedOpError([(name, "the .tflite") for name in missing],
                                     ["emulate has no kernel for this LiteRT op"] * len(missing))
        self._outputs = jax.jit(lambda *xs: self._run(xs, every_tensor=False))
        self._tensors = jax.jit(lambda *xs: self._run(xs, every_tensor=True))

    def _run(self, inputs, every_tensor: bool):
        env = {t.index: x for t, x in zip(self.graph.inputs, inputs)}
        for op in self.graph.ops:
            values = [None if t is None else env[t.index] if t.index in env else _constant(t) for t in op.inputs]
            while values and values[-1] is None:
                values.pop()
            results = kernels.kernel(op)(op, *values)
            results = results if isinstance(results, (list, tuple)) else [results]
            for t, value in zip(op.outputs, results):
                env[t.index] = value.astype(jnp.int32) if t.quantized else value
        if every_tensor:
            return {i: v for i, v in env.items() if self.graph.tensors[i].quantized}
        return [env[t.index] if t.index in env else _constant(t) for t in self.graph.outputs]  # a constant output too

    def _feeds(self, inputs):
        """Inputs as the graph takes them: float ones as given (a sharded `jax.Array` stays sharded,
        as in calibration), integer I/O tensors quantized as `LiteRTModel.__call__` quantizes them."""
        feeds = []
        for t, x in zip(self.graph.inputs, inputs):
            if t.quantized:
                detail = {"quantization": (float(t.scale[0]), int(t.zero_point[0])), "dtype": t.dtype}
                feeds.append(litert.quantize_input(np.asarray(x), detail).astype(np.int32))
            elif isinstance(x, jax.Array):
                feeds.append(x)
            else:
                feeds.append(np.asarray(x, t.dtype))
        return feeds

    def __call__(self, *inputs) -> list[np.ndarray]:
        with explicit_x64_dtypes("allow"):
            outputs = jax.device_get(self._outputs(*self._feeds(inputs)))
        return [np.asarray(o) if not t.quantized else
                (np.asarray(o, np.float32) - np.float32(t.zero_point[0])) * np.float32(t.scale[0])
                for t, o in zip(self.graph.outputs, outputs)]

    def tensors(self, *inputs) -> dict[int, np.ndarray]:
        with explicit_x64_dtypes("allow"):
            return jax.device_get(self._tensors(*self._feeds(inputs)))


def is_hybrid(op: tflite.Op) -> bool:
    """A contraction of a float activation with quantized constant weights (dynamic range)."""
    if op.name not in ("FULLY_CONNECTED", "BATCH_MATMUL", "CONV_2D", "DEPTHWISE_CONV_2D"):
        return False
    x, w = op.inputs[:2]
    return x.dtype == np.float32 and w.quantized and w.data is not None


def _constant(t: tflite.Tensor):
    """A constant tensor's values as kernels take them: integers widened to int32 (int64 stays)."""
    if t.data is None:
        raise UnsupportedOpError([(t.name, "the .tflite")], ["a tensor read before any op computes it"])
    if np.issubdtype(t.data.dtype, np.integer) and t.data.dtype != np.int64:
        return t.data.astype(np.int32)
    return t.data
