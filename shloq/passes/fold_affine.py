"""shloq-fold-affine: inference batch-norm (and any per-channel scale/shift) after a conv or dense
is folded into its weights and one bias add, so LiteRT sees a single fused kernel.

A contraction whose (folded) weights are all zero, such as a zero-initialised kernel or a
batch-norm with zero gamma, is its bias alone and becomes that constant, and so does what is
computed from it alone: as a kernel, its int32 bias would be quantized with the scale of an
all-zero weight, which nothing determines. The constant has the full shape (a broadcast left
for LiteRT stays a float BROADCAST_TO).

A multiply or divide by a scalar constant after a product of two activations (attention's
`Q K^T / sqrt(d)`), or after reshapes and transposes, moves up to the conv/dense that computes
its first operand (the query, a dense of its own), where it folds into the weights like the rest:
the scores lose a MUL and a requantization."""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import mlir
from shloq.catalogue import contraction_weight, splat_constant
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
        for op in list(block.operations):
            _move_scalar_scale(op.operation, active)
        active = activation_values(block)
        zero = False
        for op in list(block.operations):
            op = op.operation
            found = contraction_weight(op, active.__contains__) if op.name in (
                "stablehlo.convolution", "stablehlo.dot_general") else None
            if found and mlir.evaluate_constant(op.operands[found[0]]) is not None:
                created = _fold_chain(op, *found)
                zero |= created is None
                active.update(created or [])  # a later contraction may read them
        if zero:
            fold_constant_ops(block)
        mlir.erase_dead(block)


_SHAPE_OPS = ("stablehlo.reshape", "stablehlo.transpose")


def _move_scalar_scale(op, active) -> None:
    """Moves `x * c` or `x / c` (c a scalar constant) to right after the contraction chain that x
    is computed from through single-use reshapes, transposes and products of two activations (by
    their first operand, else their second); leaves it where no such chain is found."""
    if op.name not in ("stablehlo.multiply", "stablehlo.divide") or len(op.results) != 1:
        return
    position = next((i for i, v in enumerate(op.operands) if v in active), None)
    if position is None or op.operands[1 - position] in active or (op.name == "stablehlo.divide" and position != 0):
        return
    if splat_constant(op.operands[1 - position]) is None:
        return
    target = _scaled_source(op.operands[position], active)
    if target is None:
        return
    shape = mlir.tensor_shape(target.type)
    factor = np.float32(splat_constant(op.operands[1 - position]))
    ip = ir.InsertionPoint.after(mlir.producer(target))
    constant = mlir.make_constant(np.full(shape, factor, np.float32), op.location, ip)
    operands = [target, constant.results[0]] if position == 0 else [constant.results[0], target]
    scaled = ir.Operation.create(op.name, results=[target.type], operands=operands, loc=op.location,
                                 ip=ir.InsertionPoint.after(constant))
    target.replace_all_uses_except(scaled.results[0], scaled)
    op.results[0].replace_all_uses_with(op.operands[position])
    active.update(scaled.results)


def _scaled_source(value, active):
    """The end of a conv/dense chain (a contraction, then affine ops by constants) that a scalar
    multiply of `value` can move to, or None: `value` reaches it through single-use reshapes,
    transposes and products of two activations (by their first operand, else their second). A
    slice of a fused QKV dense is not followed: the query shares the dense's scale with the keys
    and values, so shrinking it would cost it precision (gpt_block: -0.4 dB)."""
    while len(list(value.uses)) == 1:
        op = mlir.producer(value)
        if op is None:
            return None
        if op.name in _SHAPE_OPS:
            value = op.operands[0]
            continue
        if op.name == "stablehlo.dot_general" and all(v in active for v in op.operands):
            if op.operands[0] == op.operands[1]:
                return None
            return next((s for v in op.operands if (s := _scaled_source(v, active)) is not None), None)
        return value if _ends_contraction_chain(op, active) else None
    return None


def _ends_contraction_chain(op, active) -> bool:
    """Whether `op` is a conv/dense with a constant weight, or an affine op by a constant after one."""
    while op is not None and op.name in _AFFINE:
        static = [v for v in op.operands if v not in active]
        if len(static) != 1 or mlir.evaluate_constant(static[0]) is None:
            return False
        op = mlir.producer(next(v for v in op.operands if v in active))
    if op is None or op.name not in ("stablehlo.convolution", "stablehlo.dot_general"):
        return False
    found = contraction_weight(op, active.__contains__)
    return found is not None and mlir.evaluate_constant(op.operands[found[0]]) is not None


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
        const = mlir.evaluate_constant(user.operands[1 - position])
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
    weight = mlir.evaluate_constant(contraction.operands[w_index])
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
