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


# ---------------------------------------------------------------------------------------------------
# Wider catalogue: activations, MobileNetV3, U-Net, transformer encoder, GPT decoder block.


class TokenIds:
    """Input spec for integer token ids: int32 of `shape`, uniform in [0, vocab)."""

    def __init__(self, shape, vocab):
        self.shape, self.vocab = tuple(shape), int(vocab)

    def __repr__(self):
        return f"TokenIds({self.shape}, vocab={self.vocab})"


def input_dtype(spec):
    """The input dtype for a model's third return value (a float32 shape tuple or a `TokenIds`)."""
    return np.dtype(np.int32) if isinstance(spec, TokenIds) else np.dtype(np.float32)


def input_shape(spec):
    return spec.shape if isinstance(spec, TokenIds) else tuple(spec)


def sample_input(rng, spec):
    """One random input batch for `spec` (standard normal float32, or uniform token ids)."""
    if isinstance(spec, TokenIds):
        return rng.integers(0, spec.vocab, size=spec.shape).astype(np.int32)
    return _normal(rng, *spec)


def _dense_init(rng, fan_in, fan_out, gain=1.0):
    return _normal(rng, fan_in, fan_out, scale=gain / np.sqrt(fan_in))


def _conv_init(rng, kh, kw, cin, cout, gain=1.0):
    return _normal(rng, kh, kw, cin, cout, scale=gain / np.sqrt(kh * kw * cin))


_DN = ("NHWC", "HWIO", "NHWC")


def _conv(x, w, stride=1, padding="SAME", groups=1):
    return jax.lax.conv_general_dilated(x, w, (stride, stride), padding, dimension_numbers=_DN,
                                        feature_group_count=groups)


def _layer_norm(x, scale, bias, eps=1e-5):
    """Layer norm as JAX/Flax write it: mean, centred variance, rsqrt."""
    mean = jnp.mean(x, axis=-1, keepdims=True)
    centred = x - mean
    var = jnp.mean(centred * centred, axis=-1, keepdims=True)
    return centred * jax.lax.rsqrt(var + eps) * scale + bias


def _ln_params(rng, d):
    return rng.uniform(0.8, 1.2, d).astype(np.float32), _normal(rng, d, scale=0.05)


_ACTIVATIONS = (
    ("relu", jax.nn.relu),
    ("relu6", jax.nn.relu6),
    ("gelu_tanh", lambda h: jax.nn.gelu(h, approximate=True)),
    ("gelu_exact", lambda h: jax.nn.gelu(h, approximate=False)),
    ("silu", jax.nn.silu),
    ("hard_swish", jax.nn.hard_swish),
    ("hard_sigmoid", jax.nn.hard_sigmoid),
    ("tanh", jnp.tanh),
    ("sigmoid", jax.nn.sigmoid),
    ("leaky_relu", jax.nn.leaky_relu),
    ("clip", lambda h: jnp.clip(h, -2.0, 3.0)),
    ("exp", lambda h: jnp.exp(jnp.tanh(h))),
)


def activations_mlp(rng):
    """dense layers with every common activation between them; divide, subtract, multiply, maximum,
    minimum of two activations; sum/max/mean reductions over the last axis broadcast back."""
    d = 32
    params = {"w_in": _dense_init(rng, 16, d), "b_in": _normal(rng, d, scale=0.1)}
    for name, _ in _ACTIVATIONS:
        params[f"w_{name}"] = _dense_init(rng, d, d, gain=3.5 if name == "clip" else 1.4)  # so clip clips
        params[f"b_{name}"] = _normal(rng, d, scale=0.1)
    for name in ("a", "b"):
        params[f"w_{name}"] = _dense_init(rng, d, d)
        params[f"b_{name}"] = _normal(rng, d, scale=0.1)
    params["w_mix"] = _dense_init(rng, 5 * d, d)
    params["b_mix"] = _normal(rng, d, scale=0.1)
    params["w_out"] = _dense_init(rng, d, 5)
    params["b_out"] = _normal(rng, 5, scale=0.1)

    def f(p, x):
        h = x @ p["w_in"] + p["b_in"]
        for name, act in _ACTIVATIONS:
            h = act(h @ p[f"w_{name}"] + p[f"b_{name}"])
        a = h @ p["w_a"] + p["b_a"]
        b = h @ p["w_b"] + p["b_b"]
        div = jnp.tanh(a) / (1.0 + jax.nn.sigmoid(b))
        sub = jax.nn.relu(a) - jnp.tanh(b)
        mul = jnp.tanh(a) * jax.nn.sigmoid(b)
        mx = jnp.maximum(jax.nn.relu6(a), jnp.tanh(b))
        mn = jnp.minimum(jnp.tanh(a), jax.nn.relu(b))
        h = jnp.concatenate([div, sub, mul, mx, mn], axis=-1) @ p["w_mix"] + p["b_mix"]
        total = jnp.sum(h, axis=-1, keepdims=True)
        peak = jnp.max(h, axis=-1, keepdims=True)
        mean = jnp.mean(h, axis=-1, keepdims=True)
        h = (h - mean) * jax.nn.sigmoid(peak) + 0.1 * total
        return h @ p["w_out"] + p["b_out"]

    return f, params, (8, 16)


