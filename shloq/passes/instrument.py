"""shloq-instrument: makes the function also return what calibration needs at each activation site."""
from __future__ import annotations

import dataclasses

import numpy as np

from litert_converter.mlir import ir

from shloq import mlir
from shloq.passes import ModulePass, register
from shloq.passes.mark_sites import CLAMPED_CONSTANT
from shloq.sites import is_site_marker, marker_attrs


@register
@dataclasses.dataclass
class InstrumentPass(ModulePass):
    """Per calibrated site, appends results `min` and `max` of its finite values (scalars), or with
    `values` the tensor itself (for percentiles and `mse` histograms); a clamped constant adds nothing (see
    `mark_sites.CLAMPED_CONSTANT`). Each added result carries `shloq.site`,
    `shloq.stat` and `shloq.where` (the op whose value it measures, for error messages). A softmax input also gets `floor`: the lowest maximum of its rows that are not constant, less
    `SOFTMAX_MARGIN + ln(row length)`. Values below it weigh less than e**-8 of a row's mass, so
    they need no room on the int8 grid; a mask fill of -1e4 or -inf would otherwise be the
    range (and every real score would round to the same value)."""
    name = "shloq-instrument"
    summary = "Return the min/max (or the values) of every calibrated activation site as extra results."
    values: bool = False

    def run(self, module):
        func = mlir.main_func(module)
        block = func.regions[0].blocks[0]
        ret = [op for op in block.operations if op.operation.name == "func.return"][0].operation
        outputs, attrs = list(ret.operands), _result_attrs(func, len(ret.operands))
        for op in list(block.operations):
            op = op.operation
            if not is_site_marker(op):
                continue
            site = marker_attrs(op)
            if site["kind"] != "activation" or site["op"] == CLAMPED_CONSTANT:
                continue
            value, ip = op.results[0], ir.InsertionPoint(ret)
            constant = mlir.evaluate_constant(op.operands[0])
            if constant is not None:  # a constant operand: its range is known now (and big tables
                finite = constant[np.isfinite(constant)]  # would be slow to reduce on every batch)
                lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (np.inf, -np.inf)
                stats = [("min", mlir.make_constant(np.array(lo, np.float32), op.location, ip).results[0]),
                         ("max", mlir.make_constant(np.array(hi, np.float32), op.location, ip).results[0])]
            elif self.values:
                stats = [("values", value)]
            else:
                # A softmax input keeps its -inf (masked) values: they make the floor below the range.
                low = _not_nan(value, op.location, ip) if "softmax_axis" in site else _finite(value, np.inf, op.location, ip)
                stats = [("min", _reduce_all(low, "stablehlo.minimum", np.inf, op.location, ip)),
                         ("max", _reduce_all(_finite(value, -np.inf, op.location, ip), "stablehlo.maximum", -np.inf,
                                             op.location, ip))]
            if "softmax_axis" in site and constant is None:  # a mask fill constant has no row maximum to keep
                stats.append(("floor", _softmax_floor(value, site["softmax_axis"], op.location, ip)))
            where = ir.StringAttr.get(_computed_at(op.operands[0]))
            for stat, result in stats:
                outputs.append(result)
                attrs.append(ir.DictAttr.get({"shloq.site": mlir.i64(site["site"]), "shloq.stat": ir.StringAttr.get(stat),
                                              "shloq.where": where}))
        ir.Operation.create("func.return", operands=outputs, loc=ret.location, ip=ir.InsertionPoint(ret))
        ret.erase()
        func.attributes["res_attrs"] = ir.ArrayAttr.get(attrs)
        mlir.set_function_type(func)


def _computed_at(value) -> str:
    """What computes `value` and where, for calibration's error messages."""
    op = mlir.producer(value)
    if op is None:
        return f"input {mlir.describe(value.location)}"
    return f"'{op.name}' at {mlir.describe(op.location)}"


def _result_attrs(func, count):
    if "res_attrs" in func.attributes:
        return list(ir.ArrayAttr(func.attributes["res_attrs"]))
    return [ir.DictAttr.get({}) for _ in range(count)]


SOFTMAX_MARGIN = 8.0


