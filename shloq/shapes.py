"""Transposes and reshapes for the passes that put contractions and NCHW ops into the layouts
LiteRT's kernels take (shloq-canonicalize-dots, shloq-layout).

A transpose or reshape of a constant folds into a constant that keeps the constant's location
(the parameter's pytree path, which `param_path` rules match); one of a transpose or broadcast
composes with it. `sink_shape_ops` then moves transposes (and the reshapes after contractions)
down past elementwise ops and reductions, where they meet their inverses and vanish, and where a
contraction's bias add and ReLU end up right after it, as the converter's fusion patterns want."""
from __future__ import annotations

import numpy as np
from litert_converter.mlir import ir

from shloq import mlir

SINK_ROOTS = ("stablehlo.dot_general", "stablehlo.convolution", "stablehlo.reduce_window")  # reshapes after these sink


def ints(attr) -> list[int]:
    return [int(d) for d in ir.DenseI64ArrayAttr(attr)]


def inverse(perm) -> list[int]:
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return inv


def _tensor_type(shape, like):
    return ir.RankedTensorType.get(list(shape), ir.RankedTensorType(like).element_type)


class Statics:
    """Which values are static (computed from constants and parameter arguments alone), for
    values the passes create as they go too."""

    def __init__(self, block, param_args=()):
        self._params = {block.arguments[i] for i in param_args}
        self._known: dict = {}

    def __call__(self, value) -> bool:
        pending = [value]
        while pending:  # iterative: activation chains are long
            v = pending[-1]
            if v in self._known:
                pending.pop()
                continue
            op = mlir.producer(v)
            if op is None:
                self._known[v] = v in self._params
                continue
            missing = [o for o in op.operands if o not in self._known]
            if missing:
                pending.extend(missing)
                continue
            self._known[v] = all(self._known[o] for o in op.operands)
        return self._known[value]

    def forget(self) -> None:
        """Drops what is known: erased ops' values may be reused by new ones."""
        self._known.clear()


def transposed(value, perm, ip, loc, create=True):
    """A value equal to `transpose(value, perm)`: the value itself for the identity, a folded
    constant, the source of a transpose composed with it, a broadcast with its dimensions remapped;
    otherwise a new transpose op, or None when `create` is off (nothing is built then)."""
    perm = [int(p) for p in perm]
    if perm == list(range(len(perm))):
        return value
    op = mlir.producer(value)
    if op is not None and op.name == "stablehlo.constant":
        if not create:
            return value
        return mlir.make_constant(np.transpose(mlir.constant_value(op), perm), op.location, ip).results[0]
    if op is not None and op.name == "stablehlo.transpose":
        inner = ints(op.attributes["permutation"])
        return transposed(op.operands[0], [inner[p] for p in perm], ip, loc, create)
    if op is not None and op.name == "stablehlo.broadcast_in_dim":
        inv = inverse(perm)
        dims = [inv[d] for d in ints(op.attributes["broadcast_dimensions"])]
        order = sorted(range(len(dims)), key=dims.__getitem__)
        source = transposed(op.operands[0], order, ip, loc, create)
        if source is None or not create:
            return source
        shape = [mlir.tensor_shape(value.type)[p] for p in perm]
        return broadcast(source, shape, sorted(dims), ip, loc)
    if not create:
        return None
    shape = [mlir.tensor_shape(value.type)[p] for p in perm]
    return ir.Operation.create("stablehlo.transpose", results=[_tensor_type(shape, value.type)], operands=[value],
                               attributes={"permutation": ir.DenseI64ArrayAttr.get(perm)}, loc=loc,
                               ip=ip).results[0]


def reshaped(value, shape, ip, loc):
    """A value equal to `reshape(value, shape)`, folded into a constant or composed with the
    reshape that made `value` where possible."""
    shape = [int(d) for d in shape]
    if list(mlir.tensor_shape(value.type)) == shape:
        return value
    op = mlir.producer(value)
    if op is not None and op.name == "stablehlo.constant":
        return mlir.make_constant(mlir.constant_value(op).reshape(shape), op.location, ip).results[0]
    if op is not None and (op.name == "stablehlo.reshape" or _inserts_unit_dims(op)):
        return reshaped(op.operands[0], shape, ip, loc)
    return ir.Operation.create("stablehlo.reshape", results=[_tensor_type(shape, value.type)], operands=[value],
                               loc=loc, ip=ip).results[0]


