"""shloq-quantize: site markers become `uniform_quantize`/`uniform_dequantize` pairs with static
`!quant.uniform` types, the QDQ form the LiteRT converter turns into integer kernels. A quantized
value that is both returned and read by other ops is returned from before its quantize (see
`_return_before_quantize`)."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
from litert_converter.mlir import ir
from litert_converter.mlir.dialects import stablehlo

from shloq import mlir
from shloq.errors import InputError
from shloq.passes import ModulePass, register
from shloq.passes.tfl.restore_requantizes import prepare_requantizes
from shloq.qscheme import MissingRangeError, round_half_away, site_qparams
from shloq.sites import bias_safe_weights, is_site_marker, marker_attrs


def tensor_type_text(shape, element: str) -> str:
    return f"tensor<{''.join(f'{d}x' for d in shape)}{element}>"


def load_ranges(path: str) -> dict[int, tuple[float, float]]:
    """Reads `{"sites": {"0": [lo, hi], ...}}` as written by `Stats.save`."""
    try:
        with open(path) as f:
            return {int(k): (float(lo), float(hi)) for k, (lo, hi) in json.load(f)["sites"].items()}
    except OSError as err:
        raise InputError(f"cannot read stats from {path}: {err.strerror}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise InputError(f"{path} holds no site ranges ({{\"sites\": {{\"0\": [lo, hi], ...}}}}, as Stats.save "
                         f"writes): {type(err).__name__}: {err}") from None


@register
@dataclasses.dataclass
class QuantizePass(ModulePass):
    """Activation ranges come from `ranges` (site -> (lo, hi)), the json `file`, or the markers'
    own `shloq.min`/`shloq.max` attributes, in that order."""
    name = "shloq-quantize"
    summary = "Rewrite @shloq.site markers to static uniform_quantize/uniform_dequantize pairs."
    file: str = ""
    ranges: dict = dataclasses.field(default_factory=dict, metadata={"cli": False})

    def run(self, module):
        sites = resolved_sites(module, self.file, self.ranges)
        sites = prepare_requantizes(module, sites)
        for op, qparams in sites:
            if marker_attrs(op)["kind"] == "weight" and marker_attrs(op)["op"] == "gather":
                _integer_table(op, qparams)
                continue
            value = op.operands[0]
            shape = mlir.tensor_shape(value.type)
            ip = ir.InsertionPoint(op)
            quantized = ir.Operation.create(
                "stablehlo.uniform_quantize", results=[ir.Type.parse(tensor_type_text(shape, qparams.type_text()))],
                operands=[value], loc=op.location, ip=ip)
            dequantized = ir.Operation.create("stablehlo.uniform_dequantize", results=[value.type],
                                              operands=[quantized.results[0]], loc=op.location, ip=ip)
            op.results[0].replace_all_uses_with(dequantized.results[0])
            op.erase()
            _return_before_quantize(value, dequantized.results[0])


def _integer_table(marker, qparams) -> None:
    """An embedding table's weight site (weight-only and dynamic rules): the gather reads the
    integer table itself, and its rows are converted to float and multiplied by their scales
    (gathered alike when per row): the values of a QDQ pair, with no quantized type left for the
    converter, which crashes on a gather from a per-row quantized table and, in dynamic mode, fuses
    a per-tensor one into the next dense as an int8 input with a float output (LiteRT refuses it)."""
    gather = mlir.users(marker.results[0])[0]
    table = mlir.evaluate_constant(marker.operands[0])
    scales = np.asarray(qparams.scale, np.float32)
    if qparams.axis is not None:
        scales = scales.reshape([-1] + [1] * (table.ndim - 1))
    ints = np.clip(round_half_away(table / scales), *qparams.qrange).astype(np.int8)
    loc, ip = gather.location, ir.InsertionPoint(gather)
    result = ir.RankedTensorType(gather.results[0].type)
    integer_rows = _gather_like(gather, mlir.make_constant(ints, loc, ip).results[0], result.shape, ir.IntegerType.get_signless(8), ip)
    rows = ir.Operation.create("stablehlo.convert", results=[result], operands=[integer_rows], loc=loc, ip=ip)
    if qparams.axis is None:
        row_scales = mlir.make_constant(scales.reshape(()), loc, ip).results[0]
        dims = []
    else:
        dn = stablehlo.GatherDimensionNumbers(gather.attributes["dimension_numbers"])
        kept = [d for d in range(table.ndim) if d not in set(dn.collapsed_slice_dims) | set(dn.operand_batching_dims)]
        sizes = list(result.shape)
        for out_dim, operand_dim in zip(dn.offset_dims, kept):
            if operand_dim != 0:
                sizes[out_dim] = 1
        row_scales = _gather_like(gather, mlir.make_constant(scales, loc, ip).results[0], sizes, ir.F32Type.get(), ip,
                                  slice_sizes=[int(ir.DenseI64ArrayAttr(gather.attributes["slice_sizes"])[0])]
                                  + [1] * (table.ndim - 1))
        dims = list(range(len(sizes)))
    broadcast = ir.Operation.create("stablehlo.broadcast_in_dim", results=[result], operands=[row_scales], loc=loc, ip=ip,
                                    attributes={"broadcast_dimensions": ir.DenseI64ArrayAttr.get(dims)})
    scaled = ir.Operation.create("stablehlo.multiply", results=[result], operands=[rows.results[0], broadcast.results[0]],
                                 loc=loc, ip=ip)
    gather.results[0].replace_all_uses_with(scaled.results[0])
    gather.erase()
    float_table = mlir.producer(marker.operands[0])
    marker.erase()
    if float_table is not None and not mlir.users(float_table.results[0]):
        float_table.erase()


def _gather_like(gather, table, shape, element, ip, slice_sizes=None):
    """`gather` (same indices and dimension numbers) from another table; its result `shape` and
    `element` type."""
    attributes = {name: gather.attributes[name] for name in gather.attributes}
    if slice_sizes is not None:
        attributes["slice_sizes"] = ir.DenseI64ArrayAttr.get(slice_sizes)
    return ir.Operation.create("stablehlo.gather", results=[ir.RankedTensorType.get(shape, element)],
                               operands=[table, gather.operands[1]], attributes=attributes, loc=gather.location,
                               ip=ip).results[0]


def resolved_sites(module, file: str, ranges: dict) -> list:
    """Each site marker of the main function with its parameters (activation ranges from `ranges`,
    then the json `file`, then the markers' own min/max; weight scales widened where a bias needs
    it, see `sites.bias_safe_weights`). A marker whose parameters cannot be resolved gets an
    error diagnostic and is skipped."""
    ranges = {**(load_ranges(file) if file else {}), **ranges}
    params = {}
    for op in list(mlir.entry_block(module).operations):
        op = op.operation
        if not is_site_marker(op):
            continue
        attrs = marker_attrs(op)
        weight = mlir.evaluate_constant(op.operands[0]) if attrs["kind"] == "weight" else None
        if attrs["kind"] == "weight" and weight is None:
            op.location.emit_error(f"weight site {attrs['site']} is not fed by a constant")
            continue
        try:
            params[op] = site_qparams(attrs, ranges, weight)
        except (MissingRangeError, ValueError) as err:
            op.location.emit_error(str(err))
    return list(bias_safe_weights(module, params).items())


def _return_before_quantize(value, dequantized):
    """A quantized value that is returned and also read by other ops is returned from before its
    `uniform_quantize`. The LiteRT converter keeps every op float that reads a dequantize which is
    also returned; from this form it runs them in integers and dequantizes the returned tensor
    itself, which returns the same values as the dequantize."""
    consumers = mlir.users(dequantized)
    if len(consumers) < 2 or not any(op.name == "func.return" for op in consumers):
        return
    ret = next(op for op in consumers if op.name == "func.return")
    for i, operand in enumerate(ret.operands):
        if operand == dequantized:
            ret.operands[i] = value
