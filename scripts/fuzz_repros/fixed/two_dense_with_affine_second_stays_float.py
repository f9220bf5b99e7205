"""Two dense layers in a row, each followed by a per-channel scale and shift (inference
batch-norm, no bias): the second dense and its MUL/ADD stay float in strict mode, no error.
Either dense alone with its affine converts. Found by the pytest fuzz profile (case 384832),
minimised. Expected: float_ops == []. Got: FULLY_CONNECTED, MUL, ADD on float32."""
import jax, numpy as np, shloq
from shloq import litert

rng = np.random.default_rng(0)
P = {"w1": rng.normal(size=(7, 5)).astype(np.float32), "g1": rng.uniform(0.5, 1.5, 5).astype(np.float32),
     "b1": rng.normal(size=5).astype(np.float32) * 0.1,
     "w2": rng.normal(size=(5, 5)).astype(np.float32), "g2": rng.uniform(0.5, 1.5, 5).astype(np.float32),
     "b2": rng.normal(size=5).astype(np.float32) * 0.1}


def f(p, x):
    h = (x @ p["w1"]) * p["g1"] + p["b1"]
    return (h @ p["w2"]) * p["g2"] + p["b2"]


batches = [(rng.normal(size=(4, 7)).astype(np.float32),) for _ in range(3)]
rules = [shloq.QuantizationRule()]
exported = jax.export.export(jax.jit(f))(P, batches[0][0])
model = shloq.convert(exported, rules, P, shloq.calibrate(exported, rules, P, batches, progress=False), strict=True)
print("float ops:", [op["op"] for op in litert.float_ops(model.op_table())])
print("all ops:", [op["op"] for op in model.op_table()])
