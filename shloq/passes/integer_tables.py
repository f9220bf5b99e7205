"""shloq-integer-tables: floats computed from an integer tensor become lookups in a constant table.

BERT-style code turns an integer attention mask into floats inside the model:
`m = mask.astype(f32)`, an additive bias `(1 - m)[:, None, None, :] * -1e4`, a token count
`max(sum(m), 1e-9)` for mean pooling. LiteRT has no integer kernel for an integer-to-float
convert, and multiplying by -1e4 or `finfo.min` in int8 needs a rescale no kernel can hold. But
every value computed by elementwise and shape ops from one integer tensor `k` and splat constants
is a function `f(k)`, and over the integers `k` can hold it is a table. Each such value that other
ops read becomes `gather(f(lo..hi), clamp(k, lo, hi) - lo)`: integer ops and one lookup in a
constant table, which the catalogue quantizes like an embedding (its entries saturate to the
values the model reads, as a mask fill does). A sum of converted integers is summed in integers
first (a token count), and dividing by a table value multiplies by the table of its reciprocal:
no DIV, whose int8 kernel aborts on a divisor at its zero point.

The table covers the integers the element type holds, but at most -128..127 for wider types (a
0/1 mask, token type or segment ids); a sum of `n` of them covers `n` times that. Integers outside
it saturate to the nearest end.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import catalogue, mlir
from shloq.catalogue import TABLE_ATTRIBUTE
from shloq.passes import ModulePass, register

WIDE_INTEGER_DOMAIN = (-128, 127)
MAX_TABLE_ENTRIES = 1 << 16
_SHAPE_OPS = ("stablehlo.reshape", "stablehlo.broadcast_in_dim", "stablehlo.transpose")


@dataclasses.dataclass(frozen=True)
class _Derived:
    """A value that is a function of the integer tensor `root` over `domain`; `key` tells values
    laid out alike (the same shape ops applied to the root) apart from others of the same root."""
    root: ir.Value
    domain: tuple[int, int]
    key: tuple
    identity: bool  # the root's integers themselves, converted to float and reshaped


def _domain(value) -> tuple[int, int]:
    dtype = mlir.element_dtype(ir.RankedTensorType(value.type).element_type)
    if dtype == np.bool_:
        return 0, 1
    info = np.iinfo(dtype)
    return max(int(info.min), WIDE_INTEGER_DOMAIN[0]), min(int(info.max), WIDE_INTEGER_DOMAIN[1])


@register
@dataclasses.dataclass
class IntegerTablesPass(ModulePass):
    name = "shloq-integer-tables"
    summary = "Rewrite floats computed from an integer tensor (masks, counts) as lookups in constant tables."

    def run(self, module):
        block = mlir.entry_block(module)
        active = {a for a in block.arguments}
        derived: dict = {}
        for op in [o.operation for o in block.operations]:
            if any(v in active for v in op.operands):
                active.update(op.results)
            if op.name == "stablehlo.reduce":
                _integer_sum(op, derived, active)
                continue
            found = self._derive(op, derived, active)
            if found is not None:
                derived[op.results[0]] = found
        _emit(block, derived)
        mlir.erase_dead(block)

    @staticmethod
    def _derive(op, derived, active):
        """What `op`'s result is a function of, if it is one of a single integer tensor."""
        from shloq.interpreter import is_elementwise  # imports JAX, on first use rather than at startup

        if len(op.results) != 1 or not op.operands:
            return None
        result = op.results[0]
        if op.name in _SHAPE_OPS:
            source = derived.get(op.operands[0])
            if source is None:
                return None
            key = (op.name, str(op.attributes), str(result.type), source.key)
            return dataclasses.replace(source, key=key)
        if not (is_elementwise(op.name) or op.name == "stablehlo.convert"):
            return None
        variable = [v for v in op.operands if catalogue.splat_constant(v) is None]
        inner = [derived.get(v) for v in variable]
        if variable and all(inner) and len({d.key for d in inner}) == 1:
            return dataclasses.replace(inner[0], identity=inner[0].identity and op.name == "stablehlo.convert")
        roots = set(variable)
        if (len(roots) == 1 and not any(inner) and variable[0] in active and mlir.is_float_tensor(result.type)
                and not mlir.is_float_tensor(variable[0].type)):
            root = variable[0]
            return _Derived(root, _domain(root), ("root", root), op.name == "stablehlo.convert")
        return None


