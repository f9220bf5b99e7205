"""shloq-annotate: the Qwix composite protocol (`quant.fake_quant`) quantizes exactly as the QDQ
protocol (shloq-quantize) does. On the digits CNN, the same marked module and stats converted
through either protocol give the same all-integer LiteRT graph and the same outputs."""
import dataclasses
import types

import jax
import numpy as np
import pytest
from conftest import within_steps
from litert_converter.mlir import ir

from shloq import api, demo, litert, mlir
from shloq import tflite as tflite_graph
from shloq.emulation import fake_quant
from shloq.interpreter import compile_function
from shloq.passes import run_pipeline
from shloq.passes.annotate import AnnotatePass, composite_attributes
from shloq.sites import site_params


@pytest.fixture(scope="module")
def annotated(digits):
    """The digits CNN marked as `shloq.convert` marks it, annotated with the fixture's stats."""
    source = api.load(digits.exported, digits.variables)
    module = api._marked_module(source, digits.rules, digits.variables, strict=True)
    with mlir.context():
        expected = [composite_attributes(q) for q in site_params(module, digits.stats.sites).values()]
        run_pipeline(module, [AnnotatePass(ranges=digits.stats.sites)])
        composites = [op.operation for op in mlir.entry_block(module).operations
                      if op.operation.name == "stablehlo.composite"]
        found = [(ir.StringAttr(op.attributes["name"]).value, _python_attrs(op.attributes["composite_attributes"]),
                  ir.FlatSymbolRefAttr(op.attributes["decomposition"]).value) for op in composites]
        text = module.operation.get_asm(enable_debug_info=True)
    tflite = litert.to_tflite(text, [name for name, _, _ in source.inputs])
    model = api.LiteRTModel(tflite, text, source, digits.int8.output_steps)
    return types.SimpleNamespace(text=text, tflite=tflite, model=model, expected=expected, found=found)


def _python_attrs(dictionary) -> dict:
    """A composite_attributes dictionary as Python values (dense elements as numpy arrays)."""
    result = {}
    for named in ir.DictAttr(dictionary):
        attr = named.attr
        if isinstance(attr, (ir.DenseFPElementsAttr, ir.DenseIntElementsAttr)):
            type_ = ir.RankedTensorType(attr.type)
            dtype = mlir.element_dtype(type_.element_type)
            values = [attr.get_splat_value().value] if attr.is_splat else np.asarray(attr).reshape(-1)
            result[named.name] = np.broadcast_to(np.asarray(values, dtype), tuple(type_.shape)).copy()
        elif isinstance(attr, (ir.BoolAttr, ir.IntegerAttr, ir.StringAttr)):
            result[named.name] = attr.value
        else:
            raise AssertionError(f"unexpected attribute {named.name} = {attr}")
    return result


def test_every_marker_becomes_a_composite_with_the_quantize_pass_numbers(annotated):
    """One composite per marker, in order, whose attributes are `site_qparams`' numbers (the same
    the QDQ protocol uses) in Qwix's form."""
    assert "shloq.site" not in annotated.text and "uniform_quantize" not in annotated.text
    assert len(annotated.found) == len(annotated.expected) > 0
    for (name, attrs, _), want in zip(annotated.found, annotated.expected):
        assert name == "quant.fake_quant"
        assert sorted(attrs) == sorted(want)
        for key, value in want.items():
            if isinstance(value, np.ndarray):
                assert attrs[key].dtype == value.dtype and attrs[key].shape == value.shape, key
                np.testing.assert_array_equal(attrs[key], value)
            else:
                assert attrs[key] == value, key
    weights = [attrs for _, attrs, _ in annotated.found if attrs["narrow_range"]]
    assert weights and all("quantization_dimension" in a and "zero_point" not in a for a in weights)
    # decompositions are shared per operand signature, and each is defined once
    names = {callee for _, _, callee in annotated.found}
    assert len(names) < len(annotated.found)
    for name in names:
        assert annotated.text.count(f"func.func private @{name}(") == 1


def test_every_op_is_integer_as_with_qdq(digits, annotated):
    table = litert.op_table(annotated.tflite)
    assert [op["op"] for op in table] == [op["op"] for op in digits.int8.op_table()]
    assert litert.float_ops(table) == []
    for op in table[1:-1]:
        assert set(op["inputs"] + op["outputs"]) <= {"int8", "int32"}, op


