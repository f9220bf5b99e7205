"""shloq-quantize-constants: the `uniform_quantize` of each dense-layer kernel and embedding table
becomes a constant of the quantized type, its integers computed in numpy
(`qscheme.quantize_constant`, rounded as the LiteRT converter rounds), and each dense kernel
`x[..., K] . w[K, N]` is stored [N, K] with the dot contracting its second dimension: the layout
of LiteRT's FULLY_CONNECTED weights. Other constants (conv kernels, operands of elementwise ops)
stay for the converter to quantize: the ops it makes around them depend on how it sees them.

The converter (litert-converter 0.5.0) otherwise quantizes every weight element by element in its
QuantizePass and then folds the [K, N] -> [N, K] transpose of each int8 kernel the same way in its
PostQuantizePass: 7.7 of its 8.4 s on MiniLM (1.6 s in all from this form). The `.tflite` it makes computes the
same: the same ops, integers and scales; only a kernel tensor's name changes (it is named after
its constant, the parameter, rather than after the transpose the converter folded).
"""
from __future__ import annotations

import dataclasses

from litert_converter.mlir import ir
from litert_converter.mlir.dialects import stablehlo

from shloq import mlir
from shloq.passes import ModulePass, register
from shloq.qscheme import parse_quantized_type, quantize_constant, quantized_type


@register
@dataclasses.dataclass
class QuantizeConstantsPass(ModulePass):
    name = "shloq-quantize-constants"
    summary = ("Fold uniform_quantize of dense kernels and embedding tables into quantized constants, "
               "dense kernels stored [out, in].")

    def run(self, module):
        block = mlir.entry_block(module)
        for op in [o.operation for o in block.operations]:
            if op.name != "stablehlo.uniform_quantize":
                continue
            source = mlir.producer(op.operands[0])
            result_type = ir.RankedTensorType(op.results[0].type)
            q = parse_quantized_type(str(result_type.element_type))
            if source is None or source.name != "stablehlo.constant" or q is None:
                continue
            dots = _dense_kernel_dots(op, q)
            if dots is None and not _gathered_table(op):
                continue  # left to the converter (a depthwise kernel folded here came out float)
            ints = quantize_constant(mlir.constant_value(source), q)
            ip = ir.InsertionPoint(op)
            if dots is None:
                op.results[0].replace_all_uses_with(_quantized_constant(ints, result_type, source.location, ip))
                continue
            axis = None if q.axis is None else 0
            element = ir.Type.parse(quantized_type(q.dtype, q.scale, q.zero_point, axis, q.narrow))
            k, n = ints.shape
            constant = _quantized_constant(ints.T, ir.RankedTensorType.get([n, k], element), source.location, ip)
            for dequantize, users in dots.items():
                out_in = ir.Operation.create(
                    "stablehlo.uniform_dequantize", results=[ir.RankedTensorType.get([n, k], ir.F32Type.get())],
                    operands=[constant], loc=dequantize.location, ip=ir.InsertionPoint(dequantize)).results[0]
                for dot in users:
                    dn = stablehlo.DotDimensionNumbers(dot.attributes["dot_dimension_numbers"])
                    dot.operands[1] = out_in
                    dot.attributes["dot_dimension_numbers"] = stablehlo.DotDimensionNumbers.get(
                        [], [], list(dn.lhs_contracting_dimensions), [1])
        mlir.erase_dead(block)


def _quantized_constant(ints, result_type, loc, ip):
    return ir.Operation.create("stablehlo.constant", results=[result_type],
                               attributes={"value": mlir.dense_attr(ints)}, loc=loc, ip=ip).results[0]


def _readers(quantize, reads) -> dict | None:
    """{dequantize: [op]} when the quantized value is read only through dequantizes, by ops for
    which `reads(op, dequantized value)` holds; else None."""
    found = {}
    for dequantize in mlir.users(quantize.results[0]):
        users = mlir.users(dequantize.results[0]) if dequantize.name == "stablehlo.uniform_dequantize" else []
        if not users or not all(reads(op, dequantize.results[0]) for op in users):
            return None
        found[dequantize] = users
    return found or None


def _dense_kernel_dots(quantize, q) -> dict | None:
    """{dequantize: [dot_general]} when the quantized constant is a [K, N] kernel (per tensor, or
    per channel along N) read only by dot_generals contracting its K with nothing batched: the
    form shloq-canonicalize-dots gives dense layers."""
    if len(mlir.tensor_shape(quantize.results[0].type)) != 2 or q.axis not in (None, 1):
        return None

    def reads(op, value):
        if op.name != "stablehlo.dot_general" or op.operands[0] == value:
            return False
        dn = stablehlo.DotDimensionNumbers(op.attributes["dot_dimension_numbers"])
        return list(dn.rhs_contracting_dimensions) == [0] and not list(dn.rhs_batching_dimensions)

    return _readers(quantize, reads)


def _gathered_table(quantize) -> bool:
    """The quantized constant is a table only gathered from (an embedding)."""
    return _readers(quantize, lambda op, value: op.name == "stablehlo.gather" and op.operands[0] == value) is not None
