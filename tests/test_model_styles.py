"""Models as people write them (tests/styles_zoo.py): Equinox (vmapped `W @ x`, NCHW conv and
pools), torch-style [out, in] weights, NNX MultiHeadAttention, Haiku multi-axis einsum kernels,
NCHW conv + batch-norm + resize. Each converts in strict mode to integer kernels with per-channel
symmetric weights along the real output axis and fused biases, and LiteRT agrees with emulate."""
import warnings

import numpy as np
import pytest

import shloq
from conftest import sqnr_db, within_steps
from shloq import litert
from styles_zoo import STYLES, build

R = shloq.QuantizationRule
KERNELS = ("FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D")


@pytest.fixture(scope="module", params=sorted(STYLES))
def converted(request):
    f, params, exported, calibration, tests, param_path = build(request.param)
    stats = shloq.calibrate(exported, [R()], params, calibration, progress=False)
    model = shloq.convert(exported, [R()], params, stats, strict=True)
    return request.param, f, params, exported, calibration, tests, param_path, model


def _ops(model):
    """(op name, input tensor details, output tensor details) of each op of the `.tflite`."""
    interp = model.interpreter
    tensors = {t["index"]: t for t in interp.get_tensor_details()}
    return [(op["op_name"], [tensors.get(i) for i in op["inputs"]], [tensors[i] for i in op["outputs"]])
            for op in interp._get_ops_details()]


def test_style_converts_to_integer_kernels_with_per_channel_weights(converted):
    name, f, params, exported, calibration, tests, param_path, model = converted
    assert litert.float_ops(model.op_table()) == []
    ops = _ops(model)
    kernels = [(op, inputs, outputs) for op, inputs, outputs in ops if op in KERNELS]
    assert kernels, f"{name}: no FULLY_CONNECTED/CONV_2D"
    for op, inputs, outputs in kernels:
        weight = inputs[1]["quantization_parameters"]
        channels = outputs[0]["shape"][-1]
        assert inputs[1]["dtype"] == np.int8 and len(weight["scales"]) == channels, (name, op, weight)
        assert not np.any(weight["zero_points"]), (name, op)
        assert len(inputs) < 3 or inputs[2] is None or inputs[2]["dtype"] == np.int32, (name, op)  # int32 bias
    produced_by_kernel = {outputs[0]["index"] for op, _, outputs in kernels}
    for op, inputs, _ in ops:
        if op in ("ADD", "SUB") and any(t["index"] in produced_by_kernel for t in inputs):
            others = [t for t in inputs if t["index"] not in produced_by_kernel]
            assert not any(_is_constant(model, t) for t in others), f"{name}: a bias {op} after the kernel"
    lite = np.concatenate([model(x) for x in tests])
    emulated = np.concatenate([model.emulate(x) for x in tests])
    agreement = within_steps(lite, emulated, model.output_steps[0])
    reference = np.concatenate([np.asarray(f(params, x)) for x in tests])
    print(f"{name}: {[op for op, _, _ in ops]}; within one step {agreement:.4f}; "
          f"SQNR vs float {sqnr_db(reference, lite):.1f} dB")
    assert agreement >= 0.999
    assert sqnr_db(reference, lite) > 15


def _is_constant(model, tensor) -> bool:
    """A tensor with a buffer of its own (a constant), as opposed to one computed by an op."""
    interp = model.interpreter
    computed = {i for op in interp._get_ops_details() for i in op["outputs"]}
    inputs = {d["index"] for d in interp.get_input_details()}
    return tensor["index"] not in computed and tensor["index"] not in inputs


def test_param_path_rules_and_weight_only_mode_reach_the_weights(converted):
    """A `param_path` rule picks the weight by its pytree path whatever transposes and reshapes
    reach it, and weight-only mode stores it int8 (it used to stay float in these forms)."""
    name, f, params, exported, calibration, tests, param_path, model = converted
    if name not in ("torch_style_dense", "equinox_mlp", "haiku_einsum"):
        pytest.skip("checked on the dense forms; the conv forms share the weight path")
    rules = [R(param_path=param_path, act_qtype=None), R(weight_qtype=None, act_qtype=None)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", shloq.ShloqWarning)  # a rule that matches no weight warns
        stats = shloq.calibrate(exported, rules, params, calibration, progress=False)
        weight_only = shloq.convert(exported, rules, params, stats, strict=False)
    int8 = [op for op in weight_only.op_table() if op["op"] == "DEQUANTIZE" and op["inputs"] == ["int8"]]
    assert len(int8) == 1, weight_only.op_table()
    reference = np.concatenate([np.asarray(f(params, x)) for x in tests])
    assert sqnr_db(reference, np.concatenate([weight_only(x) for x in tests])) > 30


@pytest.mark.parametrize("name", ["torch_style_dense", "equinox_mlp"])
def test_16x8_dense_forms(name):
    f, params, exported, calibration, tests, _ = build(name, batches=4)
    rules = [R(act_qtype="int16")]
    stats = shloq.calibrate(exported, rules, params, calibration, progress=False)
    model = shloq.convert(exported, rules, params, stats, strict=True)
    assert litert.float_ops(model.op_table()) == []
    fcs = [op for op in model.op_table() if op["op"] == "FULLY_CONNECTED"]
    assert len(fcs) == 3 and all(op["inputs"] == ["int16", "int8", "int32"] for op in fcs)
    lite = np.concatenate([model(x) for x in tests])
    emulated = np.concatenate([model.emulate(x) for x in tests])
    assert within_steps(lite, emulated, model.output_steps[0]) >= 0.999
