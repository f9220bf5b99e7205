"""Runs a StableHLO function as a JAX function, so calibration, QAT and the report are jit-able JAX.

The MLIR function is compiled once into a flat list of `Instr` (plain Python data: numpy
constants, tuples of ints), then `Program.__call__` traces it with `jax.lax`. Quantization site
markers call a hook, which is how calibration observes tensors and the report fake-quantizes them.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from litert_converter.mlir import ir
from litert_converter.mlir.dialects import stablehlo

from shloq import mlir
from shloq.errors import UnsupportedOpError
from shloq.sites import SITE_TARGET, is_site_marker, marker_attrs


@dataclasses.dataclass
class Instr:
    name: str
    operands: tuple[int, ...]
    results: tuple[int, ...]
    attrs: dict[str, Any]
    loc: str


# Constants this large are passed to a jitted program as arguments (`with_constants_as_arguments`);
# smaller ones stay literals, which XLA may fold.
LIFTED_CONSTANT_ELEMENTS = 1024


@dataclasses.dataclass
class Program:
    """A compiled StableHLO function: `args` and `outputs` are value ids into the environment."""
    args: tuple[int, ...]
    instrs: list[Instr]
    outputs: tuple[int, ...]

    def __call__(self, *args, site_hook: Callable | None = None):
        """Evaluates the program. `site_hook(instr, value)` replaces marker outputs (fake quant)."""
        env = dict(zip(self.args, args))
        for instr in self.instrs:
            operands = [env[i] for i in instr.operands]
            if instr.name == "stablehlo.custom_call" and instr.attrs.get("target") == SITE_TARGET:
                out = site_hook(instr, operands[0]) if site_hook else operands[0]
                env[instr.results[0]] = out
                continue
            results = _EVAL[instr.name](instr.attrs, *operands)
            if not isinstance(results, (tuple, list)):
                results = (results,)
            env.update(zip(instr.results, results))
        return tuple(env[i] for i in self.outputs)

    def with_constants_as_arguments(self, min_elements: int = LIFTED_CONSTANT_ELEMENTS) -> tuple["Program", list]:
        """This program taking its constants of at least `min_elements` elements (splats aside) as
        trailing arguments, and their values (as JAX arrays). Jitted, they are buffers passed in
        rather than literals XLA copies into the executable and may try to fold (MiniLM's ~90 MB
        of weights: the instrumented module compiled in 7.8 s instead of 14 s, wall, loaded machine)."""
        lifted, values, instrs = [], [], []
        for instr in self.instrs:
            if instr.name == "stablehlo.constant" and "value" in instr.attrs and instr.attrs["value"].size >= min_elements:
                lifted.append(instr.results[0])
                values.append(jnp.asarray(instr.attrs["value"]))
            else:
                instrs.append(instr)
        return Program(self.args + tuple(lifted), instrs, self.outputs), values


def compile_function(func_op, ids: dict | None = None) -> Program:
    """Compiles `func_op` (after inlining: no calls) into a Program; unknown ops raise.
    `ids`, when given, receives the value -> value id map."""
    return _compile_block(func_op.regions[0].blocks[0], {} if ids is None else ids, (), [])


def _compile_block(block, ids: dict, captures: tuple, unknown: list, raise_unknown: bool = True) -> Program:
    """Compiles one block; `captures` are values of enclosing blocks that its ops read, passed
    after the block arguments. Ops the interpreter cannot run are collected into `unknown`."""
    def vid(value):
        return ids.setdefault(value, len(ids))

    args = tuple(vid(a) for a in (*block.arguments, *captures))
    instrs, outputs = [], ()
    for op in block.operations:
        op = op.operation
        name = op.name
        if name in ("func.return", "stablehlo.return"):
            outputs = tuple(vid(v) for v in op.operands)
            continue
        extract = _ATTRS.get(name)
        if extract is None or (name == "stablehlo.custom_call" and not is_site_marker(op)):
            unknown.append((name, mlir.describe(op.location)))
            continue
        inner = _captured(op) if name in _REGION_PROGRAMS else ()
        attrs = extract(op, ids, inner, unknown) if name in _REGION_PROGRAMS else extract(op)
        instrs.append(Instr(name, tuple(vid(v) for v in (*op.operands, *inner)), tuple(vid(r) for r in op.results),
                            attrs, str(op.location)))
    if unknown and raise_unknown:
        raise UnsupportedOpError(unknown, advice="by shloq: its interpreter cannot run them, and calibration and "
                                                 "emulation run every op, float ones included")
    return Program(args, instrs, outputs)


# Ops whose regions compile to sub-programs (a reduce's body is only read for its kind).
_REGION_PROGRAMS = {"stablehlo.while"}


def _captured(op) -> tuple:
    """Values defined outside `op` that ops in its regions read (StableHLO regions may read them)."""
    inside, found = set(), {}
    for inner in (op, *mlir.walk(op)):
        for region in inner.regions:
            for block in region.blocks:
                inside.update(block.arguments)
        if inner is not op:
            inside.update(inner.results)
    for inner in mlir.walk(op):
        for value in inner.operands:
            if value not in inside:
                found.setdefault(value, None)
    return tuple(found)


def _while_attrs(op, ids, captures, unknown):
    cond, body = (_compile_block(r.blocks[0], ids, captures, unknown, raise_unknown=False) for r in op.regions)
    return {"cond": cond, "body": body, "n": len(op.operands)}


def _while(a, *values):
    """`lax.while_loop` over the loop-carried values; captured values ride along unchanged."""
    state, captured = tuple(values[:a["n"]]), tuple(values[a["n"]:])
    return lax.while_loop(lambda s: a["cond"](*s, *captured)[0].reshape(()),
                          lambda s: tuple(a["body"](*s, *captured)), state)


# ---- attribute extraction (MLIR -> plain Python) ---------------------------------------------

def _ints(attr) -> tuple[int, ...]:
    if attr is None:
        return ()
    try:
        return tuple(int(x) for x in ir.DenseI64ArrayAttr(attr))
    except (ValueError, TypeError):
        return tuple(int(x) for x in np.asarray(ir.DenseIntElementsAttr(attr)).reshape(-1))


def _attr(op, name):
    return op.attributes[name] if name in op.attributes else None


def _result_info(op):
    t = ir.RankedTensorType(op.results[0].type)
    return {"shape": tuple(t.shape), "dtype": mlir.element_dtype(t.element_type)}


def _reducer_kind(op) -> str:
    body = [o.operation.name for o in op.regions[0].blocks[0].operations]
    kinds = {"stablehlo.add": "add", "stablehlo.maximum": "max", "stablehlo.minimum": "min",
             "stablehlo.multiply": "mul", "stablehlo.and": "and", "stablehlo.or": "or"}
    if len(body) != 2 or body[0] not in kinds:
        raise UnsupportedOpError([(f"{op.operation.name} with body {body}", mlir.describe(op.location))])
    return kinds[body[0]]


def _no_attrs(op):
    return {}


def _constant_attrs(op):
    """A splat keeps its one element and runs as a broadcast of it, not as a full-size literal
    (calibration's instrumentation fills, MiniLM's masks)."""
    splat = mlir.splat_value(op)
    if splat is not None:
        return {"splat": splat, "shape": mlir.tensor_shape(op.results[0].type)}
    return {"value": mlir.constant_value(op)}


def _conv_attrs(op):
    dn = stablehlo.ConvDimensionNumbers(op.attributes["dimension_numbers"])
    rank = len(dn.input_spatial_dimensions) + 2
    lhs = (dn.input_batch_dimension, dn.input_feature_dimension, *dn.input_spatial_dimensions)
    rhs = (dn.kernel_output_feature_dimension, dn.kernel_input_feature_dimension, *dn.kernel_spatial_dimensions)
    out = (dn.output_batch_dimension, dn.output_feature_dimension, *dn.output_spatial_dimensions)
    nsp = rank - 2
    pad = _ints(_attr(op, "padding")) or (0,) * (2 * nsp)
    return {
        "dimension_numbers": lax.ConvDimensionNumbers(lhs, rhs, out),
        "strides": _ints(_attr(op, "window_strides")) or (1,) * nsp,
        "padding": tuple(zip(pad[0::2], pad[1::2])),
        "lhs_dilation": _ints(_attr(op, "lhs_dilation")) or (1,) * nsp,
        "rhs_dilation": _ints(_attr(op, "rhs_dilation")) or (1,) * nsp,
        "feature_group_count": ir.IntegerAttr(op.attributes["feature_group_count"]).value,
        "batch_group_count": ir.IntegerAttr(op.attributes["batch_group_count"]).value,
        **_result_info(op),
    }


def _dot_attrs(op):
    dn = stablehlo.DotDimensionNumbers(op.attributes["dot_dimension_numbers"])
    return {"dimension_numbers": ((tuple(dn.lhs_contracting_dimensions), tuple(dn.rhs_contracting_dimensions)),
                                  (tuple(dn.lhs_batching_dimensions), tuple(dn.rhs_batching_dimensions))),
            **_result_info(op)}


def _gather_attrs(op):
    dn = stablehlo.GatherDimensionNumbers(op.attributes["dimension_numbers"])
    numbers = lax.GatherDimensionNumbers(tuple(dn.offset_dims), tuple(dn.collapsed_slice_dims),
                                         tuple(dn.start_index_map), tuple(dn.operand_batching_dims),
                                         tuple(dn.start_indices_batching_dims))
    return {"dimension_numbers": numbers, "index_vector_dim": dn.index_vector_dim,
            "slice_sizes": _ints(op.attributes["slice_sizes"])}


def _gather(a, x, indices):
    """StableHLO clamps start indices into range, which is lax's CLIP mode."""
    if a["index_vector_dim"] == indices.ndim:
        indices = indices[..., None]
    elif a["index_vector_dim"] != indices.ndim - 1:
        indices = jnp.moveaxis(indices, a["index_vector_dim"], -1)
    return lax.gather(x, indices, a["dimension_numbers"], a["slice_sizes"], mode=lax.GatherScatterMode.CLIP)


