"""Acceptance 4: Linen, NNX and a plain function with constant weights give the same int8 model."""
import jax
import jax.numpy as jnp
import numpy as np

import shloq

RULES = [shloq.QuantizationRule()]


def _quantize(exported, params, batches):
    stats = shloq.calibrate(exported, RULES, params, batches, progress=False)
    return stats, shloq.convert(exported, RULES, params, stats)


def test_linen_nnx_and_constants_agree():
    import flax.linen as nn
    from flax import nnx

    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(3, 3, 2, 4)).astype(np.float32) * 0.3
    bias = rng.normal(size=4).astype(np.float32) * 0.1
    dense = rng.normal(size=(4, 3)).astype(np.float32) * 0.3
    x = rng.normal(size=(2, 6, 6, 2)).astype(np.float32)
    batches = [(rng.normal(size=x.shape).astype(np.float32),) for _ in range(4)]

    class Linen(nn.Module):
        @nn.compact
        def __call__(self, x):
            h = nn.relu(nn.Conv(4, (3, 3))(x)).mean(axis=(1, 2))
            return nn.Dense(3, use_bias=False)(h)

    variables = {"params": {"Conv_0": {"kernel": kernel, "bias": bias}, "Dense_0": {"kernel": dense}}}
    linen = jax.export.export(jax.jit(lambda v, x: Linen().apply(v, x)))(variables, x)

    class NNX(nnx.Module):
        def __init__(self):
            self.conv = nnx.Conv(2, 4, (3, 3), rngs=nnx.Rngs(0))
            self.dense = nnx.Linear(4, 3, use_bias=False, rngs=nnx.Rngs(0))

        def __call__(self, x):
            return self.dense(nnx.relu(self.conv(x)).mean(axis=(1, 2)))

    module = NNX()
    module.conv.kernel[...] = jnp.asarray(kernel)
    module.conv.bias[...] = jnp.asarray(bias)
    module.dense.kernel[...] = jnp.asarray(dense)
    graphdef, state = nnx.split(module)
    nnx_exported = jax.export.export(jax.jit(lambda s, x: nnx.merge(graphdef, s)(x)))(state, x)

    def plain(x):
        h = jax.lax.conv_general_dilated(x, kernel, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
        return jax.nn.relu(h + bias).mean(axis=(1, 2)) @ dense

    plain_exported = jax.export.export(jax.jit(plain))(x)

    results = [_quantize(linen, variables, batches), _quantize(nnx_exported, state, batches),
               _quantize(plain_exported, None, batches)]
    reference_stats, reference = results[0]
    for stats, model in results[1:]:
        assert stats.sites.keys() == reference_stats.sites.keys()
        for site, (lo, hi) in stats.sites.items():
            np.testing.assert_allclose((lo, hi), reference_stats.sites[site], rtol=1e-5, atol=1e-6)
        assert [op["op"] for op in model.op_table()] == [op["op"] for op in reference.op_table()]
        np.testing.assert_array_equal(model(x), reference(x))
