"""One MLIR context for every pass: litert-converter's, which registers StableHLO *and* quant.

jaxlib's context cannot parse `!quant.uniform` types, so shloq never edits modules there; JAX
modules enter through their text or portable artifact, which this newer StableHLO reads.
"""
from __future__ import annotations

import contextlib
import os
import re

import numpy as np
from litert_converter.mlir import ir
from litert_converter.mlir._mlir_libs import converter_api_ext

from shloq.errors import ModuleParseError

_context = None


def context() -> ir.Context:
    """The process-wide context (dialects registered once; modules stay valid across calls)."""
    global _context
    if _context is None:
        _context = ir.Context()
        converter_api_ext.prepare_mlir_context(_context)
        _context.allow_unregistered_dialects = False
    return _context


@contextlib.contextmanager
def collect_diagnostics():
    """Collects diagnostics emitted in the context as (severity, location, message) triples."""
    found = []

    def handler(diagnostic):
        found.append((str(diagnostic.severity).rsplit(".", 1)[-1].lower(),
                      diagnostic.location, str(diagnostic.message)))
        return True

    handle = context().attach_diagnostic_handler(handler)
    try:
        yield found
    finally:
        handle.detach()


def parse_module(text: str | bytes, source_name: str = "<input>") -> ir.Module:
    """Parses MLIR text or bytecode; errors carry `file:line:col` of the offending token."""
    ctx = context()
    with ctx, ir.Location.unknown():
        try:
            return ir.Module.parse(text)
        except ir.MLIRError as err:
            found = [(*location_position(d.location), str(d.message)) for d in err.error_diagnostics]
            details = "\n".join(f"{source_name}:{line}:{col}: error: {message}" for line, col, message in found)
            raise ModuleParseError(details or str(err), found) from None


def copy_module(module: ir.Module) -> ir.Module:
    """A copy of `module` (its ops cloned, its attributes kept); constants are shared, not copied."""
    with context(), ir.Location.unknown():
        copy = ir.Module.create()
        for name in module.operation.attributes:
            copy.operation.attributes[name] = module.operation.attributes[name]
        for op in module.body.operations:
            op.operation.clone(ip=ir.InsertionPoint(copy.body))
    return copy


BYTECODE_MAGIC = b"ML\xefR"


def is_portable_artifact(data: bytes) -> bool:
    """StableHLO's portable artifact (`Exported.mlir_module_serialized`): MLIR bytecode of VHLO ops,
    whose producer field (after the magic and one version byte) reads `StableHLO_v...`."""
    return data.startswith(BYTECODE_MAGIC) and data[5:16] == b"StableHLO_v"


def deserialize_artifact(blob: bytes, source_name: str = "<input>") -> ir.Module:
    """Reads a StableHLO portable artifact (what `Exported.mlir_module_serialized` holds) into
    this context's StableHLO."""
    from litert_converter.mlir.dialects import stablehlo

    with collect_diagnostics() as found:
        try:
            return stablehlo.deserialize_portable_artifact(context(), bytes(blob))
        except ValueError:
            details = "\n".join(f"{source_name}: {severity}: {message}" for severity, _, message in found)
            raise ModuleParseError(f"cannot deserialize {source_name} as a StableHLO portable artifact"
                                   + (f":\n{details}" if details else "")) from None


def parse_source(data: bytes, source_name: str = "<input>") -> ir.Module:
    """A module from the bytes of a `.mlir` file: text, MLIR bytecode, or a StableHLO portable
    artifact (jax's `Exported.mlir_module_serialized` written to a file)."""
    if is_portable_artifact(data):
        return deserialize_artifact(data, source_name)
    if data.startswith(BYTECODE_MAGIC):
        return parse_module(data, source_name)
    return parse_module(data.decode("utf-8", errors="replace"), source_name)


def read_module_file(path: str | os.PathLike) -> ir.Module:
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as err:
        raise ModuleParseError(f"cannot read {path}: {err.strerror}") from None
    return parse_source(data, path)


def main_func(module: ir.Module):
    """The public entry function (`main`), or the only function."""
    funcs = [op for op in module.body.operations if op.operation.name == "func.func"]
    for f in funcs:
        if ir.StringAttr(f.attributes["sym_name"]).value == "main":
            return f
    public = [f for f in funcs if "sym_visibility" not in f.attributes]
    if len(public) == 1:
        return public[0]
    raise ModuleParseError("the module has no `main` function")


def entry_block(module: ir.Module) -> ir.Block:
    return main_func(module).regions[0].blocks[0]


# ---- locations -------------------------------------------------------------------------------

