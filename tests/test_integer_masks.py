"""Masks as BERT code writes them (an int32 mask converted to floats inside the model) and
divisions by activations: full-integer in strict mode, and LiteRT runs them right."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import bert_model
import shloq
from conftest import within_steps
from shloq import litert


def _cosines(a, b):
    return np.sum(a * b, -1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


@pytest.mark.parametrize("fill", [-1e4, float(jnp.finfo(jnp.float32).min)], ids=["-1e4", "finfo.min"])
def test_bert_with_int_mask_is_full_integer(fill):
    rng = np.random.default_rng(0)
    params, f = bert_model.params(rng), bert_model.encoder(fill)
    calibration, tests = [bert_model.inputs(rng) for _ in range(8)], [bert_model.inputs(rng) for _ in range(8)]
    exported = jax.export.export(jax.jit(f))(params, *calibration[0])
    rules = [shloq.QuantizationRule()]
    model = shloq.convert(exported, rules, params, shloq.calibrate(exported, rules, params, calibration,
                                                                   progress=False), strict=True)
    table = model.op_table()
    # ids and mask stay int32 inputs; every op is integer except the exit DEQUANTIZE
    assert [d["dtype"] for d in model.interpreter.get_input_details()] == [np.int32, np.int32]
    assert [op for op in table if "float32" in op["inputs"] + op["outputs"]] == [
        {"op": "DEQUANTIZE", "inputs": ["int8"], "outputs": ["float32"]}]
    assert not {"CAST", "DIV"} & {op["op"] for op in table}
    # weights per channel, biases fused into FULLY_CONNECTED
    tensors = {t["index"]: t for t in model.interpreter.get_tensor_details()}
    dense = [op for op in model.interpreter._get_ops_details() if op["op_name"] == "FULLY_CONNECTED"]
    assert len(dense) == 6 * bert_model.LAYERS
    for op in dense:
        weight, bias = tensors[op["inputs"][1]], tensors[op["inputs"][2]]
        assert len(weight["quantization_parameters"]["scales"]) == weight["shape"][0] > 1
        assert bias["dtype"] == np.int32
    reference = np.concatenate([np.asarray(f(params, *t)) for t in tests])
    lite = np.concatenate([model(*t) for t in tests])
    emulated = np.concatenate([np.asarray(model.emulate(*t)) for t in tests])
    cosine = _cosines(reference, lite)
    print(f"fill {fill}: cosine vs float mean {cosine.mean():.4f} min {cosine.min():.4f}; LiteRT vs emulate "
          f"{within_steps(lite, emulated, model.output_steps[0]):.4f} within one step")
    assert within_steps(lite, emulated, model.output_steps[0]) >= 0.999   # measured 1.0
    assert cosine.mean() >= 0.98


def test_division_by_activations_runs_right_in_litert():
    """1/x and x/y on N(0, 1) inputs with zeros and values next to zero: LiteRT's int8 DIV would
    abort on the zero divisors and saturate the small quotients; shloq emits no DIV."""
    def f(p, x):
        return 1.0 / x[:, :32], x[:, 32:] / x[:, :32]

    rng = np.random.default_rng(1)
    calibration = [(rng.normal(size=(100, 64)).astype(np.float32),) for _ in range(4)]
    exported = jax.export.export(jax.jit(f))({}, *calibration[0])
    rules = [shloq.QuantizationRule()]
    model = shloq.convert(exported, rules, {}, shloq.calibrate(exported, rules, {}, calibration, progress=False))
    assert "DIV" not in {op["op"] for op in model.op_table()}
    assert litert.float_ops(model.op_table()) == []
    agree = []
    for _ in range(10):                       # 1000 input rows
        x = rng.normal(size=(100, 64)).astype(np.float32)
        x[:20, :5] = [0.0, 1e-6, -1e-6, 1e-3, -1e-3]
        for lite, emulated, step in zip(model(x), model.emulate(x), model.output_steps):
            finite = np.isfinite(lite)
            agree.append(within_steps(lite[finite], np.asarray(emulated)[finite], step))
    assert min(agree) >= 0.999
