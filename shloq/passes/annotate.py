"""shloq-annotate: site markers become `stablehlo.composite "quant.fake_quant"` ops, the
annotation protocol Qwix's `OdmlConversionProvider` emits, which the LiteRT converter lowers to
integer kernels with `qdq_conversion_mode="STATIC"` and strict QDQ.

The composite is built as Qwix builds it (qwix 0.1.8, `odml.py` `_fake_quant`/`_get_attributes`):

    %y = stablehlo.composite "quant.fake_quant" %scale, %zp, %x {composite_attributes = {
           dtype = "i8", narrow_range = false, scale = dense<s> : tensor<1xf32>,
           zero_point = dense<z> : tensor<1xi64>}, decomposition = @quant.fake_quant}

- `scale` is 1-D f32: one element per tensor, or one per channel for a weight, which then also
  carries `quantization_dimension = axis : i64` (only when it has more than one channel);
- `zero_point` is 1-D i64 and only on asymmetric (activation and fixed-range) sites; weights are
  symmetric and have none (the converter takes 0);
- `narrow_range` is true for weights only;
- the tensor being quantized is the *last* operand (the converter reads that one); the leading
  operands are the scale (f32, the tensor's rank, channel axis kept) and for asymmetric sites the
  zero point (i8), which jax.lax.composite passes in because the fake quant closes over them.

The numbers are `shloq.qscheme.site_qparams`, as in shloq-quantize, so both protocols quantize
identically. The decomposition is the fake quant in float StableHLO ops, as shloq's emulation
and LiteRT's kernels compute it: divide by the scale, round half away from zero, add the zero
point, clamp to the storage range, subtract the zero point, multiply by the scale. (Qwix's own
decomposition is its JAX emulation: round half to even, saturate through a convert to i8. The
converter ignores decomposition bodies when it lowers the composite, but it does legalize them, so
they may use only ops with a TFLite counterpart: no `round_nearest_afz`.) Since scale and zero
point are operands, one private decomposition serves every composite with the same operand types
and storage range (Qwix has one per composite); they are named as JAX names Qwix's,
`@quant.fake_quant`, `@quant.fake_quant_0`, ..., in order of first use, skipping taken names.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from litert_converter.mlir import ir

from shloq import mlir
from shloq.passes import ModulePass, register
from shloq.passes.quantize import resolved_sites, tensor_type_text
from shloq.passes.tfl.restore_requantizes import prepare_requantizes
from shloq.qscheme import SiteQParams
from shloq.sites import marker_attrs

COMPOSITE_NAME = "quant.fake_quant"


def composite_attributes(q: SiteQParams) -> dict:
    """Qwix's `composite_attributes` for the site parameters `q`, as Python values: `scale`
    (float32, 1-D), `zero_point` (int64, 1-D; asymmetric sites only), `dtype`, `narrow_range`,
    and `quantization_dimension` when the scale has more than one element."""
    scale = np.asarray(q.scale, np.float32).reshape(-1)
    attrs = {"scale": scale, "dtype": q.dtype, "narrow_range": bool(q.narrow)}
    if has_zero_point(q):
        attrs["zero_point"] = np.full(scale.shape, q.zero_point, np.int64)
    if q.axis is not None and scale.size > 1:
        attrs["quantization_dimension"] = int(q.axis)
    return attrs


def has_zero_point(q: SiteQParams) -> bool:
    """Whether the site is asymmetric: symmetric (weight) sites have no zero point, as in Qwix."""
    return not (q.narrow and q.zero_point == 0)


def _attribute(value):
    if isinstance(value, bool):
        return ir.BoolAttr.get(value)
    if isinstance(value, int):
        return mlir.i64(value)
    if isinstance(value, str):
        return ir.StringAttr.get(value)
    return ir.DenseElementsAttr.get(np.ascontiguousarray(value))


def _operand_shapes(q: SiteQParams, shape) -> tuple[tuple, tuple]:
    """Shapes of the scale and zero point operands: the tensor's rank, 1 except along the axis."""
    ones = [1] * len(shape)
    scale_shape = list(ones)
    if q.axis is not None:
        scale_shape[q.axis] = shape[q.axis]
    return tuple(scale_shape), tuple(ones)


@register
@dataclasses.dataclass
class AnnotatePass(ModulePass):
    """Activation ranges come from `ranges` (site -> (lo, hi)), the json `file`, or the markers'
    own `shloq.min`/`shloq.max` attributes, in that order (as in shloq-quantize)."""
    name = "shloq-annotate"
    summary = "Rewrite @shloq.site markers to Qwix-style stablehlo.composite \"quant.fake_quant\" ops."
    file: str = ""
    ranges: dict = dataclasses.field(default_factory=dict, metadata={"cli": False})

    def run(self, module):
        decompositions = _Decompositions(module)
        sites = resolved_sites(module, self.file, self.ranges)
        sites = prepare_requantizes(module, sites)
        for op, qparams in sites:
            element = str(ir.RankedTensorType(op.operands[0].type).element_type)
            if element != "f32":
                op.location.emit_error(f"site {marker_attrs(op)['site']}: quant.fake_quant annotates f32 tensors, "
                                       f"not {element}")
                continue
            _annotate(op, qparams, decompositions)


