"""`LiteRTModel.emulate`: the quantized module run in JAX the way LiteRT's integer kernels run it.

Values are rounded half away from zero (std::round) and saturated at each site. Between sites,
float ops stand in for LiteRT's kernels, except where no float formula reproduces the integer
kernel's rounding: conv/dense with their int32 bias and fixed-point per-channel requantization
(`_integer_contractions`), MEAN (`_integer_means`) and AVERAGE_POOL_2D (`_integer_avg_pools`).
Fused ReLU/ReLU6 clamp before the output is requantized, which float order already gives.
"""
from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
from litert_converter.mlir import ir

from shloq import mlir
from shloq.catalogue import output_channel_axis
from shloq.interpreter import (compile_function, evaluate_constant, is_site_marker, marker_attrs, marker_behind,
                               op_evaluator)
from shloq.qscheme import SiteQParams, round_half_away, site_qparams


def fake_quant(x, q: SiteQParams):
    """Quantize then dequantize `x` with `q`, rounding and saturating as LiteRT does."""
    return fake_quant_arrays(x, jnp.asarray(q.scale, jnp.float32), q.zero_point, q.qrange, q.axis)


def fake_quant_arrays(x, scale, zero_point, qrange, axis=None):
    """`fake_quant` with scale and zero point as (possibly traced) arrays; per-channel along `axis`."""
    if axis is not None:
        shape = [1] * x.ndim
        shape[axis] = -1
        scale = scale.reshape(shape)
    ints = jnp.clip(round_half_away(x / scale, jnp) + zero_point, *qrange)
    return ((ints - zero_point) * scale).astype(x.dtype)


def site_params(module, ranges) -> dict:
    """Resolved parameters of every marker op in the main function, keyed by the op."""
    params = {}
    for op in mlir.entry_block(module).operations:
        op = op.operation
        if is_site_marker(op):
            attrs = marker_attrs(op)
            weight = evaluate_constant(op.operands[0]) if attrs["kind"] == "weight" else None
            params[op] = site_qparams(attrs, ranges, weight)
    return bias_safe_weights(module, params)


INT32_BIAS_LIMIT = (2 ** 31 - 1) / 1.001  # a little room for float32 scales


def bias_safe_weights(module, params: dict) -> dict:
    """`params` (marker op -> SiteQParams) with the weight scale of each int8 conv/dense channel
    widened where its int32 bias `b / (s_in * s_w)` would overflow, as TFLite's own quantizer does
    (AdjustWeightsForBiasScale). A tiny input scale times tiny weights against a large bias
    saturated the bias, in LiteRT and emulate alike; the widened channel's weights round more
    coarsely, and they are negligible next to its bias."""
    for op in mlir.entry_block(module).operations:
        op = op.operation
        if op.name not in ("stablehlo.convolution", "stablehlo.dot_general"):
            continue
        x_marker, w_marker = (mlir.producer(v) for v in op.operands)
        users = mlir.users(op.results[0])
        if (x_marker not in params or w_marker not in params or marker_attrs(w_marker)["kind"] != "weight"
                or params[x_marker].dtype != "i8" or len(users) != 1 or users[0].name != "stablehlo.add"):
            continue
        bias = evaluate_constant(next(v for v in users[0].operands if v != op.results[0]))
        if bias is None:
            continue
        axis = output_channel_axis(op)
        largest = np.moveaxis(np.abs(bias), axis, -1).reshape(-1, bias.shape[axis]).max(axis=0)
        q_w = params[w_marker]
        needed = largest / (np.float64(np.float32(params[x_marker].scale)) * INT32_BIAS_LIMIT)
        scale = np.maximum(np.asarray(q_w.scale, np.float64), needed if q_w.axis is not None else needed.max())
        if np.any(scale > q_w.scale):
            params[w_marker] = dataclasses.replace(q_w, scale=scale.astype(np.float32).reshape(np.shape(q_w.scale)))
    return params


def output_steps(module, params) -> list[float | None]:
    """The quantization step of each function result (None for a float result); `params` as
    `site_params` returns them."""
    ret = [op for op in mlir.entry_block(module).operations if op.operation.name == "func.return"][0]
    steps = []
    for value in ret.operands:
        q = params.get(mlir.producer(value))
        steps.append(None if q is None else float(q.scale))
    return steps


