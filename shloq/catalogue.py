"""The op catalogue: the one place that says how each op is quantized.

StableHLO spells many ops as small patterns (softmax is seven ops, mean is a sum and a divide),
so each catalogue entry is an `OpSpec` plus a matcher that recognises the pattern backwards from
its output op. `match_unit` groups a module's activation ops into `Unit`s; every pass that places
quantization (site marking for conversion, calibration and QAT) works from those units.
"""
from __future__ import annotations

import dataclasses
import enum
import math
import re
from typing import Callable

import numpy as np
from litert_converter.mlir import ir
from litert_converter.mlir.dialects import stablehlo

from shloq import mlir


class Category(enum.Enum):
    CONTRACTION = "contraction"  # int8 weights per channel; output site after the fused bias add and ReLU
    INDEPENDENT = "independent"  # output gets its own calibrated scale
    SHARED = "shared"            # output reuses the scale of its activation input (LiteRT requires it)
    SHARED_ALL = "shared_all"    # all activation inputs and the output use one scale, except inputs
                                 # with a fixed scale: the converter requantizes those
    FIXED = "fixed"              # output scale fixed by the LiteRT kernel


@dataclasses.dataclass(frozen=True)
class OpSpec:
    name: str
    category: Category
    litert_op: str
    fixed_qparams: dict | None = None  # dtype -> (scale, zero point), for Category.FIXED
    dtypes: tuple = ("i8", "i16")      # activation types LiteRT has a kernel (and the converter a pattern) for
    # The converter's TFL op verifies that input and output element types agree, so a requantize
    # to the other activation type folded into it fails conversion (litert-converter 0.5.0).
    same_io_type: bool = False
    # LiteRT has an int16 kernel but the converter no int16 pattern: the op is converted as int8
    # between int16 requantizes (shloq-int16-scaffold) and retyped to int16 after (shloq-tfl-retype)
    int16_by_retype: bool = False
    # LiteRT's int16 kernel (and the converter's verifier) needs operands of equal shapes, but the
    # converter shrinks a broadcast operand: shloq-int16-broadcast-add computes x + c as x - (-c),
    # with `int16_broadcasting` the binary op that broadcasts
    int16_broadcasting: str = ""
    # (from, to) activation types of a requantize that, folded into this op by the converter, fails
    # its TFL verifier when the op broadcasts: the operand-shape check follows the output type
    # (`tfl_ops.cc`: an ADD with an int16 output, a MUL with int16 inputs and an int8 output need
    # equal shapes), and the converter folds a broadcast operand into the op
    broadcasting_fold_fails: tuple = ()
    # A composite LiteRT has no int16 kernel for: under int16, shloq-mark-sites quantizes its
    # decomposition (the elementwise ops it stands for) instead
    int16_decomposed: bool = False
    xnnpack_int8: bool = True          # XNNPACK has an int8 kernel (LiteRT xnnpack_delegate.cc Visit*Node)


@dataclasses.dataclass
class WeightUse:
    value: ir.Value          # the constant's result feeding the contraction
    operand_index: int
    axis: int                # output-channel axis of the weight tensor
    param_path: str          # pytree path of the parameter it came from ('' for inline constants)


@dataclasses.dataclass
class Unit:
    """Ops that become one LiteRT kernel: quantized at its activation inputs and its output."""
    spec: OpSpec
    ops: list                # ir.Operation, program order
    inputs: list             # activation values entering the unit
    output: ir.Value
    weight: WeightUse | None = None
    activation: str = ""     # fused activation: '', 'relu' or 'relu6'
    statics: list = dataclasses.field(default_factory=list)  # constant operands quantized with the unit

    @property
    def primary(self):
        """The op whose name-stack location rules match against."""
        return self.ops[0]


