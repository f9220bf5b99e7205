"""A tensor that is both a model output and the input of another op: that op stays float.
Found by fuzzing (seeds 30, 62, 104, 179, 187, 242, 244 of scripts/fuzz.sh; the consumer was
SUB/ADD/MAX_POOL_2D/TRANSPOSE/PAD/BROADCAST_TO/RESHAPE). A ReLU consumer is fine.
Expected: float_ops == [] (or a documented refusal). Got: float ops ['ADD'] and ['MUL'] (strict mode, no error)."""
import jax, jax.numpy as jnp, numpy as np, shloq
from shloq import litert

rng = np.random.default_rng(0)
P = {"w": rng.normal(size=(4, 3)).astype(np.float32)}
batches = [(rng.normal(size=(2, 4)).astype(np.float32),) for _ in range(3)]
rules = [shloq.QuantizationRule()]


def dense_then_add(p, x):
    h = x @ p["w"]
    return h + h, h                     # h is returned and also feeds the add


def transpose_then_mul(p, x):
    h = jnp.transpose(x)
    return h * h, h


for f in (dense_then_add, transpose_then_mul):
    exported = jax.export.export(jax.jit(f))(P, batches[0][0])
    model = shloq.convert(exported, rules, P, shloq.calibrate(exported, rules, P, batches, progress=False), strict=True)
    print(f.__name__, "float ops:", [op["op"] for op in litert.float_ops(model.op_table())],
          "all ops:", [op["op"] for op in model.op_table()])
