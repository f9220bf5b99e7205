"""The bridge to the LiteRT converter and interpreter (litert-converter, ai-edge-litert)."""
from __future__ import annotations

import re

import numpy as np
from litert_converter.mlir import ir, passmanager
from litert_converter.mlir._mlir_libs import converter_api_ext

from shloq import mlir
from shloq.errors import ConversionError
from shloq.qscheme import round_half_away
from shloq.quiet import native_logs_filtered


def _tensor_name(name: str, fallback: str) -> str:
    cleaned = re.sub(r"[^0-9A-Za-z_]+", "_", name).strip("_")
    return cleaned or fallback


def signature_input_names(names: list[str]) -> list[str]:
    """Input names as the `.tflite` signature spells them."""
    return [_tensor_name(n, f"input_{i}") for i, n in enumerate(names)]


def to_tflite(module_text: str, input_names: list[str], dynamic_range: bool = False) -> bytes:
    """Converts quantized StableHLO text (QDQ form) to a full-integer LiteRT flatbuffer. With
    `dynamic_range`, ops reading a dequantized int8 weight and float activations get LiteRT's
    hybrid kernels (the converter's DYNAMIC mode, which takes them only outside strict QDQ mode);
    static QDQ pairs still give integer kernels."""
    module = mlir.parse_module(module_text, "<quantized module>")
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
                retype_int4_weights(module)
                dequantize_hybrid_inputs(module)
                return bytes(converter_api_ext.export_flatbuffer_to_bytes(module.operation))
        except Exception as err:  # the converter raises plain RuntimeError/MLIRError
            details = "\n".join(f"  {mlir.describe(loc)}: {msg}" for sev, loc, msg in diagnostics if sev == "error")
            raise ConversionError(f"the LiteRT converter failed: {err}\n{details}") from None


INT4_CONVERTER_STORAGE = "i8<-7:7>"  # see qscheme.CONVERTER_STORAGE


def retype_int4_weights(module) -> None:
    """Gives the int4 weight constants (i8 in [-7, 7] for the converter) their i4 type, after
    conversion and before export, which packs two to a byte; LiteRT's FULLY_CONNECTED unpacks them
    (int8 x int4) or runs its 4-bit hybrid kernel (float x int4)."""
    for op in list(mlir.walk(module.operation)):
        if op.name != "tfl.pseudo_qconst" or INT4_CONVERTER_STORAGE not in str(op.results[0].type):
            continue
        qtype = ir.Type.parse(str(op.results[0].type).replace(INT4_CONVERTER_STORAGE, "i4<-7:7>"))
        values = np.asarray(ir.DenseIntElementsAttr(op.attributes["value"]))
        value = ir.DenseElementsAttr.get(values, type=ir.IntegerType.get_signless(4))
        retyped = ir.Operation.create("tfl.pseudo_qconst", results=[qtype], loc=op.location, ip=ir.InsertionPoint(op),
                                      attributes={"qtype": ir.TypeAttr.get(qtype), "value": value})
        op.results[0].replace_all_uses_with(retyped.results[0])
        op.erase()


def dequantize_hybrid_inputs(module) -> None:
    """In dynamic-range mode the converter folds the DEQUANTIZE of an int8 activation (the output
    of a static op) into the hybrid dense that reads it, leaving a FULLY_CONNECTED with an int8
    input (and an int32 bias) and a float output, which LiteRT refuses at prepare; the DEQUANTIZE
    goes back in, and the bias becomes the float constant its integers stand for."""
    for op in list(mlir.walk(module.operation)):
        if op.name not in ("tfl.fully_connected", "tfl.batch_matmul"):
            continue
        x, out = ir.RankedTensorType(op.operands[0].type), ir.RankedTensorType(op.results[0].type)
        if str(out.element_type) != "f32" or "quant.uniform" not in str(x.element_type):
            continue
        real = ir.RankedTensorType.get(x.shape, ir.F32Type.get())
        dequantized = ir.Operation.create("tfl.dequantize", results=[real], operands=[op.operands[0]], loc=op.location,
                                          ip=ir.InsertionPoint(op))
        op.operands[0] = dequantized.results[0]
        bias = op.operands[2] if len(op.operands) > 2 else None
        producer = mlir.producer(bias) if bias is not None else None
        if producer is not None and producer.name == "tfl.pseudo_qconst":
            real_bias = _real_constant(producer)
            op.operands[2] = ir.Operation.create("arith.constant", results=[real_bias.type], loc=producer.location,
                                                 attributes={"value": real_bias}, ip=ir.InsertionPoint(op)).results[0]


_QUANTIZED = re.compile(r"!quant\.uniform<[^:]+:f32(?::(\d+))?, (\{[^}]*\}|[-+.\deE]+)(?::(-?\d+))?>")


def _real_constant(qconst):
    """The float values a `tfl.pseudo_qconst` stands for: (stored integer - zero point) x scale."""
    axis, scales, zero_point = _QUANTIZED.search(str(qconst.results[0].type)).groups()
    ints = np.asarray(ir.DenseIntElementsAttr(qconst.attributes["value"])).astype(np.float64) - int(zero_point or 0)
    scale = np.array([float(v) for v in scales.strip("{}").split(",")])
    if axis is not None:
        scale = scale.reshape([-1 if d == int(axis) else 1 for d in range(ints.ndim)])
    return mlir.dense_attr((ints * scale).astype(np.float32))


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