def _composite_attrs(op):
    """A composite runs as its decomposition function, compiled from the enclosing module."""
    callee = ir.FlatSymbolRefAttr(op.attributes["decomposition"]).value
    module = op.operation.parent.parent
    func = next(f for f in module.regions[0].blocks[0].operations
                if f.operation.name == "func.func" and ir.StringAttr(f.attributes["sym_name"]).value == callee)
    return {"program": compile_function(func)}


def _reduce_window_attrs(op):
    dims = _ints(op.attributes["window_dimensions"])
    n = len(dims)
    pad = _ints(_attr(op, "padding")) or (0,) * (2 * n)
    return {"kind": _reducer_kind(op), "window": dims, "strides": _ints(_attr(op, "window_strides")) or (1,) * n,
            "base_dilation": _ints(_attr(op, "base_dilations")) or (1,) * n,
            "window_dilation": _ints(_attr(op, "window_dilations")) or (1,) * n,
            "padding": tuple(zip(pad[0::2], pad[1::2]))}


def _compare_attrs(op):
    text = str(op.attributes["comparison_direction"])
    return {"direction": re.search(r"comparison_direction (\w+)", text).group(1)}


def _custom_call_attrs(op):
    return {"target": ir.StringAttr(op.attributes["call_target_name"]).value, **marker_attrs(op)}


