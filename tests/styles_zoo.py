"""Small models written the ways people write JAX models, each as `f(params, x)` with its params
pytree: Equinox (weight @ x under vmap, NCHW conv and pools), plain JAX with torch-style [out, in]
weights, NNX's MultiHeadAttention, Haiku with multi-axis einsum kernels, an NCHW conv + batch-norm
+ resize network. Each entry also names a `param_path` regex matching one of its weights."""
import jax
import jax.numpy as jnp
import numpy as np


def _normal(rng, *shape, scale=1.0):
    return (rng.normal(size=shape) * scale).astype(np.float32)


def equinox_mlp(rng):
    """eqx.nn.MLP: each Linear is `weight @ x + bias` on one example, vmapped over the batch."""
    import equinox as eqx

    model = eqx.nn.MLP(16, 5, width_size=32, depth=2, activation=jax.nn.relu, key=jax.random.key(int(rng.integers(1 << 30))))
    params, static = eqx.partition(model, eqx.is_array)

    def f(p, x):
        return jax.vmap(eqx.combine(p, static))(x)

    return f, params, (8, 16), r"\.layers\[1\]\.weight"


def equinox_cnn(rng):
    """Channels-first Equinox CNN on one [C, H, W] image, vmapped: Conv2d, MaxPool2d, Conv2d,
    AvgPool2d, flatten, Linear."""
    import equinox as eqx

    keys = jax.random.split(jax.random.key(int(rng.integers(1 << 30))), 3)

    class CNN(eqx.Module):
        conv1: eqx.nn.Conv2d
        conv2: eqx.nn.Conv2d
        pool1: eqx.nn.MaxPool2d
        pool2: eqx.nn.AvgPool2d
        head: eqx.nn.Linear

        def __init__(self):
            self.conv1 = eqx.nn.Conv2d(3, 8, 3, padding=1, key=keys[0])
            self.conv2 = eqx.nn.Conv2d(8, 16, 3, padding=1, key=keys[1])
            self.pool1 = eqx.nn.MaxPool2d(2, 2)
            self.pool2 = eqx.nn.AvgPool2d(2, 2)
            self.head = eqx.nn.Linear(16 * 4 * 4, 10, key=keys[2])

        def __call__(self, x):
            h = self.pool1(jax.nn.relu(self.conv1(x)))
            h = self.pool2(jax.nn.relu(self.conv2(h)))
            return self.head(h.reshape(-1))

    params, static = eqx.partition(CNN(), eqx.is_array)

    def f(p, x):
        return jax.vmap(eqx.combine(p, static))(x)

    return f, params, (1, 3, 16, 16), r"\.conv2\.weight"


def torch_style_dense(rng):
    """Plain JAX with PyTorch's [out, in] weights, three spellings of a linear layer:
    `x @ W.T + b`, `(W @ x.T).T + b` and a vmapped `W @ x + b`."""
    params = {"fc1": {"weight": _normal(rng, 32, 16, scale=0.25), "bias": _normal(rng, 32, scale=0.1)},
              "fc2": {"weight": _normal(rng, 24, 32, scale=0.2), "bias": _normal(rng, 24, scale=0.1)},
              "fc3": {"weight": _normal(rng, 6, 24, scale=0.2), "bias": _normal(rng, 6, scale=0.1)}}

    def f(p, x):
        h = jax.nn.relu(x @ p["fc1"]["weight"].T + p["fc1"]["bias"])
        h = jax.nn.relu((p["fc2"]["weight"] @ h.T).T + p["fc2"]["bias"])
        return jax.vmap(lambda v: p["fc3"]["weight"] @ v + p["fc3"]["bias"])(h)

    return f, params, (8, 16), r"\['fc2'\]\['weight'\]"


def nnx_attention(rng):
    """NNX block: nnx.MultiHeadAttention (q/k/v kernels [in, heads, head_dim], output kernel
    [heads, head_dim, out]), residual, LayerNorm, Linear head."""
    from flax import nnx

    seed = int(rng.integers(1 << 30))

    class Block(nnx.Module):
        def __init__(self, rngs):
            self.attention = nnx.MultiHeadAttention(num_heads=2, in_features=16, qkv_features=16, decode=False,
                                                    rngs=rngs)
            self.norm = nnx.LayerNorm(16, rngs=rngs)
            self.head = nnx.Linear(16, 4, rngs=rngs)

        def __call__(self, x):
            return self.head(self.norm(x + self.attention(x)))

    graphdef, state = nnx.split(Block(nnx.Rngs(seed)))

    def f(s, x):
        return nnx.merge(graphdef, s)(x)

    return f, state, (2, 8, 16), r"\['attention'\]\['key'\]\['kernel'\]"