SPECS = {s.name: s for s in [
    # 16x8 convs: the converter's int32 bias becomes the int64 one LiteRT reads (shloq-tfl-conv-bias)
    OpSpec("conv", Category.CONTRACTION, "CONV_2D / DEPTHWISE_CONV_2D"),
    OpSpec("dense", Category.CONTRACTION, "FULLY_CONNECTED / BATCH_MATMUL"),
    OpSpec("add", Category.INDEPENDENT, "ADD", int16_broadcasting="subtract",
           broadcasting_fold_fails=(("i8", "i16"),)),
    OpSpec("subtract", Category.INDEPENDENT, "SUB"),
    OpSpec("multiply", Category.INDEPENDENT, "MUL", broadcasting_fold_fails=(("i16", "i8"),)),
    OpSpec("relu", Category.INDEPENDENT, "RELU"),
    OpSpec("relu6", Category.INDEPENDENT, "RELU6"),
    OpSpec("mean", Category.INDEPENDENT, "MEAN", same_io_type=True),
    OpSpec("max_pool", Category.SHARED, "MAX_POOL_2D"),
    OpSpec("avg_pool", Category.SHARED, "AVERAGE_POOL_2D"),
    OpSpec("reshape", Category.SHARED, "RESHAPE"),
    OpSpec("transpose", Category.SHARED, "TRANSPOSE"),
    OpSpec("broadcast", Category.SHARED, "BROADCAST_TO"),
    OpSpec("slice", Category.SHARED, "STRIDED_SLICE"),
    OpSpec("concatenate", Category.SHARED_ALL, "CONCATENATION", int16_by_retype=True),
    OpSpec("softmax", Category.FIXED, "SOFTMAX", {"i8": (1.0 / 256.0, -128), "i16": (1.0 / 32768.0, 0)},
           xnnpack_int8=False),
    OpSpec("divide", Category.INDEPENDENT, "DIV", xnnpack_int8=False),
    OpSpec("maximum", Category.SHARED_ALL, "MAXIMUM", xnnpack_int8=False),
    OpSpec("minimum", Category.SHARED_ALL, "MINIMUM", xnnpack_int8=False),
    OpSpec("batch_matmul", Category.INDEPENDENT, "BATCH_MATMUL", same_io_type=True),
    OpSpec("sum", Category.INDEPENDENT, "SUM", same_io_type=True),
    OpSpec("reduce_max", Category.SHARED, "REDUCE_MAX"),
    OpSpec("exp", Category.INDEPENDENT, "EXP", same_io_type=True, xnnpack_int8=False),
    OpSpec("rsqrt", Category.INDEPENDENT, "RSQRT", same_io_type=True, xnnpack_int8=False),
    OpSpec("sqrt", Category.INDEPENDENT, "SQRT", same_io_type=True, xnnpack_int8=False),
    OpSpec("abs", Category.INDEPENDENT, "ABS"),
    OpSpec("tanh", Category.FIXED, "TANH", {"i8": (1.0 / 128.0, 0), "i16": (1.0 / 32768.0, 0)}),
    OpSpec("logistic", Category.FIXED, "LOGISTIC", {"i8": (1.0 / 256.0, -128), "i16": (1.0 / 32768.0, 0)}),
    OpSpec("gelu", Category.INDEPENDENT, "GELU", int16_by_retype=True, same_io_type=True,
           xnnpack_int8=False),
    OpSpec("hard_swish", Category.INDEPENDENT, "HARD_SWISH", dtypes=("i8",), int16_decomposed=True, same_io_type=True),  # LiteRT 2.3.0
    OpSpec("resize_nearest", Category.SHARED, "RESIZE_NEAREST_NEIGHBOR"),
    OpSpec("resize_bilinear", Category.SHARED, "RESIZE_BILINEAR"),
    OpSpec("select", Category.SHARED_ALL, "SELECT_V2"),
    OpSpec("pad", Category.SHARED, "PADV2", int16_by_retype=True),
    OpSpec("gather", Category.SHARED, "GATHER_ND", int16_by_retype=True),
    # shloq-integer-tables: a float function of an integer tensor (mask bias, token count), looked up
    OpSpec("table", Category.SHARED, "GATHER", int16_by_retype=True),
]}

# Profiles (`convert(profile=...)`): the catalogue ops each leaves float, as DEQUANTIZE -> float op
# -> QUANTIZE. "cpu-float-islands" gives XNNPACK every op it has no int8 kernel for in float, so
# they run in XNNPACK too rather than on the builtin int8 kernels; the model is then not
# full-integer, which the name says.
PROFILES = {
    "full-integer": frozenset(),
    "cpu-float-islands": frozenset(name for name, spec in SPECS.items() if not spec.xnnpack_int8),
}


@dataclasses.dataclass(frozen=True)
class ActivationFunction:
    """A scalar function JAX spells as a chain of elementwise ops, recognised by its values
    (shloq-recognize) and rewritten as `rewrite`, or as the LiteRT `composite` (name, attributes)."""
    name: str
    reference: Callable            # float64 numpy reference, with `parameter` when fitted
    rewrite: str = "composite"
    composite: str = ""
    composite_attributes: dict = dataclasses.field(default_factory=dict)
    parameter: float | None = None

    def fit(self, x: np.ndarray, y: np.ndarray):
        """The parameter (or True when there is none) if `y` equals this function of `x`, else None."""
        parameter = None
        if self.name == "leaky_relu":
            parameter = float(y[np.argmin(x)] / x.min())
            if not 0.0 < parameter < 1.0:
                return None
        expected = self.reference(x) if parameter is None else self.reference(x, parameter)
        ok = np.all(np.abs(y - expected) <= 2e-5 * (1.0 + np.abs(expected)))
        return (True if parameter is None else parameter) if ok else None


_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