def _inserts_unit_dims(op) -> bool:
    """A broadcast_in_dim that only inserts unit dimensions: a reshape."""
    if op.name != "stablehlo.broadcast_in_dim":
        return False
    dims = ints(op.attributes["broadcast_dimensions"])
    source, shape = mlir.tensor_shape(op.operands[0].type), mlir.tensor_shape(op.results[0].type)
    return dims == sorted(dims) and all(shape[d] == n for d, n in zip(dims, source)) and \
        all(shape[d] == 1 for d in range(len(shape)) if d not in dims)


def broadcast(value, shape, dims, ip, loc):
    return ir.Operation.create("stablehlo.broadcast_in_dim", results=[_tensor_type(shape, value.type)],
                               operands=[value], attributes={"broadcast_dimensions": ir.DenseI64ArrayAttr.get(
                                   [int(d) for d in dims])}, loc=loc, ip=ip).results[0]


def static_reshaped(value, shape, ip, loc):
    """`reshaped` for a static operand: a constant becomes its distinct values broadcast along
    the dimensions where it varies (a per-channel bias stays a [C] vector broadcast, which the
    catalogue and the converter's fusions read as one)."""
    const = mlir.evaluate_constant(value)
    if const is None:
        return reshaped(value, shape, ip, loc)
    full = np.broadcast_to(const, mlir.tensor_shape(value.type)).reshape(shape)
    varying = [d for d in range(full.ndim) if full.shape[d] > 1 and not np.all(full == full.take([0], axis=d))]
    core = full[tuple(slice(None) if d in varying else 0 for d in range(full.ndim))]
    source = mlir.constant_source(value)
    core_value = mlir.make_constant(np.array(core), (source or mlir.producer(value)).location,
                                    ip).results[0]
    return broadcast(core_value, shape, varying, ip, loc)


def _elementwise(op) -> bool:
    from shloq.interpreter import is_elementwise  # imports JAX, on first use rather than at startup

    return is_elementwise(op.name) and len(op.results) == 1


def _moves_unit_dims_only(op) -> bool:
    """A transpose that keeps the order of the dimensions larger than 1: a reshape."""
    perm, shape = ints(op.attributes["permutation"]), mlir.tensor_shape(op.operands[0].type)
    big = [p for p in perm if shape[p] != 1]
    return big == sorted(big)


def _from_contraction(value, is_static) -> bool:
    """`value` is a contraction's or pool's result, possibly through elementwise ops with static
    operands (constants, and broadcasts of them: a bias or batch-norm vector, a ReLU6 bound; a
    reshape sunk past a bias add must go on past the batch-norm and ReLU after it, or at 1x1
    spatial size, where an NCHW<->NHWC transpose is a reshape, they stay apart from the conv)."""
    op = mlir.producer(value)
    while op is not None and _elementwise(op) and op.name not in SINK_ROOTS:
        active = [v for v in op.operands if not is_static(v)]
        if len(active) != 1:
            return False
        op = mlir.producer(active[0])
    return op is not None and op.name in SINK_ROOTS


def sink_shape_ops(block, is_static: Statics) -> None:
    """Moves each single-use transpose past the elementwise op or reduction reading it (its other
    operands transposed back, which must cost no new op on an activation), and each reshape of a
    contraction's result past elementwise ops with static operands, until none moves; transposes
    that meet compose, and inverse pairs cancel."""
    while _sink_one(block, is_static):
        mlir.erase_dead(block)
        is_static.forget()
    mlir.erase_dead(block)


def _sink_one(block, is_static) -> bool:
    for op in block.operations:
        op = op.operation
        if (op.name == "stablehlo.reshape" or _inserts_unit_dims(op)) and list(op.results[0].uses) and (
                op.name != "stablehlo.reshape" or mlir.tensor_shape(op.operands[0].type) == mlir.tensor_shape(
                    op.results[0].type) or mlir.producer(op.operands[0]) is not None and (
                    mlir.producer(op.operands[0]).name == "stablehlo.reshape"
                    or _inserts_unit_dims(mlir.producer(op.operands[0])))):
            op.results[0].replace_all_uses_with(reshaped(op.operands[0], mlir.tensor_shape(op.results[0].type),
                                                         ir.InsertionPoint(op), op.location))
            return True
        if op.name not in ("stablehlo.transpose", "stablehlo.reshape") or not list(op.results[0].uses):
            continue
        if op.name == "stablehlo.transpose" and _moves_unit_dims_only(op):
            op.results[0].replace_all_uses_with(reshaped(op.operands[0], mlir.tensor_shape(op.results[0].type),
                                                         ir.InsertionPoint(op), op.location))
            return True
        readers = mlir.users(op.results[0])
        if len(readers) != 1:
            continue
        if op.name == "stablehlo.transpose" and _sink_transpose(op, readers[0], is_static):
            return True
        if op.name == "stablehlo.reshape" and _from_contraction(op.operands[0], is_static) and _sink_reshape(
                op, readers[0], is_static):
            return True
    return False


