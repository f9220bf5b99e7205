"""The bridge to the LiteRT converter and interpreter (litert-converter, ai-edge-litert)."""
from __future__ import annotations

import re

import numpy as np
from litert_converter.mlir import ir, passmanager
from litert_converter.mlir._mlir_libs import converter_api_ext

from shloq import mlir
from shloq.errors import ConversionError, ShloqError
from shloq.qscheme import round_half_away
from shloq.quiet import native_logs_filtered


def _tensor_name(name: str, fallback: str) -> str:
    cleaned = re.sub(r"[^0-9A-Za-z_]+", "_", name).strip("_")
    return cleaned or fallback


def signature_input_names(names: list[str]) -> list[str]:
    """Input names as the `.tflite` signature spells them."""
    return [_tensor_name(n, f"input_{i}") for i, n in enumerate(names)]


def to_tflite(module: str | ir.Module, input_names: list[str], dynamic_range: bool = False) -> bytes:
    """Converts quantized StableHLO (QDQ form), as text or as a module of `mlir.context()`, which
    the conversion consumes (printing and re-parsing MiniLM's took 3.7 s), to a full-integer
    LiteRT flatbuffer; the post-conversion passes (`shloq.passes.tfl.POST_CONVERSION`) fix the
    TFL module before export. With `dynamic_range`, ops reading a dequantized int8 weight and
    float activations get LiteRT's hybrid kernels (the converter's DYNAMIC mode, which takes them
    only outside strict QDQ mode); static QDQ pairs still give integer kernels."""
    from shloq.passes import run_pipeline
    from shloq.passes.tfl import POST_CONVERSION

    if isinstance(module, str):
        module = mlir.parse_module(module, "<quantized module>")
    func = mlir.main_func(module)
    n_outputs = len(ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value).results)
    names = signature_input_names(input_names)
    with mlir.context(), ir.Location.unknown(), mlir.collect_diagnostics() as diagnostics:
        converter_api_ext.set_signature(module.operation, signature_name="serving_default", input_names=names,
                                        output_names=[f"output_{i}" for i in range(n_outputs)])
        config = converter_api_ext.ConvertToTFLConfig()
        config.qdq_conversion_mode = "DYNAMIC" if dynamic_range else "STATIC"
        config.strict_qdq_mode = not dynamic_range
        try:
            with native_logs_filtered():
                converter_api_ext.run_convert_to_tfl_passes(module, passmanager.PassManager(), config)
                if POST_CONVERSION:
                    run_pipeline(module, ",".join(POST_CONVERSION))
                return bytes(converter_api_ext.export_flatbuffer_to_bytes(module.operation))
        except ShloqError:  # a post-conversion pass's own error, with its diagnostics
            raise
        except Exception as err:  # the converter raises plain RuntimeError/MLIRError
            details = "\n".join(f"  {mlir.describe(loc)}: {msg}" for sev, loc, msg in diagnostics if sev == "error")
            raise ConversionError(f"the LiteRT converter failed: {err}\n{details}") from None


def interpreter(tflite: bytes, xnnpack: bool = False, preserve_all_tensors: bool = False):
    """A LiteRT interpreter; without XNNPACK every op runs on the builtin (reference) kernels.
    `preserve_all_tensors` keeps every intermediate tensor readable after `invoke`."""
    from ai_edge_litert import interpreter as litert

    resolver = (litert.OpResolverType.AUTO if xnnpack
                else litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    interp = litert.Interpreter(model_content=tflite, experimental_op_resolver_type=resolver, num_threads=1,
                                experimental_preserve_all_tensors=preserve_all_tensors)
    interp.allocate_tensors()
    return interp


def op_table(tflite: bytes) -> list[dict]:
    """Each op of the model with its input and output tensor dtypes, in execution order."""
    interp = interpreter(tflite)
    names = {t["index"]: np.dtype(t["dtype"]).name for t in interp.get_tensor_details()}
    names.update(dict.fromkeys(_int4_tensors(tflite), "int4"))  # the interpreter reports them as int8

    def dtypes(indices):
        return [names[i] for i in indices if i >= 0 and i in names]

    return [{"op": op["op_name"], "inputs": dtypes(op["inputs"]), "outputs": dtypes(op["outputs"])}
            for op in interp._get_ops_details()]


def _int4_tensors(tflite: bytes) -> list[int]:
    from ai_edge_litert import schema_py_generated as schema

    graph = schema.Model.GetRootAs(tflite, 0).Subgraphs(0)
    return [i for i in range(graph.TensorsLength()) if graph.Tensors(i).Type() == schema.TensorType.INT4]


def float_ops(table: list[dict]) -> list[dict]:
    """Ops computing on float32 tensors, other than the entry QUANTIZE and exit DEQUANTIZE."""
    return [op for op in table if "float32" in op["inputs"] + op["outputs"]
            and op["op"] not in ("QUANTIZE", "DEQUANTIZE")]


def tensor_quantization(detail: dict) -> tuple[float, int] | None:
    """(scale, zero point) of a quantized integer tensor from an interpreter's tensor details."""
    scale, zero_point = detail["quantization"]
    return (float(scale), int(zero_point)) if scale else None


def quantize_input(x, detail: dict):
    """A real-valued input as the tensor `detail` describes: quantized (round half away from zero,
    saturated) when it is a quantized integer tensor, else as given."""
    q = tensor_quantization(detail)
    if q is None:
        return x
    info = np.iinfo(detail["dtype"])
    ints = np.clip(round_half_away(np.asarray(x, np.float64) / q[0]) + q[1], info.min, info.max)
    return ints.astype(detail["dtype"])


def dequantize_output(y, detail: dict):
    q = tensor_quantization(detail)
    return y if q is None else ((y.astype(np.float32) - q[1]) * np.float32(q[0]))
