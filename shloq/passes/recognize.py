"""shloq-recognize: finds decomposed activation functions and rewrites them as the one op they are.

JAX has no GELU or sigmoid op: `gelu(approximate=False)` lowers to ~100 ops of an erfc polynomial
whose intermediates are huge, and `sigmoid` to `1 / (1 + exp(-x))`. Quantizing such a chain op
by op is both inaccurate and, for the erfc polynomial, crashes LiteRT. This pass grows, backwards
from each op, the largest elementwise region with one activation input whose other operands are
splat constants, evaluates it on probe points, and compares the result with the catalogue's
`ACTIVATION_FUNCTIONS`. A match is replaced: GELU and hard-swish by a `stablehlo.composite` that
LiteRT lowers to its int8 kernel (the region becomes its decomposition), sigmoid by
`stablehlo.logistic`, SiLU by `x * logistic(x)`, leaky ReLU by `max(x, a * x)`. Matching by
values, not by op spelling, recognises the functions from any exporter.

It also puts a few ops in the order LiteRT's converter gives them, so that quantization sites
are placed where the converter's kernels will be: a mean's divide before its keepdims reshape, a
divide by a constant as a multiply, a binary op of one reshaped value with itself before the reshape,
a scale after a mask fill before it.
"""
from __future__ import annotations

import collections
import dataclasses
import heapq
import itertools

import numpy as np
from litert_converter.mlir import ir, passmanager

from shloq import catalogue, mlir, shapes
from shloq.passes import ModulePass, register

MAX_REGION_OPS = 400
PROBES = np.concatenate([np.linspace(-12.0, 12.0, 4801), [-40.0, -20.0, 20.0, 40.0]]).astype(np.float32)


@register
@dataclasses.dataclass
class RecognizePass(ModulePass):
    name = "shloq-recognize"
    summary = "Rewrite decomposed GELU, sigmoid, SiLU, hard-swish and leaky ReLU as single ops or composites."

    def run(self, module):
        # Common subexpressions first, as the converter will merge them anyway: two identical
        # reductions of one tensor must be seen as one, or one of them would escape quantization.
        passmanager.PassManager.parse("builtin.module(cse)").run(module.operation)
        block = mlir.entry_block(module)
        counter = itertools.count()
        for op in [op.operation for op in block.operations]:
            _divide_before_keepdims(op)
            _divide_by_constant_as_multiply(op)
            _negate_as_multiply(op)
            _self_binary_before_reshape(op)
        mlir.erase_dead(block)  # the replaced divides, which would keep regions from closing
        for op in [op.operation for op in block.operations]:  # after the divides became multiplies
            _scale_before_mask_fill(op)
        mlir.erase_dead(block)
        ops = [op.operation for op in block.operations]
        position = {op: i for i, op in enumerate(ops)}
        replaced, statics = set(), _Statics()
        for op in reversed(ops):
            if op in replaced or not _is_float_elementwise(op):
                continue
            found = _match_region(op, position, statics)
            if found is None:
                continue
            region, x, function = found
            replaced.update(region)
            _replace(module, op, x, function, next(counter))
        mlir.erase_dead(block)
        for op in [op.operation for op in block.operations]:  # after the regions: a sigmoid keeps its divide
            _divide_by_activation_as_multiply(op)
        mlir.erase_dead(block)


def _divide_before_keepdims(op):
    """`reshape(reduce(x)) / n` (a mean with keepdims) becomes `reshape(reduce(x) / n)`, the
    order in which LiteRT's converter fuses the reduce and divide into an integer MEAN."""
    if op.name != "stablehlo.divide" or catalogue.splat_constant(op.operands[1]) is None:
        return
    keep = mlir.producer(op.operands[0])
    if keep is None or keep.name not in ("stablehlo.reshape", "stablehlo.broadcast_in_dim") or len(
            mlir.users(keep.results[0])) != 1 or not catalogue.same_elements(keep):
        return
    reduced = keep.operands[0]
    ip, loc = ir.InsertionPoint(op), op.location
    count = mlir.make_constant(np.full(mlir.tensor_shape(reduced.type), catalogue.splat_constant(op.operands[1]),
                                       np.float32), loc, ip)
    divided = ir.Operation.create("stablehlo.divide", results=[reduced.type], operands=[reduced, count.results[0]],
                                  loc=loc, ip=ip)
    kept = keep.clone(ip=ip)
    kept.operands[0] = divided.results[0]
    op.results[0].replace_all_uses_with(kept.results[0])


