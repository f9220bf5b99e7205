"""shloq-tfl-restore-requantizes: puts back the int8<->int16 requantizes the converter folded.

Where an int8 value meets an int16 consumer (or the reverse), the QDQ form holds a requantize
(the producer's site in its type, then the consumer's input site in the other). litert-converter
0.5.0's `FoldTrivalRequantizeOp` (TF `quantization_utils.h`) folds a requantize into the op that
feeds it, when that op has no other user and is neither a same-scale nor a fixed-range op,
without checking storage types: a FULLY_CONNECTED is left with int8 inputs and an int16 output
(LiteRT runs it ~4.5 steps off), an int16 ADD with an int8 output (its prepare fails). So
shloq-quantize and shloq-annotate record each such requantize in the module attribute
`shloq.requantizes` (which survives conversion): where the producer is (its location), its type
(`from`) and the requantized type (`to`). This pass finds each op whose output storage type is
not that of its activation inputs, gives it back the `from` type of the record that explains it
and reads its users through a `tfl.quantize` to the `to` type (LiteRT's QUANTIZE runs int8->int16
and int16->int8). An op left mixed that no record explains is an error: it would run wrong.
"""
from __future__ import annotations

import dataclasses
import math

from litert_converter.mlir import ir

from shloq import catalogue, mlir
from shloq.passes import register
from shloq.passes.tfl import TFLPass, uniform_params
from shloq.sites import is_site_marker, marker_spec

RECORDS = "shloq.requantizes"
_CONSTANTS = ("tfl.pseudo_qconst", "tfl.pseudo_const", "tfl.no_value", "arith.constant", "tfl.qconst")


def prepare_requantizes(module, sites: list) -> list:
    """Before the site markers of `sites` ((marker op, SiteQParams), as shloq-quantize and
    shloq-annotate resolve them) are rewritten: finds each marker that reads a marker of the
    other storage type, a requantize between int8 and int16. Where the producer's TFL op verifies
    that its input and output types agree (`OpSpec.same_io_type`), the fold would fail conversion,
    so the requantize moves between a reshape to 1-D and one back (a reshape is a same-scale op,
    which the fold leaves alone); this pass removes the pair after conversion. So does one whose
    producer has other users: the converter quantizes no user of a dequantize that also feeds a
    quantize (a layer norm's centred `x` squared in int8 and scaled in int16 stayed a float MUL
    between DEQUANTIZE and QUANTIZE). So does one the producer's verifier refuses once folded
    because the producer broadcasts (`OpSpec.broadcasting_fold_fails`: a layer norm's int16
    `centred * rsqrt(var)` requantized to int8). Every other one is recorded in the module
    attribute `shloq.requantizes`. Returns `sites` with the markers added."""
    params = dict(sites)
    sites = list(sites)
    records = []
    for marker, q in list(sites):
        source = mlir.producer(marker.operands[0])
        if source not in params or params[source].dtype == q.dtype:
            continue
        producer = mlir.producer(source.operands[0])
        if producer is None:
            continue
        folding = _same_io_type_fold_target(source)
        if folding is not None:
            shape = mlir.tensor_shape(folding.results[0].type)
            sites += _between_reshapes(source, marker, params[source], q, shape)
            continue
        if len(mlir.users(source.results[0])) > 1:
            shape = mlir.tensor_shape(source.results[0].type)
            transpose = _swapping_transpose(shape)
            if transpose is None:
                sites += _between_reshapes(source, marker, params[source], q, shape)
            else:
                sites += _between_moves(source, marker, params[source], q, transpose, transpose)
            continue
        if _broadcasting_fold_fails(source, producer, params[source].dtype, q.dtype):
            sites += _between_reshapes(source, marker, params[source], q, mlir.tensor_shape(source.results[0].type))
            continue
        records.append(ir.DictAttr.get({
            "at": ir.StringAttr.get(str(producer.location)),
            "from": ir.TypeAttr.get(ir.Type.parse(params[source].type_text())),
            "to": ir.TypeAttr.get(ir.Type.parse(q.type_text()))}))
    if records:
        module.operation.attributes[RECORDS] = ir.ArrayAttr.get(records)
    return sites


def _broadcasting_fold_fails(source, producer, source_dtype, target_dtype) -> bool:
    """Whether the requantize from `source_dtype` to `target_dtype` of marker `source`, folded into
    its `producer`, fails the producer's TFL verifier (`OpSpec.broadcasting_fold_fails`): an operand
    of `producer` is a broadcast that repeats elements, which the converter folds into the op."""
    spec = marker_spec(source)
    if spec is None or (source_dtype, target_dtype) not in spec.broadcasting_fold_fails:
        return False
    return any(_repeats_elements(value) for value in producer.operands)


def _repeats_elements(value) -> bool:
    """Whether `value` is, seen through site markers, a broadcast that repeats elements."""
    op = mlir.producer(value)
    while op is not None and is_site_marker(op):
        op = mlir.producer(op.operands[0])
    return op is not None and op.name == "stablehlo.broadcast_in_dim" and not catalogue.same_elements(op)


