"""Every form of input gives the same quantized model: Exported, its bytes, .mlir text, bytecode."""
import jax
import numpy as np

import shloq
from shloq import mlir

RULES = [shloq.QuantizationRule()]


def test_exported_bytes_text_and_bytecode_agree(tmp_path):
    rng = np.random.default_rng(0)
    params = {"w": rng.normal(size=(4, 3)).astype(np.float32), "b": rng.normal(size=3).astype(np.float32)}
    x = rng.normal(size=(2, 4)).astype(np.float32)
    exported = jax.export.export(jax.jit(lambda p, x: jax.nn.relu(x @ p["w"] + p["b"])))(params, x)
    batches = [(rng.normal(size=x.shape).astype(np.float32),) for _ in range(3)]

    text_path = tmp_path / "model.mlir"
    text_path.write_text(exported.mlir_module())
    bytecode_path = tmp_path / "model.mlirbc"
    module = mlir.parse_module(exported.mlir_module())
    with open(bytecode_path, "wb") as f:
        module.operation.write_bytecode(f)
    by_name = {"p['w']": params["w"], "p['b']": params["b"]}  # argument locations name the pytree path

    reference = shloq.convert(exported, RULES, params, shloq.calibrate(exported, RULES, params, batches,
                                                                         progress=False))
    for source, source_params in [(exported.serialize(), params), (str(text_path), by_name),
                                  (bytecode_path, by_name)]:
        stats = shloq.calibrate(source, RULES, source_params, batches, progress=False)
        model = shloq.convert(source, RULES, source_params, stats)
        np.testing.assert_array_equal(model(x), reference(x))
        assert [op["op"] for op in model.op_table()] == [op["op"] for op in reference.op_table()]