def haiku_einsum(rng):
    """Haiku attention whose projections are einsums with multi-axis kernels: q [in, heads, dim],
    k with permuted axes [heads, in, dim], v [dim, heads, in], output [heads, dim, out]; then a
    dense over two input axes whose kernel is [D, E, C, F] (`abcd,decf->abef`)."""
    import haiku as hk

    d, heads, dim = 16, 2, 8

    def forward(x):
        init = hk.initializers.VarianceScaling(1.0)
        wq = hk.get_parameter("wq", (d, heads, dim), init=init)
        wk = hk.get_parameter("wk", (heads, d, dim), init=init)
        wv = hk.get_parameter("wv", (dim, heads, d), init=init)
        wo = hk.get_parameter("wo", (heads, dim, d), init=init)
        bq = hk.get_parameter("bq", (heads, dim), init=hk.initializers.RandomNormal(0.1))
        q = jnp.einsum("bsd,dhk->bshk", x, wq) + bq
        k = jnp.einsum("bsd,hdk->bshk", x, wk)
        v = jnp.einsum("bsd,khd->bshk", x, wv)
        scores = jnp.einsum("bqhk,bshk->bhqs", q, k) / np.float32(np.sqrt(dim))
        out = jnp.einsum("bhqs,bshk->bqhk", jax.nn.softmax(scores, axis=-1), v)
        h = x + jnp.einsum("bqhk,hkd->bqd", out, wo)
        grid = h.reshape(h.shape[0], 2, 4, 2, 8)[:, :, :, 0, :]                   # A, B, C=4, D=8
        wg = hk.get_parameter("wg", (8, 3, 4, 5), init=init)                       # D, E, C, F
        return jax.nn.relu(jnp.einsum("abcd,decf->abef", grid, wg))

    transformed = hk.without_apply_rng(hk.transform(forward))
    params = transformed.init(jax.random.key(int(rng.integers(1 << 30))), jnp.zeros((2, 8, d)))

    def f(p, x):
        return transformed.apply(p, x)

    return f, params, (2, 8, d), r"\['wk'\]"


def nchw_bn_resize(rng):
    """PyTorch-layout network in plain JAX: NCHW conv (OIHW kernels), inference batch-norm over
    axis 1, ReLU, max pool, nearest and bilinear resize of the last two axes, NCHW conv output."""
    def bn(c):
        return {"gamma": rng.uniform(0.5, 1.5, c).astype(np.float32), "beta": _normal(rng, c, scale=0.1),
                "mean": _normal(rng, c, scale=0.1), "var": rng.uniform(0.5, 1.5, c).astype(np.float32)}

    params = {"conv1": _normal(rng, 8, 3, 3, 3, scale=0.3), "bn1": bn(8),
              "conv2": _normal(rng, 16, 8, 3, 3, scale=0.15), "bn2": bn(16),
              "conv3": _normal(rng, 4, 16, 3, 3, scale=0.1), "bias3": _normal(rng, 4, scale=0.1)}
    dn = ("NCHW", "OIHW", "NCHW")

    def batch_norm(p, h):
        shape = (1, -1, 1, 1)
        inv = p["gamma"].reshape(shape) * jax.lax.rsqrt(p["var"].reshape(shape) + 1e-5)
        return (h - p["mean"].reshape(shape)) * inv + p["beta"].reshape(shape)

    def f(p, x):
        n, _, hh, ww = x.shape
        h = jax.lax.conv_general_dilated(x, p["conv1"], (1, 1), "SAME", dimension_numbers=dn)
        h = jax.nn.relu(batch_norm(p["bn1"], h))                                          # N,8,16,16
        h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
        h = jax.lax.conv_general_dilated(h, p["conv2"], (2, 2), "SAME", dimension_numbers=dn)
        h = jax.nn.relu(batch_norm(p["bn2"], h))                                          # N,16,4,4
        h = jax.image.resize(h, (n, 16, hh // 2, ww // 2), "nearest")                     # N,16,8,8
        h = jax.image.resize(h, (n, 16, hh, ww), "bilinear")                              # N,16,16,16
        h = jax.lax.conv_general_dilated(h, p["conv3"], (1, 1), "SAME", dimension_numbers=dn)
        return h + p["bias3"].reshape(1, -1, 1, 1)

    return f, params, (1, 3, 16, 16), r"\['conv2'\]"


STYLES = {"equinox_mlp": equinox_mlp, "equinox_cnn": equinox_cnn, "torch_style_dense": torch_style_dense,
          "nnx_attention": nnx_attention, "haiku_einsum": haiku_einsum, "nchw_bn_resize": nchw_bn_resize}


def build(name, seed=0, batches=8):
    """(f, params, exported, calibration batches, test inputs, param_path regex) for a style model."""
    rng = np.random.default_rng(seed)
    f, params, shape, param_path = STYLES[name](rng)
    exported = jax.export.export(jax.jit(f))(params, np.zeros(shape, np.float32))
    calibration = [(_normal(rng, *shape),) for _ in range(batches)]
    tests = [_normal(rng, *shape) for _ in range(batches)]
    return f, params, exported, calibration, tests, param_path