ACTIVATION_FUNCTIONS = [
    ActivationFunction("gelu", lambda x: 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0))), composite="tfl.gelu",
                       composite_attributes={"approximate": False}),
    ActivationFunction("gelu_tanh", lambda x: 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3))),
                       composite="tfl.gelu", composite_attributes={"approximate": True}),
    ActivationFunction("logistic", _sigmoid, rewrite="logistic"),
    ActivationFunction("silu", lambda x: x * _sigmoid(x), rewrite="silu"),
    ActivationFunction("hard_swish", lambda x: x * np.clip(x + 3.0, 0.0, 6.0) / 6.0, composite="aten.hardswish.default"),
    ActivationFunction("leaky_relu", lambda x, a: np.where(x >= 0, x, a * x), rewrite="leaky_relu"),
]
TABLE_ATTRIBUTE = "shloq.integer_table"  # marks the gathers shloq-integer-tables makes
COMPOSITES = {"tfl.gelu": "gelu", "aten.hardswish.default": "hard_swish",
              "tfl.resize_nearest_neighbor": "resize_nearest", "odml.upsample_bilinear2d": "resize_bilinear"}


# ---- small predicates ------------------------------------------------------------------------

class _Graph:
    """What the matchers need to know about the function beyond the ops themselves."""

    def __init__(self, is_activation: Callable[[ir.Value], bool]):
        self.is_activation = is_activation

    def single_use_producer(self, value, name=None):
        """The producer of `value` when it is its only user's input (so it can be fused)."""
        op = mlir.producer(value)
        if op is None or len(list(value.uses)) != 1 or (name and op.name not in name):
            return None
        return op


def splat_constant(value) -> float | None:
    """The scalar behind a splat constant (possibly broadcast), else None."""
    src = mlir.constant_source(value)
    if src is None:
        return None
    arr = mlir.constant_value(src)
    if arr.size == 0 or not np.all(arr == arr.reshape(-1)[0]):
        return None
    return float(arr.reshape(-1)[0])


def _activation_and_static(op, graph):
    """For a binary op with one activation and one static operand (a constant, or a parameter in
    QAT): (activation, static). Subtract and divide need the activation first."""
    a, b = op.operands
    if graph.is_activation(a) and not graph.is_activation(b):
        return a, b
    if graph.is_activation(b) and not graph.is_activation(a) and op.name not in ("stablehlo.subtract",
                                                                                  "stablehlo.divide"):
        return b, a
    return None


def _relu_input(op, graph):
    """x for `maximum(x, 0)`; (x, 'relu6') for `clamp(0, x, 6)` or `minimum(maximum(x, 0), 6)`."""
    if op.name == "stablehlo.maximum":
        pair = _activation_and_static(op, graph)
        if pair and splat_constant(pair[1]) == 0.0:
            return pair[0], "relu"
    if op.name == "stablehlo.clamp":
        lo, x, hi = op.operands
        if graph.is_activation(x) and splat_constant(lo) == 0.0 and splat_constant(hi) == 6.0:
            return x, "relu6"
    if op.name == "stablehlo.minimum":
        pair = _activation_and_static(op, graph)
        if pair and splat_constant(pair[1]) == 6.0:
            inner = graph.single_use_producer(pair[0], ("stablehlo.maximum",))
            found = inner and _relu_input(inner, graph)
            if found and found[1] == "relu":
                return found[0], "relu6", inner
    return None


def _strip_broadcasts(value, ops):
    """Follows broadcast_in_dim/reshape producers back, collecting them into `ops`."""
    op = mlir.producer(value)
    while op is not None and op.name in ("stablehlo.broadcast_in_dim", "stablehlo.reshape"):
        ops.append(op)
        value = op.operands[0]
        op = mlir.producer(value)
    return value


# ---- contraction helpers (also used by fold-affine) ----------------------------------------

def _parameter_arithmetic(value) -> bool:
    """Computed from constants and parameters alone, which shloq-fold-affine folds into a
    contraction once parameters are bound; not, say, a mask built from iota, which stays an op."""
    op = mlir.producer(value)
    if op is None or op.name == "stablehlo.constant":
        return True
    return bool(op.operands) and all(_parameter_arithmetic(v) for v in op.operands)


def contraction_weight(op, graph_is_activation) -> tuple[int, int, int] | None:
    """(weight operand index, weight out-channel axis, result channel axis) of a contraction whose
    weight is static (a constant, or a parameter in QAT) and whose other operand is an activation."""
    if op.name not in ("stablehlo.convolution", "stablehlo.dot_general"):
        return None
    x, w = op.operands
    if not graph_is_activation(x) or graph_is_activation(w):
        return None
    if op.name == "stablehlo.convolution":
        dn = stablehlo.ConvDimensionNumbers(op.attributes["dimension_numbers"])
        if ir.IntegerAttr(op.attributes["batch_group_count"]).value != 1:
            return None
        return 1, dn.kernel_output_feature_dimension, dn.output_feature_dimension
    dn = stablehlo.DotDimensionNumbers(op.attributes["dot_dimension_numbers"])
    if list(dn.rhs_batching_dimensions):
        return None
    rank = len(mlir.tensor_shape(w.type))
    free = [d for d in range(rank) if d not in set(dn.rhs_contracting_dimensions)]
    if len(free) != 1:
        return None
    return 1, free[0], len(mlir.tensor_shape(op.results[0].type)) - 1