def _divide_by_constant_as_multiply(op):
    """`x / c` becomes `x * (1 / c)` for a constant `c` (a splat, or one value per channel): LiteRT's
    int8 MUL rescales once, its DIV takes a reciprocal in fixed point, aborts on a divisor that
    quantizes to its zero point and returns garbage for a numerator one step below zero. Means and
    average pools keep their divide, which the converter fuses with the reduction."""
    if op.name != "stablehlo.divide" or not mlir.is_float_tensor(op.results[0].type):
        return
    divisor = mlir.evaluate_constant(op.operands[1])
    numerator = mlir.producer(op.operands[0])
    if divisor is None or not np.all(np.isfinite(divisor) & (divisor != 0)) or (numerator is not None and numerator.name in (
            "stablehlo.reduce", "stablehlo.reduce_window", "stablehlo.reshape", "stablehlo.broadcast_in_dim")):
        return
    ip = ir.InsertionPoint(op)
    product = ir.Operation.create("stablehlo.multiply", results=[op.results[0].type],
                                  operands=[op.operands[0], _reciprocal(op.operands[1], ip)], loc=op.location, ip=ip)
    op.results[0].replace_all_uses_with(product.results[0])


def _scale_before_mask_fill(op):
    """`select(m, s, fill) * c` (a causal mask applied before the 1/sqrt(d) scale) becomes
    `select(m, s * c, fill * c)` for a splat `c` and a constant `fill`, so the select feeds the
    softmax itself, whose input calibration saturates the fill at its floor. Scaled after the
    select, a fill of -1e9 was the range of the scores' site (a step of 3.9e6: every score rounded
    to one value)."""
    if op.name != "stablehlo.multiply" or not mlir.is_float_tensor(op.results[0].type):
        return
    for select, factor in ((mlir.producer(op.operands[0]), op.operands[1]), (mlir.producer(op.operands[1]), op.operands[0])):
        if (select is not None and select.name == "stablehlo.select" and len(mlir.users(select.results[0])) == 1
                and catalogue.splat_constant(factor) is not None):
            break
    else:
        return
    fills = [mlir.evaluate_constant(v) for v in select.operands[1:]]
    scores = [v for v, fill in zip(select.operands[1:], fills) if fill is None]
    if len(scores) != 1 or _depends_on(select.operands[0], scores[0]):  # a mask, not `where(x > 0, x, 0)`
        return
    ip, loc = ir.InsertionPoint(op), op.location
    branches = [mlir.make_constant((fill * np.float32(catalogue.splat_constant(factor))).astype(fill.dtype), loc, ip)
                if fill is not None else
                ir.Operation.create("stablehlo.multiply", results=[op.results[0].type], operands=[v, factor], loc=loc, ip=ip)
                for v, fill in zip(select.operands[1:], fills)]
    scaled = ir.Operation.create("stablehlo.select", results=[op.results[0].type],
                                 operands=[select.operands[0], *(b.results[0] for b in branches)], loc=select.location,
                                 ip=ip)
    op.results[0].replace_all_uses_with(scaled.results[0])


def _depends_on(value, source, limit: int = 256) -> bool:
    """Whether `value` is computed from `source` (looking back through at most `limit` ops)."""
    seen, todo = set(), [value]
    while todo and len(seen) < limit:
        v = todo.pop()
        if v == source:
            return True
        producer = mlir.producer(v)
        if producer is not None and producer not in seen:
            seen.add(producer)
            todo.extend(producer.operands)
    return bool(todo)


