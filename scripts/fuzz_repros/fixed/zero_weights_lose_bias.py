"""A dense layer whose weights are all zero but whose bias is not (e.g. a zero-initialised
kernel): every output comes out as the same wrong value, in LiteRT *and* in emulate (they agree,
so the LiteRT-vs-emulate check cannot see it). Bias [-0.08, -0.07] gives [-0.0747, -0.0747],
15-17 output steps off. Looks like the int32 bias saturating against the degenerate (zero)
weight scale. If some channel has nonzero weights the zero channels come out right.
Found by fuzzing (seed 210: SQNR vs float 0 dB, listed in the driver's SQNR outliers)."""
import jax, numpy as np, shloq

rng = np.random.default_rng(0)
P = {"w": np.zeros((3, 2), np.float32), "b": np.array([-0.08, -0.07], np.float32)}
f = lambda p, x: x @ p["w"] + p["b"]
batches = [(rng.normal(size=(4, 3)).astype(np.float32),) for _ in range(3)]
rules = [shloq.QuantizationRule()]
exported = jax.export.export(jax.jit(f))(P, batches[0][0])
model = shloq.convert(exported, rules, P, shloq.calibrate(exported, rules, P, batches, progress=False), strict=True)
x = batches[0][0]
print("output step", model.output_steps[0])
print("float  ", np.asarray(f(P, x))[0])
print("litert ", model(x)[0])
print("emulate", np.asarray(model.emulate(x))[0])