def varying_dims(value) -> set[int]:
    """Dimensions along which a static value may vary, read from its shape and how it was
    broadcast (a per-channel bias is a [C] vector broadcast along the channel dimension)."""
    shape = mlir.tensor_shape(value.type)
    op = mlir.producer(value)
    if op is not None and op.name == "stablehlo.broadcast_in_dim":
        dims = [int(d) for d in ir.DenseI64ArrayAttr(op.attributes["broadcast_dimensions"])]
        source = varying_dims(op.operands[0])
        return {dims[d] for d in source}
    if op is not None and op.name == "stablehlo.reshape":
        source_shape = mlir.tensor_shape(op.operands[0].type)
        source = varying_dims(op.operands[0])
        big_in = [d for d, n in enumerate(source_shape) if n != 1]
        big_out = [d for d, n in enumerate(shape) if n != 1]
        if [source_shape[d] for d in big_in] == [shape[d] for d in big_out]:
            return {big_out[big_in.index(d)] for d in source if d in big_in}
    elif op is not None and op.operands and op.name != "stablehlo.constant" and all(
            mlir.tensor_shape(v.type) == shape for v in op.operands):  # elementwise on statics
        return set().union(*(varying_dims(v) for v in op.operands))
    return {d for d, n in enumerate(shape) if n != 1}


def static_source_name(value) -> str:
    """The location name (pytree path) of the constant or parameter a static value comes from."""
    op = mlir.producer(value)
    while op is not None and op.name in ("stablehlo.broadcast_in_dim", "stablehlo.reshape", "stablehlo.convert",
                                         "stablehlo.transpose"):
        value = op.operands[0]
        op = mlir.producer(value)
    return mlir.location_name(value.location if op is None else op.location)


# ---- matchers: each takes the candidate output op and returns a Unit or None ----------------

_AFFINE = ("stablehlo.add", "stablehlo.subtract", "stablehlo.multiply", "stablehlo.divide")


def _match_contraction(op, graph):
    """conv/dot with a static weight, then per-channel affine ops (the bias add; in QAT, where
    parameters are not folded, inference batch-norm too), then an optional ReLU/ReLU6."""
    ops, activation, cur = [op], "", op
    relu = _relu_input(op, graph)
    if relu:
        activation = relu[1]
        if len(relu) == 3:
            ops.append(relu[2])
        cur = graph.single_use_producer(relu[0])
        if cur is None:
            return None
        ops.append(cur)
    shifts = []
    while cur.name in _AFFINE:
        pair = _activation_and_static(cur, graph)
        inner = pair and _parameter_arithmetic(pair[1]) and graph.single_use_producer(pair[0])
        if not inner:
            return None
        shifts.append(pair[1])
        cur = inner
        ops.append(cur)
    found = contraction_weight(cur, graph.is_activation)
    if found is None:
        return None
    w_index, w_axis, channel_axis = found
    if any(not varying_dims(v) <= {channel_axis} for v in shifts):
        return None
    if mlir.tensor_shape(cur.results[0].type)[channel_axis] > 1 and any(
            splat_constant(v) not in (None, 0.0) for v in shifts):
        return None  # LiteRT's converter quantizes a splat bias with channel 0's scale only: an ADD of its own
    weight = cur.operands[w_index]
    spec = SPECS["conv" if cur.name == "stablehlo.convolution" else "dense"]
    return Unit(spec, list(reversed(ops)), [cur.operands[0]], op.results[0],
                WeightUse(weight, w_index, w_axis, static_source_name(weight)), activation)


def copy_dense_for_each_relu(block, is_activation) -> None:
    """Gives each ReLU/ReLU6 of a dense layer whose result other ops also read a copy of the dense
    (with its bias) of its own, as LiteRT's converter builds it: its pattern that fuses an
    activation into FULLY_CONNECTED does not ask for a single use (CONV_2D's does), so it computes
    the dense twice, once with the activation fused at the activation's output scale. With the
    copy explicit, sites, calibration and emulation follow what LiteRT runs."""
    graph = _Graph(is_activation)
    for op in [o.operation for o in block.operations]:
        unit = _match_contraction(op, graph) if op.results and is_activation(op.results[0]) else None
        if unit is None or unit.spec.name != "dense" or unit.activation:
            continue
        readers = mlir.users(unit.output)
        relus = [u for u in readers if (found := _relu_input(u, graph)) and found[0] == unit.output]
        if len(relus) == len(readers):
            relus = relus[1:]  # the last ReLU reads the dense itself
        for relu in relus:
            copies = {}
            ip = ir.InsertionPoint(relu)
            for original in unit.ops:
                copy = original.clone(ip=ip)
                for i, operand in enumerate(original.operands):
                    copy.operands[i] = copies.get(operand, operand)
                copies.update(zip(original.results, copy.results))
            for i, operand in enumerate(relu.operands):
                if operand == unit.output:
                    relu.operands[i] = copies[unit.output]