_UNARY = {
    "stablehlo.abs": jnp.abs, "stablehlo.negate": jnp.negative, "stablehlo.exponential": jnp.exp,
    "stablehlo.exponential_minus_one": jnp.expm1, "stablehlo.log": jnp.log, "stablehlo.log_plus_one": jnp.log1p,
    "stablehlo.sqrt": jnp.sqrt, "stablehlo.rsqrt": lax.rsqrt, "stablehlo.tanh": jnp.tanh,
    "stablehlo.logistic": jax.nn.sigmoid, "stablehlo.floor": jnp.floor, "stablehlo.ceil": jnp.ceil,
    "stablehlo.sign": jnp.sign, "stablehlo.cosine": jnp.cos, "stablehlo.sine": jnp.sin, "stablehlo.tan": jnp.tan,
    "stablehlo.not": jnp.logical_not, "stablehlo.round_nearest_even": jnp.round,
    "stablehlo.round_nearest_afz": lambda x: jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5),
    "stablehlo.is_finite": jnp.isfinite, "stablehlo.cbrt": jnp.cbrt, "chlo.erf": lax.erf,
    "stablehlo.optimization_barrier": lambda x: x,
}
_BINARY = {
    "stablehlo.add": jnp.add, "stablehlo.subtract": jnp.subtract, "stablehlo.multiply": jnp.multiply,
    "stablehlo.divide": lambda a, b: lax.div(a, b), "stablehlo.maximum": jnp.maximum,
    "stablehlo.minimum": jnp.minimum, "stablehlo.power": lax.pow, "stablehlo.remainder": lax.rem,
    "stablehlo.and": jnp.bitwise_and, "stablehlo.or": jnp.bitwise_or, "stablehlo.xor": jnp.bitwise_xor,
    "stablehlo.atan2": jnp.arctan2, "stablehlo.shift_left": lax.shift_left,
    "stablehlo.shift_right_logical": lax.shift_right_logical,
    "stablehlo.shift_right_arithmetic": lax.shift_right_arithmetic,
}
_COMPARE = {"EQ": jnp.equal, "NE": jnp.not_equal, "LT": jnp.less, "LE": jnp.less_equal, "GT": jnp.greater,
            "GE": jnp.greater_equal}