def _negate_as_multiply(op):
    """`-x` (`jnp.negative`) becomes `x * -1`: the converter leaves NEG float between int8
    tensors of different scales (-x needs its own zero point), and MUL rescales in integers."""
    if op.name != "stablehlo.negate" or not mlir.is_float_tensor(op.results[0].type):
        return
    ip, loc = ir.InsertionPoint(op), op.location
    minus_one = mlir.make_constant(np.array(-1.0, mlir.element_dtype(ir.RankedTensorType(op.results[0].type).element_type)),
                                   loc, ip)
    factor = shapes.broadcast(minus_one.results[0], mlir.tensor_shape(op.results[0].type), [], ip, loc)
    product = ir.Operation.create("stablehlo.multiply", results=[op.results[0].type], operands=[op.operands[0], factor],
                                  loc=loc, ip=ip)
    op.results[0].replace_all_uses_with(product.results[0])


def _divide_by_activation_as_multiply(op):
    """`x / y` for a computed `y` becomes a multiply by `1 / y` from kernels LiteRT runs right:
    its int8 DIV aborts the invoke on a divisor at its zero point and returns the end of the
    output range, not zero, for every quotient under about half an output step (its final shift
    exceeds 31 bits: 70% of `1 / x` on N(0, 1) inputs). `x / sqrt(v)` and `x / max(sqrt(v), c)`
    (an L2 normalisation) become `x * rsqrt(v)` and `x * rsqrt(max(v, c * c))`; any other `1 / y`
    is `sign(y) / |y|` with `1 / |y| = rsqrt(|y|)**2` and `sign(y) = y / |y|`, all int8
    kernels (ABS, RSQRT, MUL), where RSQRT gives its top value for 0. A softmax keeps its
    divide (one SOFTMAX kernel), and a mean's or pool's divisor is a constant."""
    if op.name != "stablehlo.divide" or not mlir.is_float_tensor(op.results[0].type):
        return
    numerator, divisor = op.operands
    if mlir.evaluate_constant(divisor) is not None or catalogue.match_softmax(op):
        return
    ip, loc, result_type = ir.InsertionPoint(op), op.location, op.results[0].type

    def create(name, operands, type_=result_type):
        return ir.Operation.create(name, results=[type_], operands=operands, loc=loc, ip=ip).results[0]

    shape_ops, source = [], divisor
    producer = mlir.producer(source)
    while producer is not None and producer.name in ("stablehlo.broadcast_in_dim", "stablehlo.reshape"):
        shape_ops.append(producer)
        source = producer.operands[0]
        producer = mlir.producer(source)
    floor = None
    if producer is not None and producer.name == "stablehlo.maximum":
        found = [(v, catalogue.splat_constant(c)) for v, c in (producer.operands, reversed(list(producer.operands)))]
        found = [(v, c) for v, c in found if c is not None and c >= 0.0 and mlir.producer(v) is not None
                 and mlir.producer(v).name == "stablehlo.sqrt"]
        if found:
            floor, producer = found[0][1], mlir.producer(found[0][0])
    if producer is not None and producer.name == "stablehlo.sqrt":
        radicand = producer.operands[0]
        if floor is not None:
            bound = mlir.make_constant(np.full(mlir.tensor_shape(radicand.type), floor * floor, np.float32), loc, ip)
            radicand = create("stablehlo.maximum", [radicand, bound.results[0]], radicand.type)
        reciprocal = create("stablehlo.rsqrt", [radicand], radicand.type)
    else:  # on the divisor before its broadcasts, which the converter would otherwise move
        magnitude = create("stablehlo.abs", [source], source.type)
        root = create("stablehlo.rsqrt", [magnitude], source.type)
        inverse = create("stablehlo.multiply", [root, root], source.type)
        sign = create("stablehlo.multiply", [source, inverse], source.type)
        reciprocal = create("stablehlo.multiply", [sign, inverse], source.type)
    for shape_op in reversed(shape_ops):
        clone = shape_op.clone(ip=ip)
        clone.operands[0] = reciprocal
        reciprocal = clone.results[0]
    if catalogue.splat_constant(numerator) == 1.0:
        op.results[0].replace_all_uses_with(reciprocal)
    else:
        op.results[0].replace_all_uses_with(create("stablehlo.multiply", [numerator, reciprocal]))