def _emit(block, derived):
    """Replaces each derived value that an op outside the derived ones reads by its table (one per
    value, before its first such reader), and each division by one by a multiplication."""
    position = {o.operation: i for i, o in enumerate(block.operations)}
    for value in list(derived):
        readers = sorted((u for u in mlir.users(value) if u.name == "func.return" or (
            u.results and u.results[0] not in derived and any(list(r.uses) for r in u.results))),
            key=position.__getitem__)
        divides = [u for u in readers if u.name == "stablehlo.divide" and u.operands[1] == value
                   and u.operands[0] != value and mlir.is_float_tensor(value.type)]
        plain = [u for u in readers if u not in divides]
        if plain:
            looked_up = _table(value, derived, None, ir.InsertionPoint(plain[0]))
            for reader in plain:
                for i, operand in enumerate(reader.operands):
                    if operand == value:
                        reader.operands[i] = looked_up
        if divides:
            reciprocal = _table(value, derived, np.reciprocal, ir.InsertionPoint(divides[0]))
            for reader in divides:
                product = ir.Operation.create("stablehlo.multiply", results=[reader.results[0].type],
                                              operands=[reader.operands[0], reciprocal], loc=reader.location,
                                              ip=ir.InsertionPoint(reader))
                reader.results[0].replace_all_uses_with(product.results[0])


