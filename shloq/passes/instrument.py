"""shloq-instrument: makes the function also return what calibration needs at each activation site."""
from __future__ import annotations

import dataclasses

import numpy as np

from litert_converter.mlir import ir

from shloq import mlir
from shloq.interpreter import is_site_marker, marker_attrs
from shloq.passes import ModulePass, register


@register
@dataclasses.dataclass
class InstrumentPass(ModulePass):
    """Per calibrated site, appends results `min` and `max` (scalars), or with `values` the
    tensor itself (for percentiles). Each added result carries `shloq.site` and `shloq.stat`."""
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
            if site["kind"] != "activation":
                continue
            value, ip = op.results[0], ir.InsertionPoint(ret)
            stats = [("values", value)] if self.values else [
                ("min", _reduce_all(value, "stablehlo.minimum", float("inf"), op.location, ip)),
                ("max", _reduce_all(value, "stablehlo.maximum", float("-inf"), op.location, ip))]
            for stat, result in stats:
                outputs.append(result)
                attrs.append(ir.DictAttr.get({"shloq.site": mlir.i64(site["site"]), "shloq.stat": ir.StringAttr.get(stat)}))
        ir.Operation.create("func.return", operands=outputs, loc=ret.location, ip=ir.InsertionPoint(ret))
        ret.erase()
        func.attributes["res_attrs"] = ir.ArrayAttr.get(attrs)
        mlir.set_function_type(func)


def _result_attrs(func, count):
    if "res_attrs" in func.attributes:
        return list(ir.ArrayAttr(func.attributes["res_attrs"]))
    return [ir.DictAttr.get({}) for _ in range(count)]


def _reduce_all(value, combiner: str, init: float, loc, ip):
    """`stablehlo.reduce` of `value` over every dimension with `combiner`, as a scalar."""
    rank = len(mlir.tensor_shape(value.type))
    scalar = ir.RankedTensorType.get([], ir.F32Type.get())
    init_op = mlir.make_constant(np.array(init, np.float32), loc, ip)
    reduce = ir.Operation.create("stablehlo.reduce", results=[scalar], operands=[value, init_op.results[0]],
                                 attributes={"dimensions": ir.DenseI64ArrayAttr.get(list(range(rank)))},
                                 regions=1, loc=loc, ip=ip)
    body = reduce.regions[0].blocks.append(scalar, scalar)
    with ir.InsertionPoint(body):
        combined = ir.Operation.create(combiner, results=[scalar], operands=list(body.arguments), loc=loc)
        ir.Operation.create("stablehlo.return", operands=[combined.results[0]], loc=loc)
    return reduce.results[0]
