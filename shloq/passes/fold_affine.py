"""shloq-fold-affine: inference batch-norm (and any per-channel scale/shift) after a conv or dense
is folded into its weights and one bias add, so LiteRT sees a single fused kernel.

A contraction whose (folded) weights are all zero, such as a zero-initialised kernel or a
batch-norm with zero gamma, is its bias alone and becomes that constant, and so does what is
computed from it alone: as a kernel, its int32 bias would be quantized with the scale of an
all-zero weight, which nothing determines. The constant has the full shape (a broadcast left
for LiteRT stays a float BROADCAST_TO)."""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import mlir
from shloq.catalogue import contraction_weight
from shloq.interpreter import evaluate_constant
from shloq.passes import ModulePass, register
from shloq.passes.fold_constants import fold_constant_ops
from shloq.passes.mark_sites import activation_values

_AFFINE = ("stablehlo.add", "stablehlo.subtract", "stablehlo.multiply", "stablehlo.divide")


@register
@dataclasses.dataclass
class FoldAffinePass(ModulePass):
    name = "shloq-fold-affine"
    summary = "Fold per-channel multiply/divide/add/subtract by constants after conv/dot into weights and one bias."

    def run(self, module):
        block = mlir.entry_block(module)
        active = activation_values(block)
        zero = False
        for op in list(block.operations):
            op = op.operation
            found = contraction_weight(op, active.__contains__) if op.name in (
                "stablehlo.convolution", "stablehlo.dot_general") else None
            if found and evaluate_constant(op.operands[found[0]]) is not None:
                created = _fold_chain(op, *found)
                zero |= created is None
                active.update(created or [])  # a later contraction may read them
        if zero:
            fold_constant_ops(block)
        mlir.erase_dead(block)


def _fold_chain(contraction, w_index, w_axis, channel_axis) -> list | None:
    """Folds the affine ops after `contraction`; returns the activation values it created, or None
    when the weights fold to zero and the chain became a constant."""
    out_type = contraction.results[0].type
    shape = mlir.tensor_shape(out_type)
    channels = shape[channel_axis]
    if 0 in shape:  # an empty output: nothing to fold, and no channel row to read a constant from
        return []
    scale, shift = np.ones(channels), np.zeros(channels)
    chain, value = [], contraction.results[0]
    while len(list(value.uses)) == 1:
        user = mlir.users(value)[0]
        if user.name not in _AFFINE:
            break
        position = 0 if user.operands[0] == value else 1
        const = evaluate_constant(user.operands[1 - position])
        if const is None:
            break
        moved = np.moveaxis(np.broadcast_to(const, shape), channel_axis, -1).reshape(-1, channels)
        if not np.all(moved == moved[0]):
            break
        k = moved[0].astype(np.float64)
        if user.name == "stablehlo.add":
            shift = shift + k
        elif user.name == "stablehlo.subtract" and position == 0:
            shift = shift - k
        elif user.name == "stablehlo.subtract":
            scale, shift = -scale, k - shift
        elif user.name == "stablehlo.multiply":
            scale, shift = scale * k, shift * k
        elif position == 0:
            scale, shift = scale / k, shift / k
        else:
            break
        chain.append(user)
        value = user.results[0]
    weight = evaluate_constant(contraction.operands[w_index])
    broadcast_shape = [1] * weight.ndim
    broadcast_shape[w_axis] = channels
    new_weight = (weight * scale.reshape(broadcast_shape)).astype(weight.dtype)
    last = chain[-1] if chain else contraction
    ip, loc = ir.InsertionPoint(last), (chain[0] if chain else contraction).location
    bias_dtype = mlir.element_dtype(ir.RankedTensorType(out_type).element_type)
    if not np.any(new_weight):  # x @ 0 = 0 for finite x: only the bias is left
        channel_shape = [1] * len(shape)
        channel_shape[channel_axis] = channels
        bias = np.broadcast_to(shift.reshape(channel_shape), shape).astype(bias_dtype)
        last.results[0].replace_all_uses_with(mlir.make_constant(bias, loc, ip).results[0])
        return None
    already_normal = len(chain) == 1 and chain[0].name == "stablehlo.add" and np.all(scale == 1)
    if not chain or already_normal:
        return []
    weight_op = mlir.make_constant(new_weight, mlir.constant_source(contraction.operands[w_index]).location, ip)
    folded = contraction.clone(ip=ip)
    folded.operands[w_index] = weight_op.results[0]
    bias_op = mlir.make_constant(shift.astype(bias_dtype), loc, ip)
    bias = ir.Operation.create("stablehlo.broadcast_in_dim", results=[out_type], operands=[bias_op.results[0]],
                               attributes={"broadcast_dimensions": ir.DenseI64ArrayAttr.get([channel_axis])},
                               loc=loc, ip=ip)
    add = ir.Operation.create("stablehlo.add", results=[out_type], operands=[folded.results[0], bias.results[0]],
                              loc=loc, ip=ip)
    last.results[0].replace_all_uses_with(add.results[0])
    return [folded.results[0], add.results[0]]