def int16_obstacle(unit: Unit) -> str | None:
    """Why the LiteRT converter cannot give `unit` int16 activations although the kernel exists
    (measured with litert-converter 0.5.0), or None: a binary op with a constant operand, for
    which `tfl.add`/`tfl.mul` fail to verify ("element type needs to match") whatever scale the
    constant gets."""
    return None


BINARY = ("stablehlo.add", "stablehlo.subtract", "stablehlo.multiply", "stablehlo.divide", "stablehlo.maximum",
          "stablehlo.minimum")
_FUSABLE = BINARY[:3]  # LiteRT's ADD/SUB/MUL take a fused ReLU


def _binary_operands(op, graph, names=BINARY):
    """(activation operands, static operands) of a binary op with at least one activation operand."""
    if op is None or op.name not in names or not any(graph.is_activation(v) for v in op.operands):
        return None
    active = list(dict.fromkeys(v for v in op.operands if graph.is_activation(v)))
    return active, [v for v in op.operands if not graph.is_activation(v)]


def _match_binary(op, graph):
    """add/subtract/multiply/divide/maximum/minimum of two activations or of an activation and a
    constant (which is quantized with it), with a fused ReLU/ReLU6 after add/subtract/multiply if
    there is one; a ReLU/ReLU6 after anything else is a unit of its own."""
    relu = _relu_input(op, graph)
    if relu:
        relu_ops = [relu[2], op] if len(relu) == 3 else [op]
        inner = graph.single_use_producer(relu[0], _FUSABLE)
        operands = _binary_operands(inner, graph, _FUSABLE)
        if operands is None:
            return Unit(SPECS[relu[1]], relu_ops, [relu[0]], op.results[0])
        ops, activation = [inner, *relu_ops], relu[1]
    else:
        operands, ops, activation = _binary_operands(op, graph), [op], ""
        if operands is None:
            return None
    active, statics = operands
    return Unit(SPECS[ops[0].name.split(".")[1]], ops, active, op.results[0], activation=activation,
                statics=statics)


_UNARY = {"stablehlo.exponential": "exp", "stablehlo.rsqrt": "rsqrt", "stablehlo.sqrt": "sqrt", "stablehlo.abs": "abs",
          "stablehlo.tanh": "tanh", "stablehlo.logistic": "logistic"}


def _match_unary(op, graph):
    if op.name not in _UNARY or not graph.is_activation(op.operands[0]):
        return None
    return Unit(SPECS[_UNARY[op.name]], [op], [op.operands[0]], op.results[0])


def _match_composite(op, graph):
    """A LiteRT composite (made by shloq-recognize or the exporter) is one kernel."""
    if op.name != "stablehlo.composite" or ir.StringAttr(op.attributes["name"]).value not in COMPOSITES:
        return None
    if len(op.operands) != 1 or not graph.is_activation(op.operands[0]):
        return None
    return Unit(SPECS[COMPOSITES[ir.StringAttr(op.attributes["name"]).value]], [op], [op.operands[0]], op.results[0])


def _match_reduce(op, graph):
    """A sum or max over some dimensions (a mean or softmax has claimed its reduces already)."""
    if op.name != "stablehlo.reduce" or len(op.operands) != 2 or not graph.is_activation(op.operands[0]):
        return None
    kind = [o.operation.name for o in op.regions[0].blocks[0].operations][0]
    init = splat_constant(op.operands[1])
    if kind == "stablehlo.add" and init == 0.0:
        return Unit(SPECS["sum"], [op], [op.operands[0]], op.results[0])
    if kind == "stablehlo.maximum" and init is not None and init <= -3.0e38:
        return Unit(SPECS["reduce_max"], [op], [op.operands[0]], op.results[0])
    return None


def _match_batch_matmul(op, graph):
    """dot_general between two activations (attention scores and values), or between an activation
    and a constant that is no per-channel weight (it has batch dimensions): the constant is
    quantized per tensor with its own scale."""
    if op.name != "stablehlo.dot_general" or not any(graph.is_activation(v) for v in op.operands):
        return None
    return Unit(SPECS["batch_matmul"], [op], list(dict.fromkeys(v for v in op.operands if graph.is_activation(v))),
                op.results[0], statics=[v for v in op.operands if not graph.is_activation(v)])


