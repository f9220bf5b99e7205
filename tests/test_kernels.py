"""Issue 12: `emulate` computes the same integers as LiteRT's builtin kernels, tensor by tensor.

Each model is converted once; LiteRT runs it with every tensor kept, the emulator computes every
tensor of the same `.tflite`, and each quantized tensor must be the same integer on 100% of its
elements (the float-formula kernels of `shloq.kernels.approximate` are the documented exception,
checked within one step)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq
from shloq import litert, tflite

APPROXIMATE = {"HARD_SWISH", "RSQRT", "SQRT", "DIV", "RESIZE_BILINEAR"}


def _conv_stack(p, x):
    def conv(h, w, stride=1, padding="SAME", groups=1, dilation=1):
        return jax.lax.conv_general_dilated(h, w, (stride, stride), padding, rhs_dilation=(dilation, dilation),
                                            dimension_numbers=("NHWC", "HWIO", "NHWC"), feature_group_count=groups)
    h = jnp.clip(conv(x, p["c1"], stride=2) + p["b1"], 0, 6)                  # 3x3 stride 2 SAME, ReLU6
    h = conv(h, p["dw"], groups=12) + p["bdw"]                                # depthwise, 12 channels (tail of 4)
    h = jax.nn.relu(conv(h, p["dw2"], stride=2, padding="VALID", groups=12))  # depthwise stride 2 VALID
    h = h + conv(h, p["pw"], padding="VALID")                                 # linear 1x1, residual add
    h = conv(h, p["c2"], dilation=2)                                           # dilated
    pooled = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    avg = jax.lax.reduce_window(h, 0.0, jax.lax.add, (1, 2, 2, 1), (1, 2, 2, 1), "VALID") / 4
    v = jnp.concatenate([pooled, avg], -1).mean(axis=(1, 2))
    return jax.nn.softmax(v @ p["d"] + p["bd"])


def _activations(p, x):
    h = x @ p["w1"] + p["b1"]
    a = jax.nn.sigmoid(h) * jnp.tanh(h)
    b = jax.nn.gelu(h) - jnp.exp(h * 0.1) * 0.5
    scores = jnp.einsum("bi,bj->bij", a, b)
    return jax.nn.softmax(scores, axis=-1).sum(-1) * h


def _params(rng, shapes):
    return {k: (rng.normal(size=s) * (0.5 if len(s) > 1 else 0.1)).astype(np.float32) for k, s in shapes.items()}


CASES = {
    "conv_stack": (_conv_stack, {"c1": (3, 3, 3, 12), "b1": (12,), "dw": (3, 3, 1, 12), "bdw": (12,),
                                 "dw2": (3, 3, 1, 12), "pw": (1, 1, 12, 12), "c2": (3, 3, 12, 8),
                                 "d": (16, 10), "bd": (10,)}, (2, 17, 17, 3)),
    "activations": (_activations, {"w1": (24, 20), "b1": (20,)}, (3, 24)),
}


def _exactness(model, x) -> dict:
    """Per op: (fraction of its output's elements with the same integer, largest difference in steps)."""
    interpreter = litert.interpreter(model.tflite, preserve_all_tensors=True)
    model._run(interpreter, [x])
    emulated = model.emulator.tensors(x)
    found = {}
    for i, op in enumerate(tflite.read(model.tflite).ops):
        out = op.outputs[0]
        if out.quantized:
            want = interpreter.get_tensor(out.index).astype(np.int64)
            got = np.asarray(emulated[out.index], np.int64)
            found[(i, op.name)] = (float(np.mean(want == got)), int(np.abs(want - got).max()))
    return found


@pytest.mark.parametrize("act_qtype", ["int8"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_tensor_is_litert_integer(name, act_qtype):
    f, shapes, x_shape = CASES[name]
    rng = np.random.default_rng(0)
    params = _params(rng, shapes)
    batches = [(rng.normal(size=x_shape).astype(np.float32),) for _ in range(3)]
    exported = jax.export.export(jax.jit(f))(params, batches[0][0])
    rules = [shloq.QuantizationRule(act_qtype=act_qtype)]
    stats = shloq.calibrate(exported, rules, params, batches, progress=False)
    model = shloq.convert(exported, rules, params, stats)
    x = rng.normal(size=x_shape).astype(np.float32)
    found = _exactness(model, x)
    print(name, found)
    assert found
    for (i, op_name), (same, worst) in found.items():
        if op_name in APPROXIMATE:
            assert worst <= 1, (i, op_name, same, worst)
        else:
            assert same == 1.0, (i, op_name, same, worst)
    np.testing.assert_allclose(model(x), model.emulate(x), rtol=1e-6, atol=1e-7)