def build_emulator(module, params):
    """A jitted function `(*inputs) -> tuple of outputs` for the marked (not yet quantized) module;
    `params` as `site_params` returns them."""
    ids: dict = {}
    func = mlir.main_func(module)
    program = compile_function(func, ids)
    by_result = {ids[op.results[0]]: q for op, q in params.items()}
    grid_of = {ids[op.results[0]]: _source_grid(op.operands[0], params) for op in params}
    integer_ops = {**_integer_contractions(module, params, ids), **_integer_means(module, params, ids),
                   **_integer_avg_pools(module, params, ids), **_requantized_inputs(module, params, ids),
                   **_integer_elementwise(module, params, ids)}

    def site_hook(instr, value):
        return _requantize(value, grid_of[instr.results[0]], by_result[instr.results[0]])

    def op_hook(instr, env):
        result = instr.results[0]
        if result in integer_ops:
            return integer_ops[result](env)
        return None

    return jax.jit(lambda *inputs: program(*inputs, site_hook=site_hook, op_hook=op_hook))


_SAME_GRID = ("stablehlo.broadcast_in_dim", "stablehlo.reshape", "stablehlo.transpose", "stablehlo.slice",
              "stablehlo.maximum", "stablehlo.minimum", "stablehlo.clamp")


def _source_grid(value, params):
    """The qparams of the site `value` was computed from by ops that keep values on its grid
    (shape ops, ReLU/clip against constants), else None."""
    op = mlir.producer(value)
    while op is not None and op.name in _SAME_GRID:
        active = [v for v in op.operands if evaluate_constant(v) is None]
        if len(active) != 1:
            return None
        op = mlir.producer(active[0])
    return params.get(op) if op is not None else None


def _requantize(value, q_from: SiteQParams | None, q_to: SiteQParams, half_up: bool = False):
    """`value` put on `q_to`'s grid. From another int8 grid `q_from` (QUANTIZE between int8 scales,
    RELU, requantized inputs) as LiteRT's integer kernels do it: `MultiplyByQuantizedMultiplier` by
    `s_from / s_to`, not a float rounding. From no known grid, or off the int8 per-tensor case,
    it is `fake_quant`; so are values off `q_from`'s grid: a ReLU6 bound of 6 that the input's
    scale does not hold, to which LiteRT's RELU6 clamps on the output grid. `half_up`: the
    rounding of LiteRT's int8-to-int8 QUANTIZE kernel, which rounds halves toward +inf (measured)."""
    if q_from == q_to:
        return value
    if q_from is None or any(q.axis is not None or q.dtype != "i8" for q in (q_from, q_to)):
        return fake_quant(value, q_to)
    multiplier, shift = _quantize_multiplier(float(np.float32(q_from.scale)) / float(np.float32(q_to.scale)))
    steps = value / jnp.float32(q_from.scale)
    ints = jnp.round(steps).astype(jnp.int32)
    requantized = _dequantize(_multiply_by_quantized_multiplier(ints, multiplier, shift, half_up) + q_to.zero_point, q_to,
                              value.dtype)
    return jnp.where(jnp.abs(steps - jnp.round(steps)) < 1e-3, requantized, fake_quant(value, q_to))


