"""Reference int8 LiteRT models from Qwix (0.1.8), for comparing shloq against.

`qwix_tflite_run(model, variables, calib_batches)` calibrates a Flax Linen model with Qwix's
`OdmlQatProvider`, rewrites it with `OdmlConversionProvider` (every fake-quant becomes a
`quant.fake_quant` composite), exports it with jax.export, converts it with litert-converter
(STATIC QDQ, strict) and returns a numpy-in, numpy-out runner over LiteRT's builtin kernels.

Calibration semantics: the rule uses `act_batch_axes=()`, so each batch contributes its whole-batch
min and max (clamped to include 0), and Qwix's stats keep sums and a count: the range used at
conversion is the arithmetic mean over the batches of the batch minima and maxima, as shloq's
`method="average_minmax"`. (Qwix's default `act_batch_axes=(0,)` would average per-sample ranges
instead.) Qwix calibrates the fake-quantized network, so downstream ranges see upstream rounding.
"""
from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import qwix


def _rules():
    return [qwix.QuantizationRule(module_path=".*", weight_qtype="int8", act_qtype="int8", act_batch_axes=())]


def _call_kwargs(linen_model) -> dict:
    """Inference mode for models whose __call__ takes `train`."""
    try:
        params = inspect.signature(type(linen_model).__call__).parameters
    except (TypeError, ValueError):
        return {}
    return {"train": False} if "train" in params else {}


def _jnp_tree(variables) -> dict:
    # Qwix tracks weights by id() plus a weakref; numpy arrays cannot be weakref'd and would stay float.
    variables = jax.tree.map(jnp.asarray, dict(variables))
    variables.pop("quant_stats", None)
    return variables


def _calibrate(linen_model, variables, calib_batches, rules, kwargs):
    """Runs Qwix's QAT model over the batches with `quant_stats` mutable; returns the stats."""
    qat_model = qwix.quantize_model(linen_model, qwix.OdmlQatProvider(rules, strict=True))

    @jax.jit  # 5x faster than eager; the stats agree to float rounding (XLA reassociates the sums)
    def update(variables, x):
        _, updates = qat_model.apply(variables, x, mutable=["quant_stats"], **kwargs)
        return updates["quant_stats"]

    for x in calib_batches:
        variables = {**variables, "quant_stats": update(variables, jnp.asarray(x, jnp.float32))}
    if "quant_stats" not in variables:
        raise ValueError("qwix collected no quant_stats (no calibration batches?)")
    return variables["quant_stats"]


def to_tflite(exported) -> bytes:
    """litert-converter on the exported module: STATIC QDQ conversion, strict (every op must be quantized)."""
    from litert_converter.mlir import ir, passmanager
    from litert_converter.mlir._mlir_libs import converter_api_ext as c
    from litert_converter.mlir.dialects import stablehlo

    ctx = ir.Context()
    c.prepare_mlir_context(ctx)
    with ctx, ir.Location.unknown():
        module = stablehlo.deserialize_portable_artifact(ctx, exported.mlir_module_serialized)
        c.set_signature(module.operation, signature_name="serving_default",
                        input_names=[f"input_{i}" for i in range(len(exported.in_avals))],
                        output_names=[f"output_{i}" for i in range(len(exported.out_avals))])
        config = c.ConvertToTFLConfig()
        config.qdq_conversion_mode = "STATIC"
        config.strict_qdq_mode = True
        c.run_convert_to_tfl_passes(module, passmanager.PassManager(), config)
        return bytes(c.export_flatbuffer_to_bytes(module.operation))