def _match_select(op, graph):
    """select(mask, a, b) where the mask is static or computed from integer inputs; a constant
    branch (a mask fill such as -inf) shares the scale of the other."""
    if op.name != "stablehlo.select" or not mlir.is_float_tensor(op.results[0].type):
        return None
    _, a, b = op.operands
    if not (graph.is_activation(a) or graph.is_activation(b)):
        return None
    return Unit(SPECS["select"], [op], [v for v in (a, b) if graph.is_activation(v)], op.results[0],
                statics=[v for v in (a, b) if not graph.is_activation(v)])


def _match_pad(op, graph):
    """Edge padding only: LiteRT's PADV2 has no interior (dilating) padding."""
    if op.name != "stablehlo.pad" or not graph.is_activation(op.operands[0]) or graph.is_activation(op.operands[1]):
        return None
    if any(int(d) for d in ir.DenseI64ArrayAttr(op.attributes["interior_padding"])):
        return None
    return Unit(SPECS["pad"], [op], [op.operands[0]], op.results[0], statics=[op.operands[1]])


def _match_gather(op, graph):
    """A lookup into a constant table (an embedding) by integer indices: the table is quantized
    per tensor, and the rows it returns keep its scale. A table of shloq-integer-tables (a function
    of a mask or count) saturates to the values looked up, as a mask fill does: its other entries
    (f(k) for integers the model never holds) would only widen the range."""
    if op.name != "stablehlo.gather" or graph.is_activation(op.operands[0]) or mlir.is_float_tensor(op.operands[1].type):
        return None
    spec = SPECS["table" if TABLE_ATTRIBUTE in op.attributes else "gather"]
    return Unit(spec, [op], [], op.results[0], statics=[op.operands[0]])


def _match_divide_by_count(op, graph, reducer_name):
    """`reducer(x) / n` (mean, average pool), the reduced dims possibly kept as size 1 (a reshape or
    broadcast in between, as `keepdims=True` lowers); returns (reducer op, x, count, keep ops)."""
    if op.name != "stablehlo.divide":
        return None
    lhs, rhs = op.operands
    count = splat_constant(rhs)
    keep = graph.single_use_producer(lhs, ("stablehlo.reshape", "stablehlo.broadcast_in_dim"))
    if keep is not None and same_elements(keep):
        lhs = keep.operands[0]
    else:
        keep = None
    red = graph.single_use_producer(lhs, (reducer_name,))
    if count is None or red is None or splat_constant(red.operands[1]) != 0.0:
        return None
    return red, red.operands[0], count, [keep] if keep else []


def same_elements(op) -> bool:
    """A reshape/broadcast that only inserts unit dimensions (so no element is repeated)."""
    return np.prod(mlir.tensor_shape(op.operands[0].type)) == np.prod(mlir.tensor_shape(op.results[0].type))


def _match_mean(op, graph):
    found = _match_divide_by_count(op, graph, "stablehlo.reduce")
    if not found:
        return None
    red, x, count, keep = found
    shape = mlir.tensor_shape(x.type)
    dims = [int(d) for d in ir.DenseI64ArrayAttr(red.attributes["dimensions"])]
    body = [o.operation.name for o in red.regions[0].blocks[0].operations]
    if body[0] != "stablehlo.add" or count != float(np.prod([shape[d] for d in dims])):
        return None
    return Unit(SPECS["mean"], [red, *keep, op], [x], op.results[0])


def _match_avg_pool(op, graph):
    found = _match_divide_by_count(op, graph, "stablehlo.reduce_window")
    if not found:
        return None
    red, x, count, keep = found
    window = [int(d) for d in ir.DenseI64ArrayAttr(red.attributes["window_dimensions"])]
    body = [o.operation.name for o in red.regions[0].blocks[0].operations]
    padded = "padding" in red.attributes and np.any(np.asarray(ir.DenseIntElementsAttr(red.attributes["padding"])))
    if keep or body[0] != "stablehlo.add" or not _is_2d_pool(red) or count != float(np.prod(window)) or padded:
        return None
    return Unit(SPECS["avg_pool"], [red, op], [x], op.results[0])


def _is_2d_pool(op) -> bool:
    """LiteRT pools NHWC tensors over H and W only."""
    window = [int(d) for d in ir.DenseI64ArrayAttr(op.attributes["window_dimensions"])]
    return len(window) == 4 and window[0] == 1 and window[3] == 1


def _with_fused_relu(match):
    """A pool matcher that also takes a ReLU/ReLU6 after the pool into the unit: LiteRT's converter
    fuses it into MAX_POOL_2D/AVERAGE_POOL_2D, which keep their input's scale, so a site between
    them would give the pool a second scale (the converter refuses that)."""
    def matcher(op, graph):
        relu = _relu_input(op, graph)
        if not relu:
            return match(op, graph)
        inner = graph.single_use_producer(relu[0])
        unit = inner and match(inner, graph)
        if not unit:
            return None
        return dataclasses.replace(unit, ops=[*unit.ops, *relu[2:], op], output=op.results[0], activation=relu[1])
    return matcher


