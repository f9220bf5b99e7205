"""`LiteRTModel.emulate`: the quantized module run in JAX the way LiteRT's integer kernels run it.

Between sites the float ops are exact stand-ins for integer kernels except in three places,
which this models: values are rounded half away from zero (std::round) and saturated at each
site; a contraction's bias is rounded to int32 in units of input scale x weight scale; fused
ReLU/ReLU6 clamp before the output is requantized (float order already gives that).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from shloq import mlir
from shloq.catalogue import output_channel_axis
from shloq.interpreter import compile_function, evaluate_constant, is_site_marker, marker_attrs
from shloq.qscheme import SiteQParams, round_half_away, site_qparams


def fake_quant(x, q: SiteQParams):
    """Quantize then dequantize `x` with `q`, rounding and saturating as LiteRT does."""
    scale = jnp.asarray(q.scale, jnp.float32)
    if q.axis is not None:
        shape = [1] * x.ndim
        shape[q.axis] = -1
        scale = scale.reshape(shape)
    qmin, qmax = q.qrange
    ints = jnp.clip(jnp.sign(x / scale) * jnp.floor(jnp.abs(x / scale) + 0.5) + q.zero_point, qmin, qmax)
    return ((ints - q.zero_point) * scale).astype(x.dtype)


def site_params(module, ranges) -> dict:
    """Resolved parameters of every marker op in the main function, keyed by the op."""
    params = {}
    for op in mlir.entry_block(module).operations:
        op = op.operation
        if is_site_marker(op):
            attrs = marker_attrs(op)
            weight = evaluate_constant(op.operands[0]) if attrs["kind"] == "weight" else None
            params[op] = site_qparams(attrs, ranges, weight)
    return params


def build_emulator(module, ranges):
    """A jitted function `(*inputs) -> tuple of outputs` for the marked (not yet quantized) module."""
    ids: dict = {}
    func = mlir.main_func(module)
    program = compile_function(func, ids)
    params = site_params(module, ranges)
    by_result = {ids[op.results[0]]: q for op, q in params.items()}
    bias = _snapped_biases(module, params, ids)

    def site_hook(instr, value):
        return fake_quant(value, by_result[instr.results[0]])

    def op_hook(instr, env):
        snapped = bias.get(instr.results[0])
        if snapped is None:
            return None
        acc_id, value = snapped
        return env[acc_id] + value

    return jax.jit(lambda *inputs: program(*inputs, site_hook=site_hook, op_hook=op_hook))


def _snapped_biases(module, params, ids) -> dict:
    """For each bias add after a quantized contraction: (accumulator id, bias on the int32 grid)."""
    snapped = {}
    for op in mlir.entry_block(module).operations:
        op = op.operation
        if op.name != "stablehlo.add":
            continue
        for position, acc in enumerate(op.operands):
            contraction = mlir.producer(acc)
            if contraction is None or contraction.name not in ("stablehlo.convolution", "stablehlo.dot_general"):
                continue
            x_marker, w_marker = (mlir.producer(v) for v in contraction.operands)
            b = evaluate_constant(op.operands[1 - position])
            if b is None or x_marker not in params or w_marker not in params:
                continue
            x_q, w_q = params[x_marker], params[w_marker]
            shape = [1] * b.ndim
            shape[output_channel_axis(contraction)] = -1
            unit = (np.float64(x_q.scale) * w_q.scale.astype(np.float64)).reshape(shape)
            grid = np.clip(round_half_away(b / unit), -2**31, 2**31 - 1) * unit
            snapped[ids[op.results[0]]] = (ids[acc], grid.astype(np.float32))
            break
    return snapped