_NAME_RE = re.compile(r'loc\("((?:[^"\\]|\\.)*)"')
_FILE_RE = re.compile(r'"((?:[^"\\]|\\.)*)":(\d+):(\d+)')


def location_name(loc) -> str:
    """The name-stack part of a location, e.g. `jit(apply)/M/enc/dot_general`, or ''."""
    m = _NAME_RE.match(str(loc))
    if not m or _FILE_RE.match(str(loc)[4:]):
        return ""
    return m.group(1)


def location_source(loc) -> str:
    """The innermost `file:line:col` of a location, or '' when it has none."""
    m = _FILE_RE.search(str(loc))
    return f"{m.group(1)}:{m.group(2)}:{m.group(3)}" if m else ""


def source_file_position(loc) -> str:
    """`location_source` with the file's directories dropped (`model.py:42:8`), or ''."""
    source = location_source(loc)
    return source.rsplit("/", 1)[-1]


def location_position(loc) -> tuple[int, int]:
    """(line, column) of the innermost file position of a location; (0, 0) when it has none."""
    m = _FILE_RE.search(str(loc))
    return (int(m.group(2)), int(m.group(3))) if m else (0, 0)


def describe(loc) -> str:
    """`name-stack (file:line:col)`, whichever parts exist, for error messages."""
    name, source = location_name(loc), location_source(loc)
    if name and source:
        return f"{name} ({source})"
    return name or source or "unknown location"


# ---- constants -------------------------------------------------------------------------------

def element_dtype(element_type) -> np.dtype:
    text = str(element_type)
    table = {"f32": np.float32, "f64": np.float64, "f16": np.float16, "i1": np.bool_, "i8": np.int8,
             "i16": np.int16, "i32": np.int32, "i64": np.int64, "ui8": np.uint8, "ui32": np.uint32, "ui64": np.uint64}
    if text == "bf16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    if text not in table:
        raise ModuleParseError(f"unsupported element type {text}")
    return np.dtype(table[text])


def is_float_tensor(type_) -> bool:
    return isinstance(type_, ir.RankedTensorType) and isinstance(type_.element_type, ir.FloatType)


def tensor_shape(type_) -> tuple[int, ...]:
    return tuple(ir.RankedTensorType(type_).shape)


def constant_value(op) -> np.ndarray:
    """The value of a `stablehlo.constant` as a numpy array of its result's shape and dtype."""
    attr = op.attributes["value"]
    result_type = ir.RankedTensorType(op.results[0].type)
    dtype = element_dtype(result_type.element_type)
    shape = tuple(result_type.shape)
    if dtype.name == "bfloat16":
        return _bfloat16_value(str(attr), shape)
    splat = splat_value(op)
    if splat is not None:
        return np.full(shape, splat, dtype=dtype)
    return np.asarray(ir.DenseElementsAttr(attr), dtype=dtype).reshape(shape)


def splat_value(op) -> np.ndarray | None:
    """The one element of a splat `stablehlo.constant` as a 0-d array of its dtype, else None."""
    dtype = element_dtype(ir.RankedTensorType(op.results[0].type).element_type)
    if dtype.name == "bfloat16":
        return None
    dense = ir.DenseElementsAttr(op.attributes["value"])
    if not dense.is_splat:
        return None
    splat = dense.get_splat_value()
    scalar = bool(ir.BoolAttr(splat).value) if dtype == np.bool_ else (
        ir.FloatAttr(splat).value if np.issubdtype(dtype, np.floating) else ir.IntegerAttr(splat).value)
    return np.array(scalar, dtype=dtype)


_HEX_ELEMENTS = re.compile(r'dense<"0x([0-9A-Fa-f]*)">')
_ELEMENT = re.compile(r"0x[0-9A-Fa-f]+|[-+]?(?:inf|nan|\d+\.?\d*(?:[eE][-+]?\d+)?)")


def _bfloat16_value(text: str, shape) -> np.ndarray:
    """bf16 elements have no buffer in the Python bindings: read the attribute's printed form,
    hex bytes for large tensors, decimal (or hex bit patterns for NaN/Inf) for small ones."""
    import ml_dtypes

    hexed = _HEX_ELEMENTS.match(text)
    if hexed:
        bits = np.frombuffer(bytes.fromhex(hexed.group(1)), np.uint16)
    else:
        body = text[:text.rindex(" : ")]
        bits = np.array([int(e, 16) if e.startswith("0x") else
                         np.array(float(e), ml_dtypes.bfloat16).view(np.uint16) for e in _ELEMENT.findall(body)],
                        np.uint16)
    values = bits.view(ml_dtypes.bfloat16)
    return np.broadcast_to(values, shape).copy() if values.size == 1 else values.reshape(shape)