def _match_max_pool(op, graph):
    if op.name != "stablehlo.reduce_window" or not graph.is_activation(op.operands[0]) or not _is_2d_pool(op):
        return None
    body = [o.operation.name for o in op.regions[0].blocks[0].operations]
    if body[0] != "stablehlo.maximum":
        return None
    return Unit(SPECS["max_pool"], [op], [op.operands[0]], op.results[0])


_SHAPE_OPS = {"stablehlo.reshape": "reshape", "stablehlo.transpose": "transpose",
              "stablehlo.broadcast_in_dim": "broadcast", "stablehlo.slice": "slice"}


def _match_shape_op(op, graph):
    if op.name not in _SHAPE_OPS or not graph.is_activation(op.operands[0]):
        return None
    return Unit(SPECS[_SHAPE_OPS[op.name]], [op], [op.operands[0]], op.results[0])


def _match_concatenate(op, graph):
    """Activations concatenated, possibly with constants (which share their scale)."""
    if op.name != "stablehlo.concatenate" or not any(graph.is_activation(v) for v in op.operands):
        return None
    operands = list(dict.fromkeys(op.operands))
    return Unit(SPECS["concatenate"], [op], [v for v in operands if graph.is_activation(v)], op.results[0],
                statics=[v for v in operands if not graph.is_activation(v)])


def match_softmax(op) -> bool:
    """Whether `op` is the divide that ends a softmax (taking every non-constant as an activation)."""
    return _match_softmax(op, _Graph(lambda value: mlir.constant_source(value) is None)) is not None


def offset_fixed_grid(value) -> bool:
    """Whether `value` is (a reshape or transpose of) the output of an op whose int8 kernel fixes a
    grid with a non-zero zero point (softmax, logistic): such a tensor cannot be the symmetric
    second operand XNNPACK's int8 BATCH_MATMUL needs, so it goes first."""
    op = mlir.producer(value)
    while op is not None and op.name in ("stablehlo.reshape", "stablehlo.transpose"):
        op = mlir.producer(op.operands[0])
    if op is None:
        return False
    name = "softmax" if match_softmax(op) else _UNARY.get(op.name)
    spec = SPECS.get(name)
    return spec is not None and spec.category is Category.FIXED and spec.fixed_qparams["i8"][1] != 0


def _match_softmax(op, graph):
    """exp(x - max(x)) / sum(exp(x - max(x))) along one axis, as jax.nn.softmax lowers it; or
    exp(y) / sum(exp(y)) of any y (a vmapped softmax takes its row maximum before unit axes move),
    which LiteRT's converter also makes a SOFTMAX, of y."""
    if op.name != "stablehlo.divide":
        return None
    ops = [op]
    e, denom = op.operands
    total = mlir.producer(_strip_broadcasts(denom, ops))
    exp = mlir.producer(e)
    if total is None or exp is None or total.name != "stablehlo.reduce" or exp.name != "stablehlo.exponential":
        return None
    if total.operands[0] != e or splat_constant(total.operands[1]) != 0.0:
        return None
    ops += [total, exp]
    return _softmax_of_shifted(exp.operands[0], list(ops), graph) or _softmax_unit(exp.operands[0], total, ops)


def _softmax_of_shifted(shifted, ops, graph):
    sub = mlir.producer(shifted)
    if sub is None or sub.name != "stablehlo.subtract":
        return None
    ops.append(sub)
    x, shift = sub.operands
    peak = mlir.producer(_strip_broadcasts(shift, ops))
    if peak is not None and peak.name == "stablehlo.maximum":  # max(-inf, reduce_max(x))
        ops.append(peak)
        peak = next((mlir.producer(v) for v in peak.operands if graph.is_activation(v)), None)
    if peak is None or peak.name != "stablehlo.reduce" or peak.operands[0] != x:
        return None
    return _softmax_unit(x, peak, ops + [peak])


def _softmax_unit(x, reduce, ops):
    """The softmax unit of input `x` (normalized along the dimension `reduce` reduces), or None."""
    shape = mlir.tensor_shape(x.type)
    if [int(d) for d in ir.DenseI64ArrayAttr(reduce.attributes["dimensions"])] != [len(shape) - 1] or shape[-1] < 2:
        return None  # LiteRT's SOFTMAX normalizes the last dimension, and a size-1 one folds away
    inside = set(ops)
    for o in ops[1:]:
        if any(u not in inside for r in o.results for u in mlir.users(r)):
            return None
    return Unit(SPECS["softmax"], list(reversed(ops)), [x], ops[0].results[0])


