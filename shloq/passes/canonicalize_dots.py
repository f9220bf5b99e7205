"""shloq-canonicalize-dots: every dot_general in the one form LiteRT's converter turns into the
right integer kernel.

- A dot_general with a weight (a static operand, no batch dimensions), whatever the operand
  order, dimension order, or number of contracting and output axes (`W @ x`, Equinox's vmapped
  Linear, `DenseGeneral`/`einsum` kernels such as [in, heads, dim]), becomes
  `activation[..., K] x weight[K, N]`: the weight folded (transposed and reshaped) into a [K, N]
  constant, so it is quantized per channel along N, its real output axis. The activation's
  transposes and reshapes share its scale, and the result is reshaped and transposed back, after
  the bias add and ReLU, which move up to the contraction (so they fuse into FULLY_CONNECTED).
- Any other dot_general (two activations, or a constant with batch dimensions) whose batch or
  contracting dimensions are not listed in ascending order on each operand gets its operands
  transposed to `[batch, free, contracting]` x `[batch, contracting, free]`: the converter
  (litert-converter 0.5.0) pairs such dimensions wrongly, e.g. `einsum('abcd,decf->abef')` came
  out of float LiteRT itself at -3 dB.
- A dot_general of two activations whose rhs has a fixed grid with a non-zero zero point (a
  softmax or logistic output: zero point -128 in int8) gets its operands swapped, the result
  transposed back: XNNPACK runs an int8 BATCH_MATMUL only when its second operand has zero point 0
  (`VisitBatchMatMulNode`), which shloq-mark-sites gives every other second operand, so `P.V`
  runs as `P x V` with V symmetric (JAX's einsum emits `V x P`).
"""
from __future__ import annotations

import dataclasses
import math

from litert_converter.mlir import ir
from litert_converter.mlir.dialects import stablehlo

from shloq import catalogue, mlir, shapes
from shloq.passes import ModulePass, param_indices, register


@register
@dataclasses.dataclass
class CanonicalizeDotsPass(ModulePass):
    """`param_args`: entry arguments (comma-separated indices) holding parameters, which are
    static as constants are (QAT keeps weights as arguments)."""
    name = "shloq-canonicalize-dots"
    summary = ("Rewrite each dot_general with a weight as activation[..., K] x weight[K, N], and put the "
               "batch/contracting dimensions of the others in ascending order.")
    param_args: str = ""

    def run(self, module):
        params = param_indices(self)
        block = mlir.entry_block(module)
        is_static = shapes.Statics(block, params)
        for op in [o.operation for o in block.operations]:
            if op.name != "stablehlo.dot_general" or not mlir.is_float_tensor(op.results[0].type):
                continue
            dn = stablehlo.DotDimensionNumbers(op.attributes["dot_dimension_numbers"])
            static = [is_static(v) for v in op.operands]
            if sum(static) == 1 and not list(dn.lhs_batching_dimensions):
                _as_dense(op, dn, static.index(True))
            elif not all(static):
                if not any(static) and catalogue.offset_fixed_grid(op.operands[1]) and not \
                        catalogue.offset_fixed_grid(op.operands[0]):
                    op = _swapped(op, dn)
                    dn = stablehlo.DotDimensionNumbers(op.attributes["dot_dimension_numbers"])
                _in_ascending_order(op, dn)
        mlir.erase_dead(block)
        is_static.forget()
        shapes.sink_shape_ops(block, is_static)