def _sink_transpose(t, user, is_static) -> bool:
    perm = ints(t.attributes["permutation"])
    inv = inverse(perm)
    source = t.operands[0]
    ip, loc = ir.InsertionPoint(user), user.location
    if user.name == "stablehlo.transpose":
        inner = ints(user.attributes["permutation"])
        user.results[0].replace_all_uses_with(transposed(source, [perm[p] for p in inner], ip, loc))
        return True
    if _elementwise(user) and mlir.tensor_shape(user.results[0].type) == mlir.tensor_shape(t.results[0].type):
        others = [v for v in user.operands if v != t.results[0]]
        if any(mlir.tensor_shape(v.type) and not is_static(v) and transposed(v, inv, ip, loc, create=False) is None
               for v in others):
            return False
        operands = [source if v == t.results[0] else (transposed(v, inv, ip, loc) if mlir.tensor_shape(v.type) else v)
                    for v in user.operands]
        copy = user.clone(ip=ip)
        for i, v in enumerate(operands):
            copy.operands[i] = v
        copy.results[0].set_type(_tensor_type(mlir.tensor_shape(source.type), user.results[0].type))
        user.results[0].replace_all_uses_with(transposed(copy.results[0], perm, ip, loc))
        return True
    if user.name == "stablehlo.reduce" and len(user.operands) == 2 and user.operands[0] == t.results[0]:
        dims = ints(user.attributes["dimensions"])
        kept = [d for d in range(len(perm)) if d not in dims]
        source_kept = sorted(perm[d] for d in kept)
        copy = user.clone(ip=ip)
        copy.operands[0] = source
        copy.attributes["dimensions"] = ir.DenseI64ArrayAttr.get(sorted(perm[d] for d in dims))
        shape = mlir.tensor_shape(source.type)
        copy.results[0].set_type(_tensor_type([shape[d] for d in source_kept], user.results[0].type))
        order = [source_kept.index(perm[d]) for d in kept]
        user.results[0].replace_all_uses_with(transposed(copy.results[0], order, ip, loc))
        return True
    return False


def _unreshaped(value, shape):
    """The source of the reshape that made the activation `value` when it has `shape` (a residual
    add of two reshaped conv outputs sinks the reshapes), else None."""
    op = mlir.producer(value)
    if op is not None and (op.name == "stablehlo.reshape" or _inserts_unit_dims(op)) and \
            list(mlir.tensor_shape(op.operands[0].type)) == list(shape):
        return op.operands[0]
    return None


def _sink_reshape(r, user, is_static) -> bool:
    if not _elementwise(user) or mlir.tensor_shape(user.results[0].type) != mlir.tensor_shape(r.results[0].type):
        return False
    source = r.operands[0]
    shape = mlir.tensor_shape(source.type)
    others = [v for v in user.operands if v != r.results[0]]
    if any(mlir.tensor_shape(v.type) and not is_static(v) and _unreshaped(v, shape) is None for v in others):
        return False
    ip, loc = ir.InsertionPoint(user), user.location

    def operand(v):
        if v == r.results[0]:
            return source
        if not mlir.tensor_shape(v.type):
            return v
        return static_reshaped(v, shape, ip, loc) if is_static(v) else _unreshaped(v, shape)

    operands = [operand(v) for v in user.operands]
    copy = user.clone(ip=ip)
    for i, v in enumerate(operands):
        copy.operands[i] = v
    copy.results[0].set_type(_tensor_type(shape, user.results[0].type))
    user.results[0].replace_all_uses_with(reshaped(copy.results[0], mlir.tensor_shape(r.results[0].type), ip, loc))
    return True