def dense_attr(value: np.ndarray):
    value = np.require(np.asarray(value), requirements="C")
    if value.dtype.name == "bfloat16":  # no buffer protocol for bf16: go through hex text
        return ir.Attribute.parse(f'dense<"0x{value.tobytes().hex().upper()}"> : '
                                  f'tensor<{"".join(f"{d}x" for d in value.shape)}bf16>')
    return ir.DenseElementsAttr.get(value, signless=value.dtype.kind != "u")  # uint32 stays ui32 (RNG bits)


def make_constant(value: np.ndarray, loc, ip):
    """Creates `stablehlo.constant` holding `value` at insertion point `ip`."""
    attr = dense_attr(value)
    return ir.Operation.create("stablehlo.constant", results=[attr.type], attributes={"value": attr},
                               loc=loc, ip=ip)


def make_composite(name: str, operands, result_types, attributes: dict, decomposition: str, loc, ip):
    """Creates a `stablehlo.composite` op `name` decomposing into the function `decomposition`;
    `attributes` values are bools, strings or arrays (dense elements)."""
    def attr(value):
        if isinstance(value, bool):
            return ir.BoolAttr.get(value)
        if isinstance(value, str):
            return ir.StringAttr.get(value)
        return ir.DenseElementsAttr.get(np.asarray(value))

    return ir.Operation.create(
        "stablehlo.composite", results=list(result_types), operands=list(operands),
        attributes={"name": ir.StringAttr.get(name), "decomposition": ir.FlatSymbolRefAttr.get(decomposition),
                    "composite_attributes": ir.DictAttr.get({k: attr(v) for k, v in attributes.items()})},
        loc=loc, ip=ip)


def i64(value: int):
    return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(value))


def f32(value: float):
    return ir.FloatAttr.get(ir.F32Type.get(), float(value))


# ---- graph helpers ---------------------------------------------------------------------------

def producer(value):
    """The op (as `ir.Operation`) defining `value`, or None for a block argument."""
    if isinstance(value, ir.BlockArgument):
        return None
    return value.owner.operation


def walk(op):
    """Every op nested inside `op` (as `ir.Operation`), in regions and blocks, depth first."""
    for region in op.regions:
        for block in region.blocks:
            for inner in block.operations:
                yield inner.operation
                yield from walk(inner.operation)


def users(value) -> list:
    """Distinct ops (as `ir.Operation`) using `value`, in no particular order."""
    seen, result = set(), []
    for use in value.uses:
        op = use.owner.operation
        if op not in seen:
            seen.add(op)
            result.append(op)
    return result


def op_name(op) -> str:
    return op.operation.name


def constant_source(value):
    """The `stablehlo.constant` op behind `value` through broadcasts/reshapes, or None."""
    op = producer(value)
    while op is not None and op.name in ("stablehlo.broadcast_in_dim", "stablehlo.reshape", "stablehlo.convert"):
        op = producer(op.operands[0])
    return op if op is not None and op.name == "stablehlo.constant" else None


_SHAPE_ONLY = ("stablehlo.broadcast_in_dim", "stablehlo.reshape", "stablehlo.convert", "stablehlo.transpose")


def evaluate_constant(value) -> np.ndarray | None:
    """The value of `value` when it is a constant seen through shape-only ops, else None. The
    interpreter (and so JAX) is imported only when a shape-only op must be evaluated."""
    op = producer(value)
    if op is None:
        return None
    if op.name == "stablehlo.constant":
        return constant_value(op)
    if op.name in _SHAPE_ONLY:
        source = evaluate_constant(op.operands[0])
        if source is None:
            return None
        from shloq.interpreter import evaluate_op  # imports JAX, on first use rather than at startup

        return evaluate_op(op, [source])[0]
    return None


def erase_dead(block) -> None:
    """Erases ops without uses or side effects, last first: one sweep from the end erases the ops
    that only dead ops used too, since an op's users all come after it in its block."""
    for op in reversed(list(block.operations)):
        op = op.operation
        if op.name.startswith("func.") or op.name == "stablehlo.custom_call":
            continue
        if all(next(iter(r.uses), None) is None for r in op.results):
            op.erase()


def set_function_type(func) -> None:
    """Rewrites `function_type` from the entry block's arguments and the return's operands."""
    block = func.regions[0].blocks[0]
    ret = [op for op in block.operations if op.operation.name == "func.return"][0]
    func.attributes["function_type"] = ir.TypeAttr.get(
        ir.FunctionType.get([a.type for a in block.arguments], [v.type for v in ret.operands]))