def _finite(value, fill: float, loc, ip):
    """`value` with its non-finite elements replaced by `fill` (they saturate; they have no range)."""
    shape = mlir.tensor_shape(value.type)
    finite = ir.Operation.create("stablehlo.is_finite", results=[_bool_tensor(shape)], operands=[value], loc=loc, ip=ip)
    return _select(finite.results[0], value, fill, loc, ip)


def _not_nan(value, loc, ip):
    """`value` with NaNs replaced by +inf (ignored by a minimum)."""
    shape = mlir.tensor_shape(value.type)
    is_number = ir.Operation.create(
        "stablehlo.compare", results=[_bool_tensor(shape)], operands=[value, value],
        attributes={"comparison_direction": ir.Attribute.parse("#stablehlo<comparison_direction EQ>")}, loc=loc, ip=ip)
    return _select(is_number.results[0], value, np.inf, loc, ip)


def _bool_tensor(shape):
    return ir.RankedTensorType.get(shape, ir.IntegerType.get_signless(1))


def _select(keep, value, fill: float, loc, ip):
    """`value` where `keep`, else `fill`."""
    filler = mlir.make_constant(np.full(mlir.tensor_shape(value.type), fill, np.float32), loc, ip)
    return ir.Operation.create("stablehlo.select", results=[value.type], operands=[keep, value, filler.results[0]],
                               loc=loc, ip=ip).results[0]


def _softmax_floor(value, axis_size: int, loc, ip):
    """The lowest maximum of a row that is not constant, less the margin. A constant row (every
    score masked, as a padding query's under a query-and-key mask, or a row of one) gives the
    uniform distribution whatever its value, which saturating at the floor keeps: its maximum (a
    fill of -1e9 or finfo.min) would otherwise be the floor, and every real score one step."""
    shape = mlir.tensor_shape(value.type)
    finite = _finite(value, -np.inf, loc, ip)
    rows = [len(shape) - 1]
    row_max = _reduce(finite, "stablehlo.maximum", -np.inf, rows, loc, ip)
    row_min = _reduce(finite, "stablehlo.minimum", np.inf, rows, loc, ip)
    varies = ir.Operation.create(
        "stablehlo.compare", results=[_bool_tensor(mlir.tensor_shape(row_max.type))], operands=[row_min, row_max],
        attributes={"comparison_direction": ir.Attribute.parse("#stablehlo<comparison_direction LT>")},
        loc=loc, ip=ip)
    lowest = _reduce_all(_select(varies.results[0], row_max, np.inf, loc, ip), "stablehlo.minimum", np.inf, loc, ip)
    margin = mlir.make_constant(np.array(SOFTMAX_MARGIN + np.log(axis_size), np.float32), loc, ip)
    return ir.Operation.create("stablehlo.subtract", results=[lowest.type], operands=[lowest, margin.results[0]],
                               loc=loc, ip=ip).results[0]


def _reduce_all(value, combiner: str, init: float, loc, ip):
    """`stablehlo.reduce` of `value` over every dimension with `combiner`, as a scalar."""
    return _reduce(value, combiner, init, list(range(len(mlir.tensor_shape(value.type)))), loc, ip)


def _reduce(value, combiner: str, init: float, dims, loc, ip):
    shape = mlir.tensor_shape(value.type)
    result = ir.RankedTensorType.get([n for d, n in enumerate(shape) if d not in dims], ir.F32Type.get())
    scalar = ir.RankedTensorType.get([], ir.F32Type.get())
    init_op = mlir.make_constant(np.array(init, np.float32), loc, ip)
    reduce = ir.Operation.create("stablehlo.reduce", results=[result], operands=[value, init_op.results[0]],
                                 attributes={"dimensions": ir.DenseI64ArrayAttr.get(list(dims))},
                                 regions=1, loc=loc, ip=ip)
    body = reduce.regions[0].blocks.append(scalar, scalar)
    with ir.InsertionPoint(body):
        combined = ir.Operation.create(combiner, results=[scalar], operands=list(body.arguments), loc=loc)
        ir.Operation.create("stablehlo.return", operands=[combined.results[0]], loc=loc)
    return reduce.results[0]