def _as_dense(op, dn, w_index):
    x, w = op.operands[1 - w_index], op.operands[w_index]
    x_shape, w_shape = mlir.tensor_shape(x.type), mlir.tensor_shape(w.type)
    contracting = [list(dn.lhs_contracting_dimensions), list(dn.rhs_contracting_dimensions)]
    cx, cw = contracting[1 - w_index], contracting[w_index]
    fx = [d for d in range(len(x_shape)) if d not in cx]
    fw = [d for d in range(len(w_shape)) if d not in cw]
    if w_index == 1 and cx == [len(x_shape) - 1] and cw == [0] and len(w_shape) == 2 and fx:
        return  # already activation[..., K] x weight[K, N]
    k = math.prod(x_shape[d] for d in cx)
    n = math.prod(w_shape[d] for d in fw)
    rows = [x_shape[d] for d in fx] or [1]
    ip, loc = ir.InsertionPoint(op), op.location
    x2 = shapes.reshaped(shapes.transposed(x, fx + cx, ip, loc), rows + [k], ip, loc)
    w2 = shapes.reshaped(shapes.transposed(w, cw + fw, ip, loc), [k, n], ip, loc)
    out_type = ir.RankedTensorType(op.results[0].type)
    dense = ir.Operation.create(
        "stablehlo.dot_general", results=[ir.RankedTensorType.get(rows + [n], out_type.element_type)],
        operands=[x2, w2], attributes={
            "dot_dimension_numbers": stablehlo.DotDimensionNumbers.get([], [], [len(rows)], [0]),
            **({"precision_config": op.attributes["precision_config"]} if "precision_config" in op.attributes else {})},
        loc=loc, ip=ip)
    result = shapes.reshaped(dense.results[0], [x_shape[d] for d in fx] + [w_shape[d] for d in fw], ip, loc)
    if w_index == 0:  # dot_general puts the lhs's free dimensions first: the weight's here
        result = shapes.transposed(result, [len(fx) + i for i in range(len(fw))] + list(range(len(fx))), ip, loc)
    op.results[0].replace_all_uses_with(result)


def _swapped(op, dn):
    """`dot_general(rhs, lhs)` transposed back to the result of `op` (which it replaces)."""
    nb = len(dn.lhs_batching_dimensions)
    lhs_free = len(mlir.tensor_shape(op.operands[0].type)) - nb - len(dn.lhs_contracting_dimensions)
    rhs_free = len(mlir.tensor_shape(op.operands[1].type)) - nb - len(dn.rhs_contracting_dimensions)
    shape = mlir.tensor_shape(op.results[0].type)
    swapped_shape = shape[:nb] + shape[nb + lhs_free:] + shape[nb:nb + lhs_free]
    ip, loc = ir.InsertionPoint(op), op.location
    element = ir.RankedTensorType(op.results[0].type).element_type
    swapped = ir.Operation.create(
        "stablehlo.dot_general", results=[ir.RankedTensorType.get(swapped_shape, element)],
        operands=[op.operands[1], op.operands[0]], attributes={
            "dot_dimension_numbers": stablehlo.DotDimensionNumbers.get(
                list(dn.rhs_batching_dimensions), list(dn.lhs_batching_dimensions),
                list(dn.rhs_contracting_dimensions), list(dn.lhs_contracting_dimensions)),
            **({"precision_config": op.attributes["precision_config"]} if "precision_config" in op.attributes else {})},
        loc=loc, ip=ip)
    perm = list(range(nb)) + [nb + rhs_free + i for i in range(lhs_free)] + [nb + i for i in range(rhs_free)]
    op.results[0].replace_all_uses_with(shapes.transposed(swapped.results[0], perm, ip, loc))
    return swapped


def _in_ascending_order(op, dn):
    batch = [list(dn.lhs_batching_dimensions), list(dn.rhs_batching_dimensions)]
    contracting = [list(dn.lhs_contracting_dimensions), list(dn.rhs_contracting_dimensions)]
    if all(d == sorted(d) for d in batch + contracting):
        return
    ip, loc = ir.InsertionPoint(op), op.location
    operands = []
    for side, value in enumerate(op.operands):
        rank = len(mlir.tensor_shape(value.type))
        free = [d for d in range(rank) if d not in batch[side] + contracting[side]]
        order = batch[side] + (free + contracting[side] if side == 0 else contracting[side] + free)
        operands.append(shapes.transposed(value, order, ip, loc))
    nb, nc = len(batch[0]), len(contracting[0])
    lhs_free = len(mlir.tensor_shape(op.operands[0].type)) - nb - nc
    copy = op.clone(ip=ip)
    copy.operands[0], copy.operands[1] = operands
    copy.attributes["dot_dimension_numbers"] = stablehlo.DotDimensionNumbers.get(
        list(range(nb)), list(range(nb)), list(range(nb + lhs_free, nb + lhs_free + nc)), list(range(nb, nb + nc)))
    op.results[0].replace_all_uses_with(copy.results[0])