def _same_io_type_fold_target(source):
    """The marker of the op the converter would fold a requantize of marker `source` into, when
    that op verifies equal input and output types (`OpSpec.same_io_type`), else None. Same-scale
    ops before it are looked through: the converter merges a layer norm's MEAN and the reshape
    after it (`keep_dims`), and the requantize of the reshape then folds into the MEAN."""
    while True:
        spec = marker_spec(source)
        if spec is None or spec.same_io_type:
            return source if spec is not None else None
        if spec.category is not catalogue.Category.SHARED:
            return None
        producer = mlir.producer(source.operands[0])
        upstream = mlir.producer(producer.operands[0]) if producer is not None and producer.operands else None
        if upstream is None or not is_site_marker(upstream):
            return None
        source = upstream


def _between_reshapes(source, marker, source_q, marker_q, folding_shape) -> list:
    """`_between_moves` with a reshape to 1-D and one back. The converter merges consecutive
    reshapes, so the flat shape differs from `folding_shape`, the output of the op the fold
    targets (a MEAN's [8] gets [1, 8]): the merged reshape would be an identity and vanish."""
    shape = mlir.tensor_shape(marker.results[0].type)
    n = math.prod(shape)
    flat_shape = next(s for s in ([n], [1, n], [n, 1]) if s != list(folding_shape))

    def reshape(value, to_shape, loc, ip):
        element = ir.RankedTensorType(value.type).element_type
        return ir.Operation.create("stablehlo.reshape", results=[ir.RankedTensorType.get(to_shape, element)],
                                   operands=[value], loc=loc, ip=ip)
    return _between_moves(source, marker, source_q, marker_q,
                          lambda v, loc, ip: reshape(v, flat_shape, loc, ip),
                          lambda v, loc, ip: reshape(v, list(shape), loc, ip))


def _swapping_transpose(shape):
    """A maker of the transpose that swaps the last two dimensions of `shape` of more than one
    element (a transpose of only unit dimensions is a reshape to the converter), which is its own
    inverse; None when there are fewer. The converter moves a binary op whose operands are all
    reshapes after the reshape (`MoveBinaryOpBeforeReshape`), and a squared value is such an op:
    it has no such pattern for transposes."""
    wide = [i for i, d in enumerate(shape) if d > 1]
    if len(wide) < 2:
        return None
    perm = list(range(len(shape)))
    perm[wide[-2]], perm[wide[-1]] = perm[wide[-1]], perm[wide[-2]]

    def transpose(value, loc, ip):
        value_type = ir.RankedTensorType(value.type)
        moved = ir.RankedTensorType.get([value_type.shape[p] for p in perm], value_type.element_type)
        return ir.Operation.create("stablehlo.transpose", results=[moved], operands=[value],
                                   attributes={"permutation": ir.DenseI64ArrayAttr.get(perm)}, loc=loc, ip=ip)
    return transpose


def _between_moves(source, marker, source_q, marker_q, there, back) -> list:
    """`source -> marker` (two markers) becomes `source -> there -> source' -> marker -> back ->
    marker'`, primes being copies of the markers (same sites), `there` and `back` same-scale ops
    that undo each other (made by `there(value, loc, ip)`); returns the copies with their
    parameters. This pass removes the pair after conversion."""
    moved = there(source.results[0], source.location, ir.InsertionPoint(marker))
    moved_type = moved.results[0].type
    moved_source = source.clone(ip=ir.InsertionPoint(marker))
    moved_source.operands[0] = moved.results[0]
    moved_source.results[0].set_type(moved_type)
    shape_type = marker.results[0].type
    marker.operands[0] = moved_source.results[0]
    marker.results[0].set_type(ir.RankedTensorType.get(ir.RankedTensorType(moved_type).shape,
                                                       ir.RankedTensorType(shape_type).element_type))
    restored = back(marker.results[0], marker.location, ir.InsertionPoint.after(marker))
    shaped_marker = marker.clone(ip=ir.InsertionPoint.after(restored))
    shaped_marker.operands[0] = restored.results[0]
    shaped_marker.results[0].set_type(shape_type)
    marker.results[0].replace_all_uses_except(shaped_marker.results[0], restored)
    return [(moved_source, source_q), (shaped_marker, marker_q)]


@dataclasses.dataclass(frozen=True)
class _Record:
    at: str        # the producer's location, as printed
    source: str    # its quantized element type, as printed
    target: str    # the requantized element type


def _records(module) -> list[_Record]:
    attrs = module.operation.attributes
    if RECORDS not in attrs:
        return []
    found = []
    for item in ir.ArrayAttr(attrs[RECORDS]):
        record = ir.DictAttr(item)
        found.append(_Record(ir.StringAttr(record["at"]).value, str(ir.TypeAttr(record["from"]).value),
                             str(ir.TypeAttr(record["to"]).value)))
    return found


def _storage(type_) -> str | None:
    """`i8`/`i16` of a per-tensor quantized tensor type (activations are), or None."""
    params = uniform_params(type_)
    return params[0] if params else None