_REDUCERS = {"add": (lax.add, jnp.sum), "max": (lax.max, jnp.max), "min": (lax.min, jnp.min),
             "mul": (lax.mul, jnp.prod), "and": (lax.bitwise_and, jnp.all), "or": (lax.bitwise_or, jnp.any)}


def _reduce(a, x, init):
    _, full = _REDUCERS[a["kind"]]
    out = full(x, axis=a["dimensions"])
    combine, _ = _REDUCERS[a["kind"]]
    return combine(out, init.astype(out.dtype)).astype(x.dtype)


_IDENTITY = {"add": 0, "max": -np.inf, "min": np.inf, "mul": 1}


def _reduce_window(a, x, init):
    """Reduces each window starting from the reducer's identity, so that JAX picks its
    differentiable sum/max/min window primitives, then folds in `init` once (as StableHLO does).
    Padding is filled with the identity, which equals StableHLO's `init` padding whenever init is
    the identity (JAX's pools) and for max/min in any case."""
    combine, _ = _REDUCERS[a["kind"]]
    identity = _IDENTITY.get(a["kind"])
    if identity is None or not jnp.issubdtype(x.dtype, jnp.floating):
        return lax.reduce_window(x, init, combine, a["window"], a["strides"], a["padding"], a["base_dilation"],
                                 a["window_dilation"])
    reduced = lax.reduce_window(x, np.array(identity, x.dtype), combine, a["window"], a["strides"], a["padding"],
                                a["base_dilation"], a["window_dilation"])
    return combine(reduced, init.astype(x.dtype))