def mobilenet_v3_block(rng):
    """conv stem + hard_swish; inverted residual: 1x1 expand, depthwise 3x3 + BN affine + hard_swish,
    squeeze-excite (mean pool, dense relu, dense hard_sigmoid, multiply), 1x1 project, residual add;
    global pool + dense head."""
    c, e, s = 16, 32, 8
    params = {"stem": _conv_init(rng, 3, 3, 3, c, gain=1.4), "stem_b": _normal(rng, c, scale=0.1),
              "expand": _conv_init(rng, 1, 1, c, e, gain=1.4), "expand_b": _normal(rng, e, scale=0.1),
              "dw": _normal(rng, 3, 3, 1, e, scale=0.4),
              "bn_scale": rng.uniform(0.5, 1.5, e).astype(np.float32), "bn_shift": _normal(rng, e, scale=0.1),
              "se_w1": _dense_init(rng, e, s, gain=1.4), "se_b1": _normal(rng, s, scale=0.1),
              "se_w2": _dense_init(rng, s, e, gain=1.4), "se_b2": _normal(rng, e, scale=0.1),
              "project": _conv_init(rng, 1, 1, e, c), "project_b": _normal(rng, c, scale=0.1),
              "head_w": _dense_init(rng, c, 10), "head_b": _normal(rng, 10, scale=0.1)}

    def f(p, x):
        stem = jax.nn.hard_swish(_conv(x, p["stem"], stride=2) + p["stem_b"])        # N,8,8,16
        h = jax.nn.hard_swish(_conv(stem, p["expand"]) + p["expand_b"])              # N,8,8,32
        h = _conv(h, p["dw"], groups=e)
        h = jax.nn.hard_swish(h * p["bn_scale"] + p["bn_shift"])
        squeezed = jnp.mean(h, axis=(1, 2))                                          # N,32
        excite = jax.nn.relu(squeezed @ p["se_w1"] + p["se_b1"])
        excite = jax.nn.hard_sigmoid(excite @ p["se_w2"] + p["se_b2"])
        h = h * excite[:, None, None, :]
        h = _conv(h, p["project"]) + p["project_b"]
        h = h + stem
        return jnp.mean(h, axis=(1, 2)) @ p["head_w"] + p["head_b"]

    return f, params, (2, 16, 16, 3)