def _integer_elementwise(module, params, ids) -> dict:
    """Replace each int8 ADD, SUB and MUL of two quantized tensors by LiteRT's integer kernel.

    ADD/SUB (tensorflow/lite/kernels/add.cc, sub.cc, PrepareGeneralSubOp): each input, less its
    zero point, is shifted left by 20 and scaled by `s_i / (2 max(s1, s2))`, the two are summed
    (or subtracted) and the result scaled by `2 max(s1, s2) / (2**20 s_out)`, each scaling a
    fixed-point `MultiplyByQuantizedMultiplierSmallerThanOneExp`. MUL (mul.cc): the product of the
    zero-point-corrected inputs is requantized once by `s1 s2 / s_out`. These roundings move
    outputs by a step against the float formula, which deep chains of them amplify."""
    exact = {}
    for op in mlir.entry_block(module).operations:
        op = op.operation
        if op.name not in ("stablehlo.add", "stablehlo.subtract", "stablehlo.multiply"):
            continue
        q1, q2 = (params.get(marker_behind(v)) for v in op.operands)  # LiteRT's ADD/SUB/MUL broadcast them
        out_marker = _output_marker(op)
        if q1 is None or q2 is None or out_marker not in params:
            continue
        q_out = params[out_marker]
        if any(q.axis is not None or q.dtype != "i8" for q in (q1, q2, q_out)):
            continue
        s1, s2, s_out = (float(np.float32(q.scale)) for q in (q1, q2, q_out))
        if op.name == "stablehlo.multiply":
            scalings = [_quantize_multiplier(s1 * s2 / s_out)]
        else:
            twice_max = 2.0 * max(s1, s2)
            scalings = [_quantize_multiplier(s1 / twice_max), _quantize_multiplier(s2 / twice_max),
                        _quantize_multiplier(twice_max / ((1 << 20) * s_out))]

        def integer(env, a_id=ids[op.operands[0]], b_id=ids[op.operands[1]], q1=q1, q2=q2, q_out=q_out,
                    scalings=scalings, kind=op.name):
            a, b = env[a_id], env[b_id]
            a_int = jnp.round(a / jnp.float32(q1.scale)).astype(jnp.int32)  # already less the zero point
            b_int = jnp.round(b / jnp.float32(q2.scale)).astype(jnp.int32)
            if kind == "stablehlo.multiply":
                out = _multiply_by_quantized_multiplier(a_int * b_int, *scalings[0])
            else:
                a_scaled = _multiply_by_quantized_multiplier(a_int * (1 << 20), *scalings[0])
                b_scaled = _multiply_by_quantized_multiplier(b_int * (1 << 20), *scalings[1])
                total = a_scaled + b_scaled if kind == "stablehlo.add" else a_scaled - b_scaled
                out = _multiply_by_quantized_multiplier(total, *scalings[2])
            return (out.astype(jnp.float32) * jnp.float32(q_out.scale)).astype(a.dtype)

        exact[ids[op.results[0]]] = integer
    return exact


def _requantized_inputs(module, params, ids) -> dict:
    """Shared-scale ops with an input of a fixed scale (catalogue Category.SHARED_ALL), which LiteRT
    requantizes to the output's scale first with a QUANTIZE op: the inputs are rounded onto the
    output grid as that kernel rounds (halves up; with halves away from zero the activations MLP's
    MINIMUM of a requantized tanh differed by a step on 14% of elements)."""
    ops = {}
    for marker, q_out in params.items():
        op = mlir.producer(marker.operands[0])
        if not marker_attrs(marker)["op"].endswith(":requantized") or op is None:
            continue

        grids = [_source_grid(v, params) for v in op.operands]

        def requantized(env, operands=[ids[v] for v in op.operands], evaluate=op_evaluator(op), q_out=q_out,
                        grids=grids):
            values = [env[i] for i in operands]
            return evaluate(*[_requantize(v, grid, q_out, half_up=True) if jnp.issubdtype(v.dtype, jnp.floating) else v
                              for v, grid in zip(values, grids)])

        ops[ids[op.results[0]]] = requantized
    return ops


def _divided_reductions(module, params, reducer: str):
    """Quantized `reducer(x) / count` units (mean, average pool; the pool with its fused ReLU)
    between two sites: yields (divide op, reducer op, input qparams, output qparams, count)."""
    for divide in mlir.entry_block(module).operations:
        divide = divide.operation
        op = _output_marker(divide) if divide.name == "stablehlo.divide" else None
        if op not in params:
            continue
        reduction = mlir.producer(divide.operands[0])
        if reduction is not None and reduction.name in ("stablehlo.reshape", "stablehlo.broadcast_in_dim"):
            reduction = mlir.producer(reduction.operands[0])  # keepdims: the catalogue checked it adds unit dims
        if reduction is None or reduction.name != reducer:
            continue
        x_marker = mlir.producer(reduction.operands[0])
        if x_marker not in params:
            continue
        q_in, q_out = params[x_marker], params[op]
        if q_in.axis is None and q_out.axis is None and q_in.dtype == q_out.dtype == "i8":
            count = int(round(float(evaluate_constant(divide.operands[1]).reshape(-1)[0])))
            yield divide, reduction, q_in, q_out, count