# Tried in this order on each op, from the last op of the function to the first.
MATCHERS = [_match_softmax, _match_contraction, _match_mean, _with_fused_relu(_match_avg_pool),
            _with_fused_relu(_match_max_pool), _match_binary, _match_shape_op, _match_concatenate, _match_unary,
            _match_composite, _match_reduce, _match_batch_matmul, _match_select, _match_pad, _match_gather]


def single_op_spec(op) -> OpSpec | None:
    """The spec of an op that is a unit by itself (a composite, concatenate, pad, gather), else None."""
    if op.name == "stablehlo.composite":
        name = COMPOSITES.get(ir.StringAttr(op.attributes["name"]).value)
        return SPECS[name] if name else None
    if op.name == "stablehlo.gather":
        return SPECS["table" if TABLE_ATTRIBUTE in op.attributes else "gather"]
    return SPECS.get({"stablehlo.concatenate": "concatenate", "stablehlo.pad": "pad"}.get(op.name, ""))


def is_integer_op(op) -> bool:
    """Computes on integer/boolean tensors only: runs in LiteRT as it is, nothing to quantize."""
    return not any(mlir.is_float_tensor(v.type) for v in [*op.operands, *op.results])


def match_units(block, is_activation) -> tuple[list[Unit], list]:
    """Groups the activation ops of `block` into units; returns (units, ops no matcher claimed),
    both in program order."""
    graph = _Graph(is_activation)
    ops = [op.operation for op in block.operations]
    position = {op: i for i, op in enumerate(ops)}
    claimed, units, unmatched = set(), [], []
    for op in reversed(ops):
        if op in claimed or op.name in ("func.return", "stablehlo.constant") or not any(
                is_activation(r) for r in op.results) or is_integer_op(op):
            continue
        unit = next((u for m in MATCHERS if (u := m(op, graph)) and not claimed.intersection(u.ops)), None)
        if unit is None:
            unmatched.append(op)
            claimed.add(op)
            continue
        unit.ops.sort(key=position.__getitem__)
        claimed.update(unit.ops)
        units.append(unit)
    units.sort(key=lambda u: position[u.ops[0]])
    unmatched.sort(key=position.__getitem__)
    return units, unmatched


def output_channel_axis(op) -> int:
    """The result dimension a contraction's per-channel weight scales apply to."""
    if op.name == "stablehlo.convolution":
        return stablehlo.ConvDimensionNumbers(op.attributes["dimension_numbers"]).output_feature_dimension
    return len(mlir.tensor_shape(op.results[0].type)) - 1


def resize_composite(callee) -> tuple[str, dict, bool] | None:
    """(composite name, attributes, channels first) for JAX's `jax.image.resize` (the private
    function `_resize`) when it is a spatial resize of an NHWC or NCHW tensor that LiteRT has a
    kernel for: nearest, or bilinear upsampling (JAX's bilinear equals RESIZE_BILINEAR with
    half-pixel centers; downsampling antialiases). The composite itself is NHWC."""
    name = ir.StringAttr(callee.attributes["sym_name"]).value
    if not re.fullmatch(r"_resize(_\d+)?", name):
        return None
    block = callee.regions[0].blocks[0]
    if len(block.arguments) != 1:
        return None
    ret = [op for op in block.operations if op.operation.name == "func.return"][0]
    in_shape, out = mlir.tensor_shape(block.arguments[0].type), mlir.tensor_shape(ret.operands[0].type)
    if len(out) != 4 or len(in_shape) != 4:
        return None
    if (out[0], out[3]) == (in_shape[0], in_shape[3]):
        nchw, (h, w), size = False, in_shape[1:3], out[1:3]
    elif (out[0], out[1]) == (in_shape[0], in_shape[1]):
        nchw, (h, w), size = True, in_shape[2:4], out[2:4]
    else:
        return None
    method = _resize_method(callee, tuple(in_shape), tuple(out))
    size = np.array(size, np.int64)
    if method == "bilinear" and size[0] >= h and size[1] >= w:
        return "odml.upsample_bilinear2d", {"size": size, "align_corners": False, "is_nchw_op": False}, nchw
    if method == "nearest":
        return "tfl.resize_nearest_neighbor", {"size": size, "is_nchw_op": False}, nchw
    return None


def _resize_method(callee, in_shape, out_shape) -> str | None:
    """Which of LiteRT's resize kernels the function computes, found by running it on a probe
    image against jax.image.resize (cubic and lanczos use dot_generals as bilinear does)."""
    import jax

    from shloq.interpreter import compile_function

    probe = np.random.default_rng(0).normal(size=in_shape).astype(np.float32)
    try:
        got = np.asarray(compile_function(callee)(probe)[0])
    except Exception:  # an op the interpreter lacks: not a resize shloq knows
        return None
    for method in ("nearest", "bilinear"):
        expected = np.asarray(jax.image.resize(probe, out_shape, method))
        if np.allclose(got, expected, atol=1e-5):
            return method
    return None