def _activation_storage(op) -> set:
    """Storage types of the quantized operands of `op` that are not constants (weights, biases and
    constant operands may have other types: int8 weights under int16 activations)."""
    found = set()
    for value in op.operands:
        producer = mlir.producer(value)
        if producer is not None and producer.name in _CONSTANTS:
            continue
        storage = _storage(value.type)
        if storage is not None:
            found.add(storage)
    return found


@register
@dataclasses.dataclass
class RestoreRequantizesPass(TFLPass):
    """Runs after conversion; consumes the records (the attribute is removed)."""
    name = "shloq-tfl-restore-requantizes"
    summary = "Give ops the converter folded an int8<->int16 requantize into their own type back, and requantize after them."

    def run(self, module):
        for op in list(mlir.walk(module.operation)):
            if op.name == "tfl.quantize":
                _drop_moves_around(op)
        records = _records(module)
        for op in list(mlir.walk(module.operation)):
            if op.name in ("tfl.quantize", "tfl.dequantize") or op.name in _CONSTANTS:
                continue
            inputs = _activation_storage(op)
            for result in op.results:
                storage = _storage(result.type)
                if storage is None or not inputs or storage in inputs:
                    continue
                record = _explaining(records, op, result)
                if record is None:
                    op.location.emit_error(
                        f"'{op.name}' has {'/'.join(sorted(inputs))} inputs and an {storage} output, from no "
                        "requantize shloq recorded: LiteRT would run it wrong")
                    continue
                _requantize_after(op, result, record)
        if RECORDS in module.operation.attributes:
            del module.operation.attributes[RECORDS]


def _explaining(records, op, result) -> _Record | None:
    """The record of the requantize folded into `op`'s `result`: its requantized type is the
    result's; among several such records, the one whose producer location is part of `op`'s."""
    target = str(ir.ShapedType(result.type).element_type)
    candidates = [r for r in records if r.target == target]
    if len({r.source for r in candidates}) > 1:
        location = str(op.location)
        candidates = [r for r in candidates if r.at[len("loc("):-1] in location]
    return candidates[0] if len({r.source for r in candidates}) == 1 else None


def _requantize_after(op, result, record: _Record) -> None:
    """`result` gets the record's `from` type; its users read a `tfl.quantize` to the type it had."""
    folded = result.type
    shape = ir.ShapedType(folded)
    result.set_type(ir.RankedTensorType.get(shape.shape, ir.Type.parse(record.source)))
    requantize = ir.Operation.create("tfl.quantize", results=[folded], operands=[result],
                                     attributes={"qtype": ir.TypeAttr.get(folded)},
                                     loc=op.location, ip=ir.InsertionPoint.after(op))
    result.replace_all_uses_except(requantize.results[0], requantize)


def _drop_moves_around(requantize) -> None:
    """`reshape to 1-D -> requantize between int8 and int16 -> reshape back` (or a transpose and
    its inverse), as `prepare_requantizes` separates a requantize from its producer, becomes the
    requantize alone."""
    flatten = mlir.producer(requantize.operands[0])
    readers = mlir.users(requantize.results[0])
    if (flatten is None or flatten.name not in ("tfl.reshape", "tfl.transpose")
            or len(mlir.users(flatten.results[0])) != 1 or len(readers) != 1 or readers[0].name != flatten.name):
        return
    unflatten, value = readers[0], flatten.operands[0]
    if (ir.ShapedType(unflatten.results[0].type).shape != ir.ShapedType(value.type).shape
            or _storage(value.type) == _storage(unflatten.results[0].type)
            or (flatten.name == "tfl.transpose" and not _inverse_permutations(flatten, unflatten))):
        return
    typed = unflatten.results[0].type
    replacement = ir.Operation.create("tfl.quantize", results=[typed], operands=[value],
                                      attributes={"qtype": ir.TypeAttr.get(typed)},
                                      loc=requantize.location, ip=ir.InsertionPoint(unflatten))
    unflatten.results[0].replace_all_uses_with(replacement.results[0])
    shapes = {}  # the shape or permutation constants, each once (the converter shares equal ones)
    for value in list(flatten.operands[1:]) + list(unflatten.operands[1:]):
        if (op := mlir.producer(value)) is not None:
            shapes[str(value.get_name())] = op
    for op in (unflatten, requantize, flatten):
        op.erase()
    for op in shapes.values():
        if not any(list(r.uses) for r in op.results):
            op.erase()


def _inverse_permutations(first, second) -> bool:
    """Whether two `tfl.transpose` ops have constant permutations that undo each other."""
    producers = [mlir.producer(op.operands[1]) for op in (first, second)]
    if any(p is None or p.name not in _CONSTANTS or "value" not in p.attributes for p in producers):
        return False
    first_perm, second_perm = (list(map(int, mlir.constant_value(p).ravel())) for p in producers)
    return [first_perm[i] for i in second_perm] == list(range(len(first_perm)))
