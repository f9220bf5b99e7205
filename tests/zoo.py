"""Small models covering the core op catalogue, as plain JAX functions f(params, x)."""
import jax
import jax.numpy as jnp
import numpy as np


def _normal(rng, *shape, scale=1.0):
    return (rng.normal(size=shape) * scale).astype(np.float32)


def mlp(rng):
    """dense + ReLU6, dense with a residual add and ReLU, dense with linear output."""
    params = {"w1": _normal(rng, 16, 32, scale=0.3), "b1": _normal(rng, 32, scale=0.1),
              "w2": _normal(rng, 32, 32, scale=0.2), "b2": _normal(rng, 32, scale=0.1),
              "w3": _normal(rng, 32, 5, scale=0.3), "b3": _normal(rng, 5, scale=0.1)}

    def f(p, x):
        h = jax.nn.relu6(x @ p["w1"] + p["b1"])
        h = jax.nn.relu(h + (h @ p["w2"] + p["b2"]))
        return h @ p["w3"] + p["b3"]

    return f, params, (8, 16)


def convnet(rng):
    """strided, dilated and depthwise convs, concatenate, transpose, reshape, mean, dense."""
    params = {"c1": _normal(rng, 3, 3, 3, 8, scale=0.3), "d1": _normal(rng, 3, 3, 1, 8, scale=0.3),
              "c2": _normal(rng, 3, 3, 8, 8, scale=0.2), "bn_scale": rng.uniform(0.5, 1.5, 8).astype(np.float32),
              "bn_shift": _normal(rng, 8, scale=0.1), "w": _normal(rng, 16 * 4, 6, scale=0.2)}
    dn = ("NHWC", "HWIO", "NHWC")

    def f(p, x):
        h = jax.lax.conv_general_dilated(x, p["c1"], (2, 2), "SAME", dimension_numbers=dn)
        h = jax.nn.relu(h * p["bn_scale"] + p["bn_shift"])
        a = jax.lax.conv_general_dilated(h, p["d1"], (1, 1), "SAME", dimension_numbers=dn, feature_group_count=8)
        b = jax.lax.conv_general_dilated(h, p["c2"], (1, 1), "SAME", rhs_dilation=(2, 2), dimension_numbers=dn)
        h = jnp.concatenate([jax.nn.relu(a), b], axis=-1)          # N,4,4,16
        h = jnp.transpose(h, (0, 3, 1, 2)).mean(axis=3)            # N,16,4
        return jax.nn.softmax(h.reshape(h.shape[0], -1) @ p["w"])

    return f, params, (4, 8, 8, 3)


def einsum_block(rng):
    """einsum with a weight over a sequence, subtract and multiply of activations, reshape."""
    params = {"wq": _normal(rng, 12, 12, scale=0.3), "wk": _normal(rng, 12, 12, scale=0.3),
              "bias": _normal(rng, 12, scale=0.1)}

    def f(p, x):
        q = jnp.einsum("bsd,df->bsf", x, p["wq"]) + p["bias"]
        k = jnp.einsum("bsd,df->bsf", x, p["wk"])
        return ((q - k) * k).reshape(x.shape[0], -1)

    return f, params, (2, 6, 12)


ZOO = {"mlp": mlp, "convnet": convnet, "einsum_block": einsum_block}


def build(name, seed=0):
    """(f, params, exported, calibration batches, test inputs) for a zoo model."""
    rng = np.random.default_rng(seed)
    f, params, shape = ZOO[name](rng)
    exported = jax.export.export(jax.jit(f))(params, np.zeros(shape, np.float32))
    calibration = [(_normal(rng, *shape),) for _ in range(16)]
    tests = [_normal(rng, *shape) for _ in range(16)]
    return f, params, exported, calibration, tests