def _runner(tflite: bytes):
    """numpy in -> numpy out over LiteRT's builtin kernels (no XNNPACK), for a single-output model.

    The model has the static batch of the calibration batches, so inputs whose batch is a multiple of
    it are run in chunks."""
    from ai_edge_litert import interpreter as litert

    interp = litert.Interpreter(
        model_content=tflite,
        experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    interp.allocate_tensors()
    (inp,), (out,) = interp.get_input_details(), interp.get_output_details()
    shape = tuple(int(s) for s in inp["shape"])
    assert inp["dtype"] == np.float32 and out["dtype"] == np.float32, (inp, out)  # strict QDQ: float I/O

    def run_one(x):
        interp.set_tensor(inp["index"], x)
        interp.invoke()
        return np.array(interp.get_tensor(out["index"]))

    def run(x):
        x = np.asarray(x, np.float32)
        b = shape[0]
        if x.shape[1:] != shape[1:] or x.shape[0] % b:
            raise ValueError(f"input shape {x.shape} does not fit the model's {shape}")
        return np.concatenate([run_one(x[i:i + b]) for i in range(0, len(x), b)])

    run.tflite = tflite
    run.interpreter = interp
    return run


def qwix_tflite_run(linen_model, variables, calib_batches):
    """Qwix ODML int8 conversion of `linen_model`, calibrated on `calib_batches` (equal-shape arrays).

    Returns `run(x: np.ndarray) -> np.ndarray`, the LiteRT output; `run.tflite` holds the flatbuffer and
    `run.interpreter` the interpreter."""
    calib_batches = [np.asarray(b, np.float32) for b in calib_batches]
    rules, kwargs = _rules(), _call_kwargs(linen_model)
    variables = _jnp_tree(variables)
    quant_stats = _calibrate(linen_model, variables, calib_batches, rules, kwargs)
    conv_model = qwix.quantize_model(
        linen_model, qwix.OdmlConversionProvider(rules, variables["params"], quant_stats, strict=True))

    def forward(x):  # variables are closed over: the weights become constants of the module
        return conv_model.apply(variables, x, **kwargs)

    exported = jax.export.export(jax.jit(forward))(jax.ShapeDtypeStruct(calib_batches[0].shape, jnp.float32))
    return _runner(to_tflite(exported))


# --- QAT oracle (tests/test_qat_oracle.py) -----------------------------------------------------------

def qwix_qat_rules():
    """Whole-batch min/max per activation (`act_batch_axes=()`), as shloq's QAT stats."""
    return _rules()


def qwix_qat_model(linen_model, **switches):
    """`linen_model` under Qwix's `OdmlQatProvider` (no switches), or under `AlignedOdmlQatProvider`
    with the given switches (see there)."""
    if not switches:
        return qwix.quantize_model(linen_model, qwix.OdmlQatProvider(_rules(), strict=True))
    return qwix.quantize_model(linen_model, AlignedOdmlQatProvider(_rules(), strict=True, **switches))


def round_half_away(x):
    """LiteRT's (and shloq's) rounding, in numpy: halves away from zero."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


class AlignedOdmlQatProvider(qwix.OdmlQatProvider):
    """Qwix 0.1.8's `OdmlQatProvider._fake_quant`, restated so that each of its known differences
    from shloq's QAT can be switched off on its own. With the defaults it is Qwix, bit for bit when
    run eagerly. One thing is done differently: Qwix leaves the saturation to [-128, 127] to the
    int8 cast (`jnp.round(q).astype(int8)`), but XLA's float-to-int convert is implementation-
    defined out of range, and XLA:CPU (jaxlib 0.10.2) saturates only where the convert is not fused:
    fused into a consumer (seen: a reduction), out-of-range elements come out neither saturated nor
    wrapped. So Qwix under jax.jit computes wrong values for elements outside the calibrated range
    whenever XLA fuses that convert. This restatement clips explicitly, in float.

    - `rounding`: "half_even" (Qwix: `round(x / s + zp)`, halves to even) or "half_away" (shloq and
      LiteRT: `round_half_away(x / s) + zp`).
    - `narrow_weights`: clamp weight integers to [-127, 127] (shloq; LiteRT's weight range). Qwix
      saturates to [-128, 127], so a channel whose absmax element is negative gets -128 there.
    - `range_gradient`: Qwix's STE is clip(x, lo, hi) + stop_gradient(dq - clip(x, lo, hi)) with the
      range lo/hi differentiable: in a training step (stats mutable) it contains this batch's min/max,
      so the gradient of elements outside [lo, hi] flows through it to the batch's argmin/argmax
      element (weighted 1/count); and at x == lo or hi exactly jnp.clip splits the gradient 1/2 to x,
      1/2 to the bound (which is lost when the range is constant). False gives shloq's STE: the range
      is a constant, gradient 1 on the closed range [lo, hi], 0 outside.
    - `record`: a list that gets one `(point, x, scale, zero_point, lo, hi)` per fake quant (eager
      use: under a trace these are tracers). `point` is the quant-stat name, None for weights; lo/hi
      is the range the STE clips to.
    """

    def __init__(self, rules, *, rounding="half_even", narrow_weights=False, range_gradient=True, record=None,
                 **kwargs):
        super().__init__(rules, **kwargs)
        if rounding not in ("half_even", "half_away"):
            raise ValueError(f"rounding={rounding!r}")
        self._rounding, self._narrow_weights = rounding, narrow_weights
        self._range_gradient, self._record = range_gradient, record

    def _fake_quant(self, array, how, quant_stat_name=None):
        import dataclasses

        from qwix._src import aux_data
        from qwix._src.core import qarray
        from qwix._src.providers import odml_ops

        fixed_range = aux_data.get(array, odml_ops.AuxDataKey.FIXED_RANGE, None)
        if fixed_range is not None:
            how = dataclasses.replace(how, calibration_method=f"fixed,{fixed_range[0]},{fixed_range[1]}")
        calibration = qarray.calibrate(array, how)
        if quant_stat_name is not None:
            if not self._range_gradient:
                calibration = jax.lax.stop_gradient(calibration)
            calibration = self._update_and_get_quant_stat(
                quant_stat_name, calibration, how.calibration_method.startswith("fixed"))
        scale, zero_point = qarray.compute_scale_zero_point(calibration, how.qtype)
        scale = scale.astype(array.dtype)
        zp = jnp.zeros((), array.dtype) if zero_point is None else zero_point.astype(array.dtype)
        x = array / scale
        if self._rounding == "half_even":
            q = jnp.round(x + zp)
        else:
            q = jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5) + zp
        narrow = self._narrow_weights and quant_stat_name is None and zero_point is None
        q = jnp.clip(q, -127 if narrow else -128, 127)  # explicit: see the class docstring
        dq = (q - zp) * scale
        if "absmax" in calibration:
            lo, hi = -calibration["absmax"], calibration["absmax"]
        else:
            lo, hi = calibration["min"], calibration["max"]
        if self._record is not None:
            self._record.append((quant_stat_name, array, scale, zp, lo, hi))
        if quant_stat_name is not None and not self._range_gradient:
            lo, hi = jax.lax.stop_gradient(lo), jax.lax.stop_gradient(hi)
            ste = jnp.where((array >= lo) & (array <= hi), array, jax.lax.stop_gradient(jnp.clip(array, lo, hi)))
        else:
            ste = qarray.clip_to_calibration(array, calibration, how.tiled_axes)
        return ste + jax.lax.stop_gradient(dq - ste)