def tiny_unet(rng):
    """conv, max pool, conv, avg pool, conv, nearest upsample, concat skip, conv, bilinear upsample,
    concat skip, pad, slice, conv output."""
    params = {"c1": _conv_init(rng, 3, 3, 3, 8, gain=1.4), "b1": _normal(rng, 8, scale=0.1),
              "c2": _conv_init(rng, 3, 3, 8, 16, gain=1.4), "b2": _normal(rng, 16, scale=0.1),
              "c3": _conv_init(rng, 3, 3, 16, 16, gain=1.4), "b3": _normal(rng, 16, scale=0.1),
              "c4": _conv_init(rng, 3, 3, 32, 8, gain=1.4), "b4": _normal(rng, 8, scale=0.1),
              "c5": _conv_init(rng, 3, 3, 16, 2), "b5": _normal(rng, 2, scale=0.1)}

    def f(p, x):
        n, hh, ww, _ = x.shape
        e1 = jax.nn.relu(_conv(x, p["c1"]) + p["b1"])                                  # N,16,16,8
        h = jax.lax.reduce_window(e1, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        e2 = jax.nn.relu(_conv(h, p["c2"]) + p["b2"])                                  # N,8,8,16
        h = jax.lax.reduce_window(e2, 0.0, jax.lax.add, (1, 2, 2, 1), (1, 2, 2, 1), "VALID") / 4.0
        h = jax.nn.relu(_conv(h, p["c3"]) + p["b3"])                                   # N,4,4,16
        h = jax.image.resize(h, (n, hh // 2, ww // 2, 16), "nearest")                  # N,8,8,16
        h = jnp.concatenate([h, e2], axis=-1)                                          # N,8,8,32
        h = jax.nn.relu(_conv(h, p["c4"]) + p["b4"])                                   # N,8,8,8
        h = jax.image.resize(h, (n, hh, ww, 8), "bilinear")                            # N,16,16,8
        h = jnp.concatenate([h, e1], axis=-1)                                          # N,16,16,16
        h = jnp.pad(h, ((0, 0), (2, 2), (2, 2), (0, 0)))                               # N,20,20,16
        h = h[:, 1:-1, 1:-1, :]                                                        # N,18,18,16
        return _conv(h, p["c5"], padding="VALID") + p["b5"]                           # N,16,16,2

    return f, params, (2, 16, 16, 3)


def _attention_params(rng, prefix, d):
    g1, b1 = _ln_params(rng, d)
    g2, b2 = _ln_params(rng, d)
    return {f"{prefix}ln1_g": g1, f"{prefix}ln1_b": b1,
            f"{prefix}w_qkv": _dense_init(rng, d, 3 * d), f"{prefix}b_qkv": _normal(rng, 3 * d, scale=0.05),
            f"{prefix}w_o": _dense_init(rng, d, d), f"{prefix}b_o": _normal(rng, d, scale=0.05),
            f"{prefix}ln2_g": g2, f"{prefix}ln2_b": b2,
            f"{prefix}w_up": _dense_init(rng, d, 2 * d), f"{prefix}b_up": _normal(rng, 2 * d, scale=0.05),
            f"{prefix}w_down": _dense_init(rng, 2 * d, d), f"{prefix}b_down": _normal(rng, d, scale=0.05)}


def _self_attention(p, prefix, x, heads, causal=False):
    b, s, d = x.shape
    qkv = x @ p[f"{prefix}w_qkv"] + p[f"{prefix}b_qkv"]
    q, k, v = jnp.split(qkv, 3, axis=-1)
    q, k, v = (t.reshape(b, s, heads, d // heads) for t in (q, k, v))
    scores = jnp.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(d // heads).astype(np.float32)
    if causal:
        mask = jnp.tril(jnp.ones((s, s), bool))
        scores = jnp.where(mask, scores, -jnp.inf)
    weights = jax.nn.softmax(scores, axis=-1)
    out = jnp.einsum("bhqk,bkhd->bqhd", weights, v).reshape(b, s, d)
    return out @ p[f"{prefix}w_o"] + p[f"{prefix}b_o"]


def _mlp(p, prefix, x):
    return jax.nn.gelu(x @ p[f"{prefix}w_up"] + p[f"{prefix}b_up"]) @ p[f"{prefix}w_down"] + p[f"{prefix}b_down"]


def transformer_encoder(rng):
    """post-LN encoder layer: position embedding (expand_dims), fused qkv dense split in three,
    4-head self-attention with einsum scores and softmax, output dense, residual, layer norm, gelu MLP,
    residual, layer norm (mean/var/rsqrt), dense output."""
    s, d, heads = 16, 32, 4
    params = {"pos": _normal(rng, s, d, scale=0.1), **_attention_params(rng, "", d),
              "w_out": _dense_init(rng, d, 8), "b_out": _normal(rng, 8, scale=0.05)}

    def f(p, x):
        x = x + jnp.expand_dims(p["pos"], 0)
        h = _layer_norm(x + _self_attention(p, "", x, heads), p["ln1_g"], p["ln1_b"])
        h = _layer_norm(h + _mlp(p, "", h), p["ln2_g"], p["ln2_b"])
        return h @ p["w_out"] + p["b_out"]

    return f, params, (2, s, d)


def gpt_block(rng):
    """token ids -> embedding gather + position embedding; pre-LN decoder block with causal
    (where -inf) softmax attention and gelu MLP; final layer norm; logits tied to the embedding."""
    vocab, s, d, heads = 64, 16, 32, 4
    params = {"embed": _normal(rng, vocab, d, scale=0.5), "pos": _normal(rng, s, d, scale=0.1),
              **_attention_params(rng, "", d)}
    params["lnf_g"], params["lnf_b"] = _ln_params(rng, d)

    def f(p, ids):
        x = jnp.take(p["embed"], ids, axis=0) + p["pos"][None]
        x = x + _self_attention(p, "", _layer_norm(x, p["ln1_g"], p["ln1_b"]), heads, causal=True)
        x = x + _mlp(p, "", _layer_norm(x, p["ln2_g"], p["ln2_b"]))
        return _layer_norm(x, p["lnf_g"], p["lnf_b"]) @ p["embed"].T

    return f, params, TokenIds((2, s), vocab)


ZOO = {"mlp": mlp, "convnet": convnet, "einsum_block": einsum_block,
       "activations_mlp": activations_mlp, "mobilenet_v3_block": mobilenet_v3_block, "tiny_unet": tiny_unet,
       "transformer_encoder": transformer_encoder, "gpt_block": gpt_block}


def build(name, seed=0):
    """(f, params, exported, calibration batches, test inputs) for a zoo model."""
    rng = np.random.default_rng(seed)
    f, params, spec = ZOO[name](rng)
    exported = jax.export.export(jax.jit(f))(params, np.zeros(input_shape(spec), input_dtype(spec)))
    calibration = [(sample_input(rng, spec),) for _ in range(16)]
    tests = [sample_input(rng, spec) for _ in range(16)]
    return f, params, exported, calibration, tests
