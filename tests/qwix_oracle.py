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


def _to_tflite(exported) -> bytes:
    """litert-converter on the exported module: STATIC QDQ conversion, strict (every op must be quantized)."""
    from litert_converter.mlir import ir, passmanager
    from litert_converter.mlir._mlir_libs import converter_api_ext as c
    from litert_converter.mlir.dialects import stablehlo

    ctx = ir.Context()
    c.prepare_mlir_context(ctx)
    with ctx, ir.Location.unknown():
        module = stablehlo.deserialize_portable_artifact(ctx, exported.mlir_module_serialized)
        c.set_signature(module.operation, signature_name="serving_default", input_names=["input_0"],
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
    return _runner(_to_tflite(exported))