def _dequantize(ints, q: SiteQParams, dtype):
    """Saturates integer results to `q`'s range and maps them back to real values."""
    qmin, qmax = q.qrange
    return ((jnp.clip(ints, qmin, qmax) - q.zero_point).astype(jnp.float32) * jnp.float32(q.scale)).astype(dtype)


def _integer_means(module, params, ids) -> dict:
    """Replace each quantized mean (reduce-sum then divide) by LiteRT's integer int8 MEAN.

    LiteRT's builtin MEAN (tensorflow/lite/kernels/reduce.cc, EvalMean -> EvalQuantizedMean ->
    reference_ops::QuantizedMeanOrSum in kernels/internal/reference/reduce.h) does no float maths
    for an int8 mean off the keep_dims-and-axes-[1, 2] fast path (shloq's means are a reduce then a
    divide, which drops the axes, so they convert with keep_dims false and never take it):
    the int32 sum minus `zp_in * n` is requantized with `MultiplyByQuantizedMultiplier` by a
    multiplier for `s_in / s_out` into which `1/n` has been folded with a truncating integer division
    (`_mean_multiplier`). That truncation and the fixed-point double rounding move ~20% of outputs
    by one step against any float formula, so it is reproduced here bit for bit in int32/uint32."""
    means = {}
    for divide, reduce, q_in, q_out, count in _divided_reductions(module, params, "stablehlo.reduce"):
        dims = tuple(int(d) for d in ir.DenseI64ArrayAttr(reduce.attributes["dimensions"]))
        multiplier, shift = _mean_multiplier(float(np.float32(q_in.scale)), float(np.float32(q_out.scale)), count)

        def requantize(env, x_id=ids[reduce.operands[0]], q_in=q_in, q_out=q_out, dims=dims, count=count,
                       multiplier=multiplier, shift=shift, shape=mlir.tensor_shape(divide.results[0].type)):
            x = env[x_id]
            ints = (jnp.round(x / jnp.float32(q_in.scale)) + q_in.zero_point).astype(jnp.int32)
            total = jnp.sum(ints, axis=dims, dtype=jnp.int32).reshape(shape) - jnp.int32(q_in.zero_point * count)
            return _dequantize(_multiply_by_quantized_multiplier(total, multiplier, shift) + q_out.zero_point,
                               q_out, x.dtype)

        means[ids[divide.results[0]]] = requantize
    return means


