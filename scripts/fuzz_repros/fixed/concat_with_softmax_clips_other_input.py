"""Concatenating a softmax output with another tensor: the concat's one shared scale is the
softmax's fixed 1/256 (range [0, 0.996]), so the other input is clipped to [0, 1) in LiteRT
and emulate alike (they agree; SQNR vs float 2.5 dB). Not a LiteRT-vs-emulate failure, but a
silent accuracy loss: the concat could take a calibrated scale and requantize the softmax
output instead (LiteRT's CONCATENATION needs equal scales, the softmax output does not have
to keep 1/256 there). Found by fuzzing (seed 134, SQNR outlier)."""
import jax, jax.numpy as jnp, numpy as np, shloq

rng = np.random.default_rng(0)
f = lambda p, x: jnp.concatenate([jax.nn.softmax(x + x), x], axis=-1)
batches = [(rng.normal(size=(2, 7)).astype(np.float32),) for _ in range(3)]
rules = [shloq.QuantizationRule()]
exported = jax.export.export(jax.jit(f))({}, batches[0][0])
model = shloq.convert(exported, rules, {}, shloq.calibrate(exported, rules, {}, batches, progress=False), strict=True)
x = batches[0][0]
print("output step", model.output_steps[0])
print("float x part  ", np.asarray(f({}, x))[0, 7:])
print("litert x part ", model(x)[0, 7:])
