"""Quantization modes chosen by rules: 16x8, weight-only, mixed precision; and integer model I/O."""
import numpy as np

import shloq
from conftest import sqnr_db
from shloq import litert
from zoo import build


def _tensor_types(model):
    """{op name: [(input dtypes, output dtypes), ...]} from the `.tflite`."""
    table = {}
    for op in model.op_table():
        table.setdefault(op["op"], []).append((op["inputs"], op["outputs"]))
    return table


def test_16x8_beats_int8():
    f, params, exported, calibration, tests = build("mlp")
    reference = np.concatenate([np.asarray(f(params, x)) for x in tests])
    db = {}
    for qtype in ("int8", "int16"):
        rules = [shloq.QuantizationRule(act_qtype=qtype)]
        stats = shloq.calibrate(exported, rules, params, calibration, progress=False)
        model = shloq.convert(exported, rules, params, stats)
        assert litert.float_ops(model.op_table()) == []
        db[qtype] = sqnr_db(reference, np.concatenate([model(x) for x in tests]))
        if qtype == "int16":
            assert _tensor_types(model)["FULLY_CONNECTED"][0] == (["int16", "int8", "int32"], ["int16"])
    print(f"mlp SQNR vs float: int8 {db['int8']:.1f} dB, 16x8 {db['int16']:.1f} dB")
    assert db["int16"] > db["int8"] + 1.0


def _converted(name, rules, **options):
    f, params, exported, calibration, tests = build(name)
    stats = shloq.calibrate(exported, rules, params, calibration, progress=False)
    return f, params, tests, shloq.convert(exported, rules, params, stats, **options)


def test_weight_only_keeps_activations_float_and_stores_int8_weights():
    f, params, tests, model = _converted("mlp", [shloq.QuantizationRule(act_qtype=None)])
    types = _tensor_types(model)
    assert set(types) == {"DEQUANTIZE", "FULLY_CONNECTED", "ADD"}
    assert all(t == (["int8"], ["float32"]) for t in types["DEQUANTIZE"]) and len(types["DEQUANTIZE"]) == 3
    assert all(t == (["float32"] * 3, ["float32"]) for t in types["FULLY_CONNECTED"])
    reference = np.concatenate([np.asarray(f(params, x)) for x in tests])
    assert sqnr_db(reference, np.concatenate([model(x) for x in tests])) > 35


def test_mixed_precision_leaves_the_chosen_dense_float():
    rules = [shloq.QuantizationRule(op_path="dot_general", param_path="w3", weight_qtype=None, act_qtype=None),
             shloq.QuantizationRule()]
    f, params, tests, model = _converted("mlp", rules)
    fcs = _tensor_types(model)["FULLY_CONNECTED"]
    assert fcs[:2] == [(["int8", "int8", "int32"], ["int8"])] * 2
    assert fcs[2] == (["float32"] * 3, ["float32"])   # w3's dense: float weights, float activations
    assert [op["op"] for op in model.op_table()][-2:] == ["DEQUANTIZE", "FULLY_CONNECTED"]


def test_integer_io_takes_and_returns_int8_tensors():
    f, params, tests, model = _converted("convnet", [shloq.QuantizationRule()], integer_io=True)
    _, _, _, float_io = _converted("convnet", [shloq.QuantizationRule()])
    table = model.op_table()
    assert "QUANTIZE" not in [op["op"] for op in table] and "DEQUANTIZE" not in [op["op"] for op in table]
    inputs, outputs = model.interpreter.get_input_details(), model.interpreter.get_output_details()
    assert [d["dtype"] for d in inputs + outputs] == [np.int8, np.int8]
    (scale, zero_point), = model.input_quantization
    assert model.output_quantization == [(1 / 256, -128)]      # softmax's fixed output scale
    assert float_io.input_quantization == [None]
    x = tests[0]
    raw = model.interpreter.get_signature_runner("serving_default")(
        x=np.clip(np.round(x / scale) + zero_point, -128, 127).astype(np.int8))["output_0"]
    assert raw.dtype == np.int8
    np.testing.assert_array_equal(model(x), float_io(x))
    np.testing.assert_array_equal((raw.astype(np.float32) + 128) / 256, model(x))
