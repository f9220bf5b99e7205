"""Quantization-aware training of exported modules.

`quantize_for_training` marks the module's quantization sites with the same passes and catalogue
as conversion, but keeps the parameters as arguments. `QatModel.apply` runs the marked module in
JAX and fake-quantizes every site:
- weights per channel, from their current values;
- activations from quant stats, which hold the mean of batch minima and maxima, as in Qwix;
- fixed-range outputs (softmax) with their kernel's scale.

Each fake quant is a `stablehlo.composite "quant.fake_quant"` when exported. Its gradient is the
straight-through estimator: identity inside the calibrated range, zero outside it.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from shloq import mlir
from shloq.api import _check_rules, _from_exported, mark_sites, parse_float32, site_fingerprint
from shloq.emulation import fake_quant_arrays
from shloq.errors import InputError
from shloq.interpreter import compile_function
from shloq.passes import run_pipeline
from shloq.passes.canonicalize_dots import CanonicalizeDotsPass
from shloq.passes.fold_constants import FoldConstantsPass
from shloq.passes.mark_sites import CLAMPED_CONSTANT
from shloq.passes.inline import InlinePass
from shloq.passes.integer_tables import IntegerTablesPass
from shloq.passes.layout import LayoutPass
from shloq.passes.recognize import RecognizePass
from shloq.qscheme import NARROW_RANGE, STORAGE_RANGE, activation_qparams_array, symmetric_grid, weight_scales
from shloq.sites import is_site_marker, marker_attrs


def _fake_quant_decomposition(scale, zero_point, x, *, dtype, narrow_range, quantization_dimension=-1):
    """What a `quant.fake_quant` composite computes. The quantized tensor is the last operand, as
    in the converter's protocol and in `shloq-annotate`'s composites."""
    qrange = (NARROW_RANGE if narrow_range else STORAGE_RANGE)[dtype]
    if quantization_dimension < 0:
        return fake_quant_arrays(x, scale, zero_point, qrange)
    shape = [1] * x.ndim
    shape[quantization_dimension] = -1  # zero points per channel along the axis, as the scales
    return fake_quant_arrays(x, scale, zero_point.reshape(shape), qrange, quantization_dimension)


_FAKE_QUANT = jax.lax.composite(_fake_quant_decomposition, name="quant.fake_quant")


def fake_quant_ste(x, scale, zero_point, lo, hi, *, dtype: str, narrow: bool, axis: int | None = None):
    """Fake quantization whose gradient is 1 inside [lo, hi] (the calibrated range) and 0 outside."""
    if axis is not None:
        shape = [1] * x.ndim
        shape[axis] = -1
        lo, hi = lo.reshape(shape), hi.reshape(shape)
    return _straight_through(x, scale, zero_point.astype(jnp.float32), lo, hi, dtype, narrow,
                             -1 if axis is None else axis)


@functools.partial(jax.custom_vjp, nondiff_argnums=(5, 6, 7))
def _straight_through(x, scale, zero_point, lo, hi, dtype, narrow, axis):
    return _FAKE_QUANT(scale, zero_point, x, dtype=dtype, narrow_range=narrow, quantization_dimension=axis)


def _straight_through_fwd(x, scale, zero_point, lo, hi, dtype, narrow, axis):
    quantized = _FAKE_QUANT(scale, zero_point, x, dtype=dtype, narrow_range=narrow, quantization_dimension=axis)
    return quantized, (x, scale, zero_point, lo, hi)


def _straight_through_bwd(dtype, narrow, axis, residuals, grad):
    x, scale, zero_point, lo, hi = residuals
    inside = (x >= lo) & (x <= hi)
    return (jnp.where(inside, grad, 0.0).astype(grad.dtype), jnp.zeros_like(scale), jnp.zeros_like(zero_point),
            jnp.zeros_like(lo), jnp.zeros_like(hi))


_straight_through.defvjp(_straight_through_fwd, _straight_through_bwd)


def site_key(site: int) -> str:
    return f"site_{site}"


class QatModel:
    """An exported model prepared for QAT: `apply(params, qstats, *inputs) -> (outputs, qstats)`."""

    def __init__(self, exported, module, source):
        self._exported = exported
        self._source = source
        with mlir.context():
            self.fingerprint = site_fingerprint(module)  # equals the conversion's: same sites, same ids
            self._program = compile_function(mlir.main_func(module))
            self._sites = sorted({marker_attrs(op.operation)["site"] for op in mlir.entry_block(module).operations
                                  if is_site_marker(op.operation)
                                  and marker_attrs(op.operation)["kind"] == "activation"})
        self._kept = list(exported.module_kept_var_idx)

    def init_quant_stats(self) -> dict:
        """Empty stats: per activation site, the sums of batch minima and maxima and their count."""
        zero = jnp.zeros((), jnp.float32)
        return {site_key(s): {"sum_min": zero, "sum_max": zero, "count": zero} for s in self._sites}

    def apply(self, params, qstats, *inputs, update_stats: bool = True):
        """The fake-quantized forward pass. With `update_stats`, each activation site's batch
        min/max joins its stats first (as Qwix's QAT does), and the new stats are returned."""
        flat, tree = jax.tree_util.tree_flatten(((params, *inputs), {}))
        if tree != self._exported.in_tree:
            raise InputError(f"apply takes params and inputs shaped like the exported function's arguments "
                             f"{self._exported.in_tree}, got {tree}")
        observed: dict[str, tuple] = {}

        def site_hook(instr, x):
            attrs = instr.attrs
            if attrs["kind"] == "weight":
                scale = weight_scales(x, attrs.get("axis"), attrs["dtype"], jnp)
                bound = scale * (NARROW_RANGE[attrs["dtype"]][1] + 0.5)
                return fake_quant_ste(x, scale, jnp.zeros_like(scale), -bound, bound, dtype=attrs["dtype"],
                                      narrow=True, axis=attrs.get("axis"))
            if attrs["kind"] == "fixed":
                scale, zero_point = jnp.float32(attrs["scale"]), jnp.float32(attrs["zero_point"])
                qmin, qmax = STORAGE_RANGE[attrs["dtype"]]
                return fake_quant_ste(x, scale, zero_point, (qmin - zero_point) * scale, (qmax - zero_point) * scale,
                                      dtype=attrs["dtype"], narrow=False)
            key = site_key(attrs["site"])
            stats = qstats[key]
            sum_min, sum_max, count = stats["sum_min"], stats["sum_max"], stats["count"]
            if update_stats and attrs["op"] != CLAMPED_CONSTANT:  # as calibration: it saturates, sets no range
                batch = jax.lax.stop_gradient(jnp.stack([jnp.min(x), jnp.max(x)]))
                if key in observed:  # another marker of a shared site in this pass: widen
                    batch = jnp.stack([jnp.minimum(batch[0], observed[key][0]), jnp.maximum(batch[1], observed[key][1])])
                observed[key] = (batch[0], batch[1])
                sum_min, sum_max, count = sum_min + batch[0], sum_max + batch[1], count + 1
            safe = jnp.maximum(count, 1.0)
            lo, hi = jnp.minimum(sum_min / safe, 0.0), jnp.maximum(sum_max / safe, 0.0)
            scale, zero_point = activation_qparams_array(lo, hi, attrs["dtype"], jnp, symmetric_grid(attrs))
            return fake_quant_ste(x, scale, zero_point, lo, hi, dtype=attrs["dtype"], narrow=False)

        outputs = self._program(*[flat[i] for i in self._kept], site_hook=site_hook)
        new_stats = dict(qstats)
        for key, (lo, hi) in observed.items():
            old = qstats[key]
            new_stats[key] = {"sum_min": old["sum_min"] + lo, "sum_max": old["sum_max"] + hi,
                              "count": old["count"] + 1}
        outputs = jax.tree_util.tree_unflatten(self._exported.out_tree, list(outputs))
        return outputs, new_stats

    def serialize(self) -> bytes:
        """`apply` exported with its VJP: `jax.export.deserialize(blob).call(params, qstats, *inputs)`
        trains like `apply`, and its module shows the `quant.fake_quant` composites."""
        leaves = [jax.ShapeDtypeStruct(a.shape, a.dtype) for a in self._exported.in_avals]
        params, *inputs = jax.tree_util.tree_unflatten(self._exported.in_tree, leaves)[0]
        qstats = jax.tree_util.tree_map(lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype), self.init_quant_stats())
        exported = jax.export.export(jax.jit(self.apply))(params, qstats, *inputs)
        return exported.serialize(vjp_order=1)


def quantize_for_training(exported, rules, strict: bool = True) -> QatModel:
    """Prepares `exported` (a `jax.export.Exported` of `f(params, *inputs)`, or its bytes) for QAT."""
    if isinstance(exported, (bytes, bytearray)):
        exported = jax.export.deserialize(bytearray(exported))
    if not isinstance(exported, jax.export.Exported):
        raise InputError("quantize_for_training takes a jax.export.Exported of f(params, *inputs) or its bytes")
    rules = _check_rules(rules)
    source = _from_exported(exported, params_given=True)
    module = parse_float32(source)
    param_args = ",".join(str(a) for a in sorted(source.param_args))
    run_pipeline(module, [InlinePass(), FoldConstantsPass(), CanonicalizeDotsPass(param_args=param_args),
                          LayoutPass(param_args=param_args), IntegerTablesPass(), RecognizePass()])  # parameters stay arguments: they train
    mark_sites(module, rules, strict, param_args=param_args)
    return QatModel(exported, module, source)