_EVAL: dict[str, Callable] = {
    **{k: (lambda f: lambda a, x: f(x))(f) for k, f in _UNARY.items()},
    **{k: (lambda f: lambda a, x, y: f(x, y))(f) for k, f in _BINARY.items()},
    "stablehlo.constant": lambda a: (lax.broadcast(jnp.asarray(a["splat"]), a["shape"]) if "splat" in a
                                     else jnp.asarray(a["value"])),
    "stablehlo.compare": lambda a, x, y: _COMPARE[a["direction"]](x, y),
    "stablehlo.select": lambda a, p, x, y: jnp.where(p, x, y),
    "stablehlo.clamp": lambda a, lo, x, hi: jnp.clip(x, lo, hi),
    "stablehlo.convert": lambda a, x: x.astype(a["dtype"]),
    "stablehlo.broadcast_in_dim": lambda a, x: lax.broadcast_in_dim(x, a["shape"], a["dims"]),
    "stablehlo.reshape": lambda a, x: jnp.reshape(x, a["shape"]),
    "stablehlo.transpose": lambda a, x: jnp.transpose(x, a["permutation"]),
    "stablehlo.reverse": lambda a, x: jnp.flip(x, a["dimensions"]),
    "stablehlo.concatenate": lambda a, *xs: jnp.concatenate(xs, axis=a["dimension"]),
    "stablehlo.slice": lambda a, x: lax.slice(x, a["start"], a["limit"], a["strides"]),
    "stablehlo.pad": lambda a, x, v: lax.pad(x, v, a["config"]),
    "stablehlo.iota": lambda a: lax.broadcasted_iota(a["dtype"], a["shape"], a["dimension"]),
    "stablehlo.dot_general": lambda a, x, y: lax.dot_general(
        x, y, a["dimension_numbers"], precision=lax.Precision.HIGHEST, preferred_element_type=a["dtype"]),
    "stablehlo.convolution": lambda a, x, w: lax.conv_general_dilated(
        x, w, a["strides"], a["padding"], a["lhs_dilation"], a["rhs_dilation"], a["dimension_numbers"],
        a["feature_group_count"], a["batch_group_count"], precision=lax.Precision.HIGHEST,
        preferred_element_type=a["dtype"]),
    "stablehlo.reduce": _reduce,
    "stablehlo.reduce_window": _reduce_window,
    "stablehlo.gather": _gather,
    "stablehlo.composite": lambda a, *xs: a["program"](*xs),
    "stablehlo.while": _while,
    "stablehlo.bitcast_convert": lambda a, x: lax.bitcast_convert_type(x, a["dtype"]),
}

_ELEMENTWISE = set(_UNARY) | set(_BINARY) | {"stablehlo.compare", "stablehlo.select", "stablehlo.clamp"}

_ATTRS: dict[str, Callable] = {
    **{k: _no_attrs for k in _UNARY},
    **{k: _no_attrs for k in _BINARY},
    "stablehlo.constant": lambda op: _constant_attrs(op),
    "stablehlo.compare": _compare_attrs,
    "stablehlo.select": _no_attrs,
    "stablehlo.clamp": _no_attrs,
    "stablehlo.convert": _result_info,
    "stablehlo.broadcast_in_dim": lambda op: {"dims": _ints(op.attributes["broadcast_dimensions"]),
                                              **_result_info(op)},
    "stablehlo.reshape": _result_info,
    "stablehlo.transpose": lambda op: {"permutation": _ints(op.attributes["permutation"])},
    "stablehlo.reverse": lambda op: {"dimensions": _ints(op.attributes["dimensions"])},
    "stablehlo.concatenate": lambda op: {"dimension": ir.IntegerAttr(op.attributes["dimension"]).value},
    "stablehlo.slice": lambda op: {"start": _ints(op.attributes["start_indices"]),
                                   "limit": _ints(op.attributes["limit_indices"]),
                                   "strides": _ints(op.attributes["strides"])},
    "stablehlo.pad": lambda op: {"config": tuple(zip(_ints(op.attributes["edge_padding_low"]),
                                                     _ints(op.attributes["edge_padding_high"]),
                                                     _ints(op.attributes["interior_padding"])))},
    "stablehlo.iota": lambda op: {"dimension": ir.IntegerAttr(op.attributes["iota_dimension"]).value,
                                  **_result_info(op)},
    "stablehlo.dot_general": _dot_attrs,
    "stablehlo.convolution": _conv_attrs,
    "stablehlo.reduce": lambda op: {"kind": _reducer_kind(op), "dimensions": _ints(op.attributes["dimensions"])},
    "stablehlo.reduce_window": _reduce_window_attrs,
    "stablehlo.custom_call": _custom_call_attrs,
    "stablehlo.gather": _gather_attrs,
    "stablehlo.composite": _composite_attrs,
    "stablehlo.while": _while_attrs,
    "stablehlo.bitcast_convert": _result_info,
}