def _reciprocal(value, ip):
    """1 / `value`, a constant seen through shape ops: the same shape ops over the reciprocal
    constant, so that a per-channel divisor stays a vector."""
    op = mlir.producer(value)
    if op.name == "stablehlo.constant":
        return mlir.make_constant((1.0 / mlir.constant_value(op)).astype(np.float32), op.location, ip).results[0]
    inner = _reciprocal(op.operands[0], ip)
    clone = op.clone(ip=ip)
    clone.operands[0] = inner
    return clone.results[0]


def _self_binary_before_reshape(op):
    """`r + r` with `r = reshape(x)` (any binary op of one reshaped value with itself) becomes
    `reshape(x + x)`, the order LiteRT's converter puts it in: left after the reshape, the
    converter moves it anyway and then refuses the reshape between the input's and the sum's
    scales. Repeats through a chain of reshapes."""
    if op.name not in catalogue.BINARY or op.operands[0] != op.operands[1] or not mlir.is_float_tensor(op.results[0].type):
        return
    reshape = mlir.producer(op.operands[0])
    if reshape is None or reshape.name != "stablehlo.reshape":
        return
    x = reshape.operands[0]
    ip = ir.InsertionPoint(op)
    inner = ir.Operation.create(op.name, results=[x.type], operands=[x, x], loc=op.location, ip=ip)
    outer = reshape.clone(ip=ip)
    outer.operands[0] = inner.results[0]
    op.results[0].replace_all_uses_with(outer.results[0])
    _self_binary_before_reshape(inner)


def _is_float_elementwise(op) -> bool:
    from shloq.interpreter import is_elementwise  # imports JAX, on first use rather than at startup

    return is_elementwise(op.name) and len(op.results) == 1 and mlir.is_float_tensor(op.results[0].type)


class _Statics:
    """Memoized kind of each value: a splat constant (possibly broadcast), another static, or
    computed. Regions ask about the same constants over and over."""

    def __init__(self):
        self._kinds = {}

    def kind(self, value) -> str:
        if value not in self._kinds:
            self._kinds[value] = ("splat" if catalogue.splat_constant(value) is not None
                                  else "static" if mlir.constant_source(value) is not None else "computed")
        return self._kinds[value]


def _match_region(last, position, statics):
    """Grows the region ending at `last`, expanding the latest frontier value first; returns
    (ops, input value, ActivationFunction) for the first closed one-input region that matches.

    The frontier (computed values the region reads), the candidates to grow by (a heap by graph
    position) and the count of uses leaving the region are kept up to date as ops join, so each
    step costs the size of one op, not of the region: deep residual stacks chain same-shaped
    elementwise ops across layers, and regions run to MAX_REGION_OPS from every op there."""
    from shloq.interpreter import is_elementwise  # imports JAX, on first use rather than at startup

    shape = mlir.tensor_shape(last.results[0].type)
    region, order, frontier, heap = set(), [], {}, []
    escaping, pending = 0, collections.Counter()   # uses of region results by ops outside it

    def is_candidate(op):
        return (op is not None and op.name != "stablehlo.constant" and is_elementwise(op.name)
                and mlir.tensor_shape(op.results[0].type) == shape
                and all(statics.kind(v) != "static" for v in op.operands))

    def join(op) -> bool:
        """Adds `op`; False if it reads a non-splat static (the region is no scalar function)."""
        nonlocal escaping
        region.add(op)
        order.append(op)
        frontier.pop(op.results[0], None)
        escaping -= pending.pop(op, 0)
        if op is not last:
            for user in mlir.users(op.results[0]):
                if user not in region:
                    pending[user] += 1
                    escaping += 1
        for v in op.operands:
            kind = statics.kind(v)
            if kind == "static":
                return False
            if kind == "splat" or v in frontier or mlir.producer(v) in region:
                continue
            frontier[v] = None
            producer = mlir.producer(v)
            if is_candidate(producer):
                heapq.heappush(heap, (-position.get(producer, -1), id(producer), producer))
        return True

    if not join(last):
        return None
    while len(region) < MAX_REGION_OPS:
        if len(frontier) == 1 and len(region) > 1 and escaping == 0:
            x = next(iter(frontier))
            function = _identify(order, x, last)
            if function is not None:
                return order, x, function
        while heap and heap[0][2] in region:
            heapq.heappop(heap)
        if not heap or not join(heapq.heappop(heap)[2]):
            return None
    return None


