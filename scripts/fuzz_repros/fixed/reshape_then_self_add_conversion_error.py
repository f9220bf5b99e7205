"""`h = reshape(x); h + h` (or h - h) raises ConversionError: the converter finds the RESHAPE's
input and output scales differ ("'tfl.reshape' op quantization parameters violate the same
scale constraint"). transpose instead of reshape, or h + relu(h), convert fine.
Found by fuzzing (seeds 82, 238). Expected: a full-integer model (ADD of h with itself is in the
catalogue, and the catalogue dedups the operand). Got: shloq.ConversionError."""
import jax, numpy as np, shloq

rng = np.random.default_rng(0)
batches = [(rng.uniform(0, 1, (2, 5, 3, 1)).astype(np.float32),) for _ in range(3)]
rules = [shloq.QuantizationRule()]


def f(p, x):
    h = x.reshape((2, 15))
    return h + h


exported = jax.export.export(jax.jit(f))({}, batches[0][0])
stats = shloq.calibrate(exported, rules, {}, batches, progress=False)
model = shloq.convert(exported, rules, {}, stats, strict=True)
print("converted")