def supported_ops() -> frozenset[str]:
    """Op names the interpreter can evaluate (constant folding uses it for elementwise ops)."""
    return frozenset(_EVAL)


def is_elementwise(name: str) -> bool:
    return name in _ELEMENTWISE


def op_inputs(op) -> tuple:
    """What `evaluate_op` takes for `op`: its operands, then the outer values its regions read."""
    return (*op.operands, *(_captured(op) if op.name in _REGION_PROGRAMS else ()))


def evaluate_op(op, operand_values: list[np.ndarray]) -> list[np.ndarray]:
    """Evaluates one op on numpy values of `op_inputs(op)` (constant folding), in the op's own
    element types: 64-bit types stay 64-bit although JAX runs with x64 off elsewhere."""
    op = op.operation
    attrs = _ATTRS[op.name](op, {}, _captured(op), []) if op.name in _REGION_PROGRAMS else _ATTRS[op.name](op)
    if op.name in _NUMPY_EVAL:
        result = _NUMPY_EVAL[op.name](attrs, np.asarray(operand_values[0]))
        return [np.ascontiguousarray(result).reshape(result.shape)]  # ascontiguousarray makes rank 0 rank 1
    with jax.enable_x64(True):
        results = _EVAL[op.operation.name](attrs, *[jnp.asarray(v) for v in operand_values])
        if not isinstance(results, (tuple, list)):
            results = (results,)
        types = [ir.RankedTensorType(r.type).element_type for r in op.results]
        return [np.asarray(r).astype(mlir.element_dtype(t)) for r, t in zip(results, types)]


def _numpy_broadcast_in_dim(a, x):
    order = np.argsort(a["dims"])
    shape = [1] * len(a["shape"])
    for d, n in zip(np.sort(a["dims"]), np.transpose(x, order).shape):
        shape[d] = n
    return np.broadcast_to(np.transpose(x, order).reshape(shape), a["shape"])


# Ops that only move elements run in numpy when folded: the same values without a JAX dispatch
# (and an XLA compile per new shape) for each; shloq evaluates thousands on MiniLM.
_NUMPY_EVAL = {"stablehlo.reshape": lambda a, x: np.reshape(x, a["shape"]),
               "stablehlo.transpose": lambda a, x: np.transpose(x, a["permutation"]),
               "stablehlo.broadcast_in_dim": _numpy_broadcast_in_dim}


def evaluate_derived(value, memo: dict):
    """The value of `value` when it is computed from constants and iotas alone, through any ops
    the interpreter runs (loops included), else None; `memo` caches values across calls."""
    if value in memo:
        return memo[value]
    op = mlir.producer(value)
    result = None
    runnable = op is not None and op.name != "stablehlo.custom_call" and all(
        inner.name in _EVAL or inner.name == "stablehlo.return" for inner in (op, *mlir.walk(op)))
    if runnable:
        inputs = [evaluate_derived(v, memo) for v in op_inputs(op)]
        if all(v is not None for v in inputs):
            for r, v in zip(op.results, evaluate_op(op, inputs)):
                memo[r] = v
            result = memo[value]
    memo[value] = result
    return result