def _identify(order, x, last):
    """Evaluates the region on the probe points and returns the catalogue function it equals.
    Its ops are elementwise and its statics splats, so it runs on a vector of probes."""
    from shloq.interpreter import evaluate_op  # imports JAX, on first use rather than at startup

    values = {x: PROBES}
    for op in reversed(order):
        operands = []
        for v in op.operands:
            if v not in values:
                values[v] = np.full(PROBES.shape, catalogue.splat_constant(v), np.float32)
            operands.append(values[v])
        with np.errstate(all="ignore"):
            values[op.results[0]] = evaluate_op(op, operands)[0]
    got = values[last.results[0]].astype(np.float64)
    for function in catalogue.ACTIVATION_FUNCTIONS:
        parameter = function.fit(PROBES.astype(np.float64), got)
        if parameter is not None:
            return dataclasses.replace(function, parameter=parameter)
    return None


def _replace(module, last, x, function, index):
    ip, loc = ir.InsertionPoint(last), last.location
    result_type = last.results[0].type

    def create(op_name, operands, **attributes):
        return ir.Operation.create(op_name, results=[result_type], operands=operands, attributes=attributes,
                                   loc=loc, ip=ip).results[0]

    if function.rewrite == "logistic":
        out = create("stablehlo.logistic", [x])
    elif function.rewrite == "silu":
        out = create("stablehlo.multiply", [x, create("stablehlo.logistic", [x])])
    elif function.rewrite == "leaky_relu":
        slope = mlir.make_constant(np.full(mlir.tensor_shape(x.type), function.parameter, np.float32), loc, ip)
        out = create("stablehlo.maximum", [x, create("stablehlo.multiply", [x, slope.results[0]])])
    else:
        out = _composite(module, last, x, function, index)
    last.results[0].replace_all_uses_with(out)


def _composite(module, last, x, function, index):
    """A `stablehlo.composite` named as LiteRT's converter expects, whose decomposition is a new
    private function holding a copy of the region."""
    taken = {ir.StringAttr(op.attributes["sym_name"]).value for op in module.body.operations
             if "sym_name" in op.attributes}
    name = next(n for i in itertools.count(index) if (n := f"shloq_{function.name}_{i}") not in taken)
    with ir.InsertionPoint(module.body):
        func_type = ir.FunctionType.get([x.type], [last.results[0].type])
        func = ir.Operation.create("func.func", regions=1, attributes={
            "sym_name": ir.StringAttr.get(name), "function_type": ir.TypeAttr.get(func_type),
            "sym_visibility": ir.StringAttr.get("private")}, loc=last.location)
    body = func.regions[0].blocks.append(x.type)
    mapping = {x: body.arguments[0]}
    body_ip = ir.InsertionPoint(body)

    def copy(value):
        if value in mapping:
            return mapping[value]
        producer = mlir.producer(value)
        operands = [copy(v) for v in producer.operands]
        clone = producer.clone(ip=body_ip)
        for i, v in enumerate(operands):
            clone.operands[i] = v
        mapping.update(zip(producer.results, clone.results))
        return mapping[value]

    out = copy(last.results[0])
    ir.Operation.create("func.return", operands=[out], loc=last.location, ip=body_ip)
    return mlir.make_composite(function.composite, [x], [last.results[0].type], function.composite_attributes, name,
                               last.location, ir.InsertionPoint(last)).results[0]