def test_same_outputs_as_qdq(digits, annotated):
    ours = demo.predict(annotated.model, digits.x_test)
    qdq = demo.predict(digits.int8, digits.x_test)
    step = digits.int8.output_steps[0]
    exact = float(np.mean(ours == qdq))
    within = within_steps(ours, qdq, step)
    print(f"composite vs QDQ on {len(digits.x_test)} held-out digits: identical {exact:.2%}, "
          f"within one step {within:.2%}")
    assert within >= 0.999


def test_same_tensor_quantization_as_qdq(digits, annotated):
    """Every int8/int32 tensor of the two graphs has the same scales and zero points."""
    def quantization(tflite):
        interp = litert.interpreter(tflite)
        ops = interp._get_ops_details()
        tensors = {t["index"]: t for t in interp.get_tensor_details()}
        found = []
        for op in ops:
            for i in list(op["inputs"]) + list(op["outputs"]):
                q = tensors[i]["quantization_parameters"] if i >= 0 else None
                if q is not None and len(q["scales"]):
                    found.append((op["op_name"], np.asarray(q["scales"], np.float32).tolist(),
                                  np.asarray(q["zero_points"]).tolist()))
        return found
    assert quantization(annotated.tflite) == quantization(digits.int8.tflite)


def test_same_flatbuffer_as_qdq(digits, annotated):
    """Stronger still, on this converter build: both protocols lower to the same .tflite, op for op
    and operand for operand (types, scales, zero points, constant values); only the order of the
    tensor table and the dense kernels' names differ (shloq-quantize-constants hands the kernels
    over as constants named after the parameter)."""
    def tensor(t):
        if t is None:
            return None
        q = None if t.scale is None else (t.scale.tolist(), t.zero_point.tolist(), t.axis)
        return t.shape, np.dtype(t.dtype).str, q, None if t.data is None else t.data.tobytes()

    def content(tflite):
        return [(op.name, repr(op.options), [tensor(t) for t in op.inputs], [tensor(t) for t in op.outputs])
                for op in tflite_graph.read(tflite).ops]

    assert content(annotated.tflite) == content(digits.int8.tflite)


_MARKERS = {
    "activation": ("%x", 'shloq.kind = "activation", shloq.min = -1.0 : f32, shloq.max = 1.0 : f32'),
    "fixed": ("%x", 'shloq.kind = "fixed", shloq.scale = 3.906250e-03 : f32, shloq.zero_point = -128 : i64'),
    "weight": ("%w", 'shloq.kind = "weight", shloq.axis = 1 : i64'),
}


@pytest.mark.parametrize("kind", sorted(_MARKERS))
def test_decomposition_is_shloqs_fake_quant(kind):
    """The decomposition, run by shloq's interpreter, is `emulation.fake_quant` bit for bit, ties
    (rounded half away from zero) and saturation included."""
    operand, attrs = _MARKERS[kind]
    module = mlir.parse_module(f"""
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {{
  %w = stablehlo.constant dense<[[1.0, -2.0, 0.5], [0.25, 1.5, -0.3]]> : tensor<2x3xf32>
  %m = stablehlo.custom_call @shloq.site({operand}) {{{attrs}, shloq.dtype = "i8", shloq.site = 0 : i64}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = stablehlo.add %x, %m : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}}""")
    with mlir.context():
        (q,) = site_params(module, {}).values()
    run_pipeline(module, [AnnotatePass()])
    with mlir.context():
        (decomposition,) = [op for op in module.body.operations if "sym_visibility" in op.attributes]
        program = compile_function(decomposition)
        (composite,) = [op for op in mlir.entry_block(module).operations if op.operation.name == "stablehlo.composite"]
        leading = [mlir.constant_value(mlir.producer(v)) for v in list(composite.operands)[:-1]]
    scale = np.broadcast_to(np.asarray(q.scale, np.float32).reshape(1, 1, -1), (1, 2, 3))
    rng = np.random.default_rng(0)
    ints = rng.integers(-140, 140, (200, 2, 3)).astype(np.float32)
    x = np.concatenate([(ints + 0.5) * scale, (ints - 0.5) * scale, rng.normal(0, 2, (200, 2, 3))])
    x = x.astype(np.float32)
    got = np.asarray(jax.vmap(lambda v: program(*leading, v)[0])(x))
    want = np.asarray(fake_quant(x, dataclasses.replace(q, axis=None if q.axis is None else q.axis + 1)))
    np.testing.assert_array_equal(got, want)
    qmin, qmax = q.qrange
    ints_out = np.round(got / scale) + q.zero_point
    assert ints_out.min() == qmin and ints_out.max() == qmax