def _annotate(marker, q: SiteQParams, decompositions: "_Decompositions"):
    """Replaces `marker` by a `quant.fake_quant` composite with `q`'s parameters."""
    value, loc, ip = marker.operands[0], marker.location, ir.InsertionPoint(marker)
    shape = mlir.tensor_shape(value.type)
    scale_shape, zp_shape = _operand_shapes(q, shape)
    operands = [mlir.make_constant(np.asarray(q.scale, np.float32).reshape(scale_shape), loc, ip).results[0]]
    if has_zero_point(q):
        operands.append(mlir.make_constant(np.full(zp_shape, q.zero_point, np.int8), loc, ip).results[0])
    operands.append(value)
    callee = decompositions.get([o.type for o in operands], q.qrange)
    attributes = {name: _attribute(v) for name, v in composite_attributes(q).items()}
    composite = ir.Operation.create(
        "stablehlo.composite", results=[value.type], operands=operands,
        attributes={"name": ir.StringAttr.get(COMPOSITE_NAME),
                    "composite_attributes": ir.DictAttr.get(attributes),
                    "decomposition": ir.FlatSymbolRefAttr.get(callee)},
        loc=loc, ip=ip)
    marker.results[0].replace_all_uses_with(composite.results[0])
    marker.erase()


class _Decompositions:
    """The private decomposition functions, one per (operand types, storage range)."""

    def __init__(self, module):
        self.module = module
        self.taken = {ir.StringAttr(op.attributes["sym_name"]).value
                      for op in module.body.operations if "sym_name" in op.attributes}
        self.by_signature: dict = {}
        self.count = 0

    def _new_name(self) -> str:
        while True:
            name = COMPOSITE_NAME if self.count == 0 else f"{COMPOSITE_NAME}_{self.count - 1}"
            self.count += 1
            if name not in self.taken:
                self.taken.add(name)
                return name

    def get(self, types, qrange) -> str:
        key = (tuple(str(t) for t in types), tuple(qrange))
        if key not in self.by_signature:
            name = self._new_name()
            text = _decomposition_text(name, list(key[0]), qrange)
            parsed = mlir.parse_module(text, "<quant.fake_quant decomposition>")
            func = parsed.body.operations[0]
            func.operation.detach_from_parent()
            ir.InsertionPoint(self.module.body).insert(func)
            self.by_signature[key] = name
        return self.by_signature[key]


def _decomposition_text(name: str, types: list[str], qrange) -> str:
    """`func.func private @name(%scale, [%zero_point,] %x)`: the fake quant in float ops."""
    x_type, asymmetric = types[-1], len(types) == 3
    rank = len(ir.RankedTensorType(ir.Type.parse(x_type)).shape)
    dims = ", ".join(str(d) for d in range(rank))
    x = f"%arg{len(types) - 1}"
    lines = [f"%scale = stablehlo.broadcast_in_dim %arg0, dims = [{dims}] : ({types[0]}) -> {x_type}",
             f"%scaled = stablehlo.divide {x}, %scale : {x_type}",
             # round half away from zero, spelled sign(v) * floor(|v| + 0.5): the converter also
             # legalizes decompositions, and it has no TFLite op for round_nearest_afz
             f"%magnitude = stablehlo.abs %scaled : {x_type}",
             f"%half = stablehlo.constant dense<5.000000e-01> : {x_type}",
             f"%nudged = stablehlo.add %magnitude, %half : {x_type}",
             f"%floored = stablehlo.floor %nudged : {x_type}",
             f"%sign = stablehlo.sign %scaled : {x_type}",
             f"%ints = stablehlo.multiply %sign, %floored : {x_type}"]
    if asymmetric:
        zp_f32 = tensor_type_text(ir.RankedTensorType(ir.Type.parse(types[1])).shape, "f32")
        lines += [f"%zp_f32 = stablehlo.convert %arg1 : ({types[1]}) -> {zp_f32}",
                  f"%zp = stablehlo.broadcast_in_dim %zp_f32, dims = [{dims}] : ({zp_f32}) -> {x_type}",
                  f"%shifted = stablehlo.add %ints, %zp : {x_type}"]
    lo, hi = qrange
    lines += [f"%qmin = stablehlo.constant dense<{float(lo):e}> : tensor<f32>",
              f"%qmax = stablehlo.constant dense<{float(hi):e}> : tensor<f32>",
              f"%clamped = stablehlo.clamp %qmin, {'%shifted' if asymmetric else '%ints'}, %qmax : "
              f"(tensor<f32>, {x_type}, tensor<f32>) -> {x_type}"]
    if asymmetric:
        lines.append(f"%centred = stablehlo.subtract %clamped, %zp : {x_type}")
    lines += [f"%y = stablehlo.multiply {'%centred' if asymmetric else '%clamped'}, %scale : {x_type}",
              f"return %y : {x_type}"]
    args = ", ".join(f"%arg{i}: {t} loc(unknown)" for i, t in enumerate(types))
    body = "\n".join(f"    {line} loc(unknown)" for line in lines)  # no positions in this text
    return f"module {{\n  func.func private @{name}({args}) -> {x_type} {{\n{body}\n  }} loc(unknown)\n}}\n"
