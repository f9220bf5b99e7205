"""shloq-bind-params: weights must be constants for scales to be computed and folded at convert time."""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import mlir
from shloq.errors import InputError
from shloq.passes import ModulePass, register


def argument_names(func) -> list[str]:
    """Each entry argument's name: its location name (JAX puts the pytree path there) or argN."""
    block = func.regions[0].blocks[0]
    return [mlir.location_name(a.location) or f"arg{i}" for i, a in enumerate(block.arguments)]


@register
@dataclasses.dataclass
class BindParamsPass(ModulePass):
    """`values` maps argument index or name to an array; `file` names an .npz keyed the same way."""
    name = "shloq-bind-params"
    summary = "Replace entry arguments holding parameters by constants, keeping their pytree path as location."
    file: str = ""
    values: dict = dataclasses.field(default_factory=dict, metadata={"cli": False})

    def run(self, module):
        values = dict(self.values)
        if self.file:
            try:
                with np.load(self.file) as data:
                    values.update({k: data[k] for k in data.files})
            except (OSError, ValueError) as err:
                raise InputError(f"cannot read params from {self.file} as .npz: "
                                 f"{getattr(err, 'strerror', None) or err}") from None
        func = mlir.main_func(module)
        block = func.regions[0].blocks[0]
        names = argument_names(func)
        by_index = {}
        for key, value in values.items():
            index = key if isinstance(key, int) else (names.index(key) if key in names else None)
            if index is None:
                func.location.emit_error(f"no argument named {key!r} to bind; arguments: {', '.join(names)}")
                continue
            by_index[index] = np.asarray(value)
        ip = ir.InsertionPoint.at_block_begin(block)
        bound = []
        for index in sorted(by_index):
            arg = block.arguments[index]
            value = by_index[index]
            expected = (mlir.tensor_shape(arg.type), mlir.element_dtype(ir.RankedTensorType(arg.type).element_type))
            if (value.shape, value.dtype) != expected:
                func.location.emit_error(
                    f"argument {names[index]} is {expected[1]}{list(expected[0])} but the value bound to it is "
                    f"{value.dtype}{list(value.shape)}")
                continue
            const = mlir.make_constant(value, arg.location, ip)
            arg.replace_all_uses_with(const.results[0])
            bound.append(index)
        _erase_arguments(func, sorted(bound, reverse=True))  # a rejected argument keeps its uses


def _erase_arguments(func, indices):
    block = func.regions[0].blocks[0]
    arg_attrs = list(ir.ArrayAttr(func.attributes["arg_attrs"])) if "arg_attrs" in func.attributes else None
    for index in indices:
        block.erase_argument(index)
        if arg_attrs is not None:
            del arg_attrs[index]
    if arg_attrs is not None:
        func.attributes["arg_attrs"] = ir.ArrayAttr.get(arg_attrs)
    mlir.set_function_type(func)