def _integer_sum(op, derived, active):
    """`sum(convert(k))` becomes `convert(sum(k))` in int32, exact below 2**24; the sum is the
    root of its own tables."""
    source = derived.get(op.operands[0]) if len(op.operands) == 2 else None
    body = [o.operation.name for o in op.regions[0].blocks[0].operations]
    if source is None or not source.identity or body[0] != "stablehlo.add" or catalogue.splat_constant(
            op.operands[1]) != 0.0:
        return
    ip, loc = ir.InsertionPoint(op), op.location
    integers = _index_source(op.operands[0], derived, ip, loc, convert=False)
    dims = [int(d) for d in ir.DenseI64ArrayAttr(op.attributes["dimensions"])]
    shape = mlir.tensor_shape(op.results[0].type)
    i32 = ir.IntegerType.get_signless(32)
    scalar = ir.RankedTensorType.get([], i32)
    zero = mlir.make_constant(np.zeros((), np.int32), loc, ip).results[0]
    total = ir.Operation.create("stablehlo.reduce", results=[ir.RankedTensorType.get(shape, i32)],
                                operands=[integers, zero], attributes={"dimensions": op.attributes["dimensions"]},
                                regions=1, loc=loc, ip=ip)
    body_block = total.regions[0].blocks.append(scalar, scalar)
    with ir.InsertionPoint(body_block):
        added = ir.Operation.create("stablehlo.add", results=[scalar], operands=list(body_block.arguments), loc=loc)
        ir.Operation.create("stablehlo.return", operands=[added.results[0]], loc=loc)
    as_float = ir.Operation.create("stablehlo.convert", results=[op.results[0].type], operands=[total.results[0]],
                                   loc=loc, ip=ip)
    op.results[0].replace_all_uses_with(as_float.results[0])
    n = int(np.prod([mlir.tensor_shape(op.operands[0].type)[d] for d in dims]))
    lo, hi = source.domain[0] * n, source.domain[1] * n
    if hi - lo + 1 > MAX_TABLE_ENTRIES:
        lo, hi = max(lo, -MAX_TABLE_ENTRIES // 2), min(hi, MAX_TABLE_ENTRIES // 2 - 1)
    active.update([total.results[0], as_float.results[0]])
    derived[as_float.results[0]] = _Derived(total.results[0], (lo, hi), ("root", total.results[0]), True)


def _table_values(value, derived, domain_values):
    """f(domain) for a derived value, evaluated op by op from its root."""
    from shloq.interpreter import evaluate_op  # imports JAX, on first use rather than at startup

    root = derived[value].root if value in derived else None
    cache = {}

    def evaluate(v):
        if v == root:
            return domain_values
        if v not in cache:
            op = mlir.producer(v)
            if v not in derived:
                cache[v] = np.full(domain_values.shape, catalogue.splat_constant(v),
                                   mlir.element_dtype(ir.RankedTensorType(v.type).element_type))
            elif op.name in _SHAPE_OPS:
                cache[v] = evaluate(op.operands[0])
            else:
                with np.errstate(all="ignore"):
                    cache[v] = evaluate_op(op, [evaluate(u) for u in op.operands])[0]
        return cache[v]

    return evaluate(value)


def _index_source(value, derived, ip, loc, convert=True):
    """The root's integers laid out as `value` (its shape ops replayed on them), as int32; with
    `convert` they are clamped to the domain and shifted to start at 0 (table indices)."""
    d = derived[value]
    op = mlir.producer(value)
    i32 = ir.IntegerType.get_signless(32)
    if op.name in _SHAPE_OPS and op.operands[0] in derived:
        inner = _index_source(op.operands[0], derived, ip, loc, convert)
        clone = op.clone(ip=ip)
        clone.operands[0] = inner
        clone.results[0].set_type(ir.RankedTensorType.get(mlir.tensor_shape(value.type), i32))
        return clone.results[0]
    source = next((v for v in op.operands if v in derived), None)
    if source is not None:  # elementwise: laid out as its operand
        return _index_source(source, derived, ip, loc, convert)
    root = d.root
    shape = mlir.tensor_shape(root.type)
    integers = root
    if ir.RankedTensorType(root.type).element_type != i32:
        integers = ir.Operation.create("stablehlo.convert", results=[ir.RankedTensorType.get(shape, i32)],
                                       operands=[root], loc=loc, ip=ip).results[0]
    if not convert:
        return integers
    lo, hi = d.domain
    if _domain(root) != d.domain or ir.RankedTensorType(root.type).element_type != ir.IntegerType.get_signless(1):
        bounds = [mlir.make_constant(np.full(shape, b, np.int32), loc, ip).results[0] for b in (lo, hi)]
        integers = ir.Operation.create("stablehlo.clamp", results=[integers.type],
                                       operands=[bounds[0], integers, bounds[1]], loc=loc, ip=ip).results[0]
    if lo != 0:
        offset = mlir.make_constant(np.full(shape, lo, np.int32), loc, ip).results[0]
        integers = ir.Operation.create("stablehlo.subtract", results=[integers.type], operands=[integers, offset],
                                       loc=loc, ip=ip).results[0]
    return integers


def _table(value, derived, transform, ip):
    """`gather(table, index)` for the derived `value`, with the table's entries passed through
    `transform` (a reciprocal for a divisor); non-finite float entries saturate."""
    d = derived[value]
    lo, hi = d.domain
    domain = np.arange(lo, hi + 1, dtype=np.int64)
    root_dtype = mlir.element_dtype(ir.RankedTensorType(d.root.type).element_type)
    entries = _table_values(value, derived, domain.astype(root_dtype))
    if transform is not None:
        with np.errstate(all="ignore"):
            entries = transform(entries.astype(np.float64))
    element = ir.RankedTensorType(value.type).element_type
    entries = np.asarray(entries).astype(mlir.element_dtype(element))
    if np.issubdtype(entries.dtype, np.floating):
        limit = np.finfo(entries.dtype).max
        entries = np.clip(np.nan_to_num(entries, nan=0.0, posinf=limit, neginf=-limit), -limit, limit)
    loc = mlir.producer(value).location
    index = _index_source(value, derived, ip, loc)
    shape = mlir.tensor_shape(value.type)
    i32 = ir.IntegerType.get_signless(32)
    column = ir.Operation.create("stablehlo.reshape", results=[ir.RankedTensorType.get([*shape, 1], i32)],
                                 operands=[index], loc=loc, ip=ip).results[0]
    table = mlir.make_constant(entries, loc, ip).results[0]
    gather = ir.Operation.create(
        "stablehlo.gather", results=[ir.RankedTensorType.get(shape, element)], operands=[table, column],
        attributes={"dimension_numbers": ir.Attribute.parse(
            f"#stablehlo.gather<collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = {len(shape)}>"),
            "slice_sizes": ir.DenseI64ArrayAttr.get([1]), "indices_are_sorted": ir.BoolAttr.get(False),
            TABLE_ATTRIBUTE: ir.UnitAttr.get()},
        loc=loc, ip=ip)
    return gather.results[0]