def _integer_avg_pools(module, params, ids) -> dict:
    """Replace each quantized average pool (reduce_window sum then divide) by LiteRT's int8 kernel.

    LiteRT's AVERAGE_POOL_2D for int8 (tensorflow/lite/kernels/pooling.cc -> optimized_integer_ops::
    AveragePool16 in kernels/internal/optimized/integer_ops/pooling.h) never requantizes: it sums the
    raw int8 values, zero point included, and divides by the window count rounding half away from
    zero (`(acc +/- n/2) / n` in C), then clamps. Rounding the raw ints rather than `ints - zp`
    differs from the float path on ties (every 4th sum for a 2x2 window when zp = -128): 16-24% of
    the digits model's pool outputs. shloq's pools have no padding, so the count is the window size (the divisor)."""
    pools = {}
    for divide, window, q_in, q_out, count in _divided_reductions(module, params, "stablehlo.reduce_window"):

        def pool(env, sum_id=ids[window.results[0]], q_in=q_in, q_out=q_out, count=count):
            total = env[sum_id]  # sum of dequantized inputs: (sum of raw ints - n * zp_in) * s_in
            acc = jnp.round(total / jnp.float32(q_in.scale)).astype(jnp.int32) + jnp.int32(q_in.zero_point * count)
            half = count // 2
            quotient = jnp.where(acc > 0, (acc + half) // count, -((half - acc) // count))
            return _dequantize(quotient, q_out, total.dtype)

        pools[ids[divide.results[0]]] = pool
    return pools


def _quantize_multiplier(real: float) -> tuple[int, int]:
    """TFLite's `QuantizeMultiplier` (kernels/internal/quantization_util.cc): `real = q * 2**shift`
    with `q` in [0.5, 1) stored as round-half-away(q * 2**31) in an int32."""
    if real == 0.0:
        return 0, 0
    fraction, shift = np.frexp(np.float64(real))
    fixed = int(round_half_away(np.float64(fraction) * 2.0 ** 31))
    if fixed == 2 ** 31:
        fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return fixed, int(shift)


def _mean_multiplier(s_in: float, s_out: float, count: int) -> tuple[int, int]:
    """The (multiplier, shift) LiteRT's int8 MEAN applies to the zero-point-corrected sum.

    PrepareMeanOrSum quantizes `double(s_in) / double(s_out)`; QuantizedMeanOrSum then folds in
    `1/count`: `k = min(floor(log2(count)), 32, 31 + shift)`, multiplier `(m << k) // count`
    (int64, truncating), shift `shift - k`."""
    multiplier, shift = _quantize_multiplier(s_in / s_out)
    k = min(count.bit_length() - 1, 32, 31 + shift)
    return int((multiplier << k) // count), shift - k


def _multiply_by_quantized_multiplier(x, multiplier, shift, half_up: bool = False):
    """TFLite's double-rounding `MultiplyByQuantizedMultiplier(int32 x, multiplier, shift)`
    (kernels/internal/common.h without TFLITE_SINGLE_ROUNDING, which is how LiteRT's wheel is built;
    the single-rounding variant misses ~23% of the convnet's means):
    `RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x << left, multiplier), right)`.

    jax runs with x64 off, so the 32x32->64-bit product in the high-mul is done on 16-bit limbs in
    uint32. `x` is an int32 array; `multiplier` (in [0, 2**31)) and `shift` are ints, or integer
    numpy arrays broadcasting against `x` (one per channel)."""
    multiplier, shift = np.asarray(multiplier, np.int64), np.asarray(shift, np.int64)
    left, right = np.maximum(shift, 0), np.maximum(-shift, 0)
    x = jnp.left_shift(x.astype(jnp.int32), jnp.asarray(left, jnp.int32))
    # SaturatingRoundingDoublingHighMul for multiplier >= 0: the product's magnitude |x| * m, nudged
    # by 2**30 (2**30 - 1 when negative, as the C division truncates toward zero), over 2**31.
    negative = x < 0
    u = jnp.abs(x).astype(jnp.uint32)          # |INT32_MIN| wraps to 2**31, still right as uint32
    m0, m1 = jnp.asarray(multiplier & 0xFFFF, jnp.uint32), jnp.asarray(multiplier >> 16, jnp.uint32)
    u0, u1 = u & jnp.uint32(0xFFFF), u >> jnp.uint32(16)
    p00, p01, p10, p11 = u0 * m0, u0 * m1, u1 * m0, u1 * m1
    t = (p00 >> jnp.uint32(16)) + p01
    w = (t & jnp.uint32(0xFFFF)) + p10
    hi = p11 + (t >> jnp.uint32(16)) + (w >> jnp.uint32(16))
    lo = (w << jnp.uint32(16)) | (p00 & jnp.uint32(0xFFFF))
    nudged = lo + jnp.where(negative, jnp.uint32(2 ** 30 - 1), jnp.uint32(2 ** 30))
    hi = hi + (nudged < lo).astype(jnp.uint32)
    high = ((hi << jnp.uint32(1)) | (nudged >> jnp.uint32(31))).astype(jnp.int32)
    high = jnp.where(negative, -high, high)
    # gemmlowp RoundingDivideByPOT: arithmetic shift, rounding half away from zero; with
    # `half_up` (FULLY_CONNECTED's optimized kernel, measured) halves round toward +inf.
    mask = jnp.asarray((1 << right) - 1, jnp.int32)
    remainder = high & mask
    threshold = (mask >> 1) + (0 if half_up else (high < 0).astype(jnp.int32))
    return jnp.right_shift(high, jnp.asarray(right, jnp.int32)) + (remainder > threshold).astype(jnp.int32)


_ACTIVATIONS = ("stablehlo.maximum", "stablehlo.minimum", "stablehlo.clamp")


def _integer_contractions(module, params, ids) -> dict:
    """Replace each quantized conv/dense (with its bias add) by LiteRT's integer kernel.

    CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with per-channel int8 weights accumulate
    `(q_in - zp_in) * q_w` in int32, add the int32 bias `round(b / (s_in * s_w))`, and requantize
    with a fixed-point multiplier per channel for `s_in * s_w / s_out`
    (PopulateConvolutionQuantizationParams, MultiplyByQuantizedMultiplier). The fused ReLU and the
    output site then clamp and add the zero point, which float order already gives exactly.
    Returns: id of the bias add (or of the contraction, without bias) -> fn(env) giving the
    requantized value as a real number on the output grid."""
    exact = {}
    for op in mlir.entry_block(module).operations:
        op = op.operation
        if op.name not in ("stablehlo.convolution", "stablehlo.dot_general"):
            continue
        x_marker, w_marker = (mlir.producer(v) for v in op.operands)
        anchor, bias = op, None
        users = mlir.users(op.results[0])
        if len(users) == 1 and users[0].name == "stablehlo.add":
            bias = evaluate_constant(next(v for v in users[0].operands if v != op.results[0]))
            anchor = op if bias is None else users[0]
        out_marker = _output_marker(anchor)
        if x_marker not in params or w_marker not in params or out_marker not in params:
            continue
        q_in, q_w, q_out = params[x_marker], params[w_marker], params[out_marker]
        if q_in.dtype != "i8":
            continue  # 16x8 kernels accumulate in int64: the float path is as close as the step is small
        channel_axis = output_channel_axis(op)
        shape = [1] * len(mlir.tensor_shape(op.results[0].type))
        shape[channel_axis] = -1
        w_scale = np.asarray(q_w.scale, np.float64).reshape(-1)  # one per channel, or one for all
        accumulator_scale = (np.float64(np.float32(q_in.scale)) * w_scale).reshape(shape if w_scale.size > 1 else ())
        bias_ints = 0 if bias is None else np.clip(round_half_away(bias / accumulator_scale), -2**31, 2**31 - 1)
        multipliers = [_quantize_multiplier(float(e)) for e in accumulator_scale.reshape(-1) / np.float64(
            np.float32(q_out.scale))]
        multiplier = np.array([m for m, _ in multipliers], np.int64).reshape(accumulator_scale.shape)
        shift = np.array([sh for _, sh in multipliers], np.int64).reshape(accumulator_scale.shape)
        w_shape = [1] * len(mlir.tensor_shape(op.operands[1].type))
        if q_w.axis is not None:
            w_shape[q_w.axis] = -1

        def requantize(env, x_id=ids[op.operands[0]], w_id=ids[op.operands[1]],
                       contract=op_evaluator(op, dtype=np.dtype(np.int32)), q_in=q_in, q_w=q_w, q_out=q_out,
                       bias_ints=np.asarray(bias_ints, np.int32), multiplier=multiplier, shift=shift, w_shape=w_shape,
                       half_up=op.name == "stablehlo.dot_general" and marker_attrs(w_marker)["kind"] == "weight"):
            x, w = env[x_id], env[w_id]  # both already on their integer grids (x - zp_in, w)
            x_ints = jnp.round(x / jnp.float32(q_in.scale)).astype(jnp.int32)
            w_ints = jnp.round(w / jnp.asarray(q_w.scale, jnp.float32).reshape(w_shape)).astype(jnp.int32)
            accumulator = contract(x_ints, w_ints) + bias_ints
            out = _multiply_by_quantized_multiplier(accumulator, multiplier, shift, half_up=half_up)
            return (out.astype(jnp.float32) * jnp.float32(q_out.scale)).astype(x.dtype)

        exact[ids[anchor.results[0]]] = requantize
    return exact


def _output_marker(op):
    """The site marker after `op` through an optional fused ReLU/ReLU6 chain, else None."""
    while True:
        users = mlir.users(op.results[0])
        if len(users) != 1:
            return None
        op = users[0]
        if is_site_marker(op):
            return op
        if op.name not in _ACTIVATIONS:
            return None
