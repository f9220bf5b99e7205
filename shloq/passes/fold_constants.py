"""shloq-fold-constants: after binding, batch-norm statistics and friends are arithmetic on constants."""
from __future__ import annotations

import dataclasses

from litert_converter.mlir import ir

from shloq import mlir
from shloq.passes import ModulePass, register

# Folding these would only grow constants; the patterns look through them instead.
_KEEP = {"stablehlo.constant", "stablehlo.broadcast_in_dim", "stablehlo.iota", "stablehlo.custom_call"}


@register
@dataclasses.dataclass
class FoldConstantsPass(ModulePass):
    name = "shloq-fold-constants"
    summary = "Evaluate ops whose operands are all constants (except size-growing broadcasts) and drop dead ops."

    def run(self, module):
        fold_constant_ops(mlir.entry_block(module))


def fold_constant_ops(block) -> None:
    """Replaces each op whose operands are all constants by constants of its results, in program
    order (so chains fold), then erases what is left unused. A loop computed from constants and
    iotas alone (JAX's random bits from a fixed key: dropout masks, noise) is evaluated whole,
    so random values become constants of the key."""
    from shloq import interpreter  # imports JAX, on first use rather than at startup

    folded = interpreter.supported_ops() - _KEEP
    derived: dict = {}
    for op in list(block.operations):
        op = op.operation
        if op.name == "stablehlo.while":
            values = [interpreter.evaluate_derived(r, derived) for r in op.results]
            if any(v is None for v in values):
                continue
        elif op.name not in folded or not op.operands:
            continue
        else:
            operands = [mlir.evaluate_constant(v) for v in op.operands]
            if any(v is None for v in operands):
                continue
            values = interpreter.evaluate_op(op, operands)
        ip = ir.InsertionPoint(op)
        for result, value in zip(op.results, values):
            result.replace_all_uses_with(mlir.make_constant(value, _folded_location(op), ip).results[0])
    mlir.erase_dead(block)



def _folded_location(op):
    """A weight transposed, reshaped or flipped (`W.T`, `jnp.flip(W)`) is still that parameter:
    the folded constant of a one-operand op keeps its operand's location (the pytree path that
    `param_path` rules match)."""
    source = mlir.producer(op.operands[0])
    if len(op.operands) == 1 and source is not None and mlir.location_name(source.location):
        return source.location
    return op.location
