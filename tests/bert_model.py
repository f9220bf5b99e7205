"""A small BERT-style sentence encoder written the way BERT code writes it: token ids and an int32
attention mask as inputs, the mask turned into an additive bias inside the model, masked mean
pooling and an L2 normalisation (as sentence-transformers runs MiniLM)."""
import jax
import jax.numpy as jnp
import numpy as np

VOCAB, SEQ, D, HEADS, FFN, LAYERS = 64, 8, 32, 2, 64, 2


def params(rng):
    def normal(*shape, scale=0.2):
        return (rng.normal(size=shape) * scale).astype(np.float32)

    def norm():
        return {"scale": (1.0 + rng.normal(size=D) * 0.1).astype(np.float32), "bias": normal(D, scale=0.05)}

    p = {"word": normal(VOCAB, D, scale=0.5), "position": normal(SEQ, D, scale=0.1), "embed_norm": norm()}
    for i in range(LAYERS):
        p[f"layer_{i}"] = {name: {"kernel": normal(*shape), "bias": normal(shape[1], scale=0.05)}
                           for name, shape in [("q", (D, D)), ("k", (D, D)), ("v", (D, D)), ("o", (D, D)),
                                               ("ffn_in", (D, FFN)), ("ffn_out", (FFN, D))]}
        p[f"layer_{i}"].update(attn_norm=norm(), ffn_norm=norm())
    return p


def _layer_norm(x, p):
    mean = jnp.mean(x, -1, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), -1, keepdims=True)
    return (x - mean) * jax.lax.rsqrt(var + 1e-12) * p["scale"] + p["bias"]


def _dense(x, p):
    return x @ p["kernel"] + p["bias"]


def encoder(fill):
    """`fill` is the masked score: -1e4 (BERT) or jnp.finfo(jnp.float32).min (newer HF code)."""

    def apply(p, ids, mask):
        m = mask.astype(jnp.float32)
        bias = (1.0 - m)[:, None, None, :] * fill
        x = _layer_norm(jnp.take(p["word"], ids, axis=0, mode="clip") + p["position"][None], p["embed_norm"])
        b, s, _ = x.shape
        for i in range(LAYERS):
            lp = p[f"layer_{i}"]
            split = lambda t: t.reshape(b, s, HEADS, D // HEADS)
            q, k, v = (split(_dense(x, lp[n])) for n in ("q", "k", "v"))
            scores = jnp.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(D // HEADS) + bias
            context = jnp.einsum("bhqk,bkhd->bqhd", jax.nn.softmax(scores, -1), v).reshape(b, s, D)
            x = _layer_norm(x + _dense(context, lp["o"]), lp["attn_norm"])
            h = jax.nn.gelu(_dense(x, lp["ffn_in"]), approximate=False)
            x = _layer_norm(x + _dense(h, lp["ffn_out"]), lp["ffn_norm"])
        pooled = jnp.sum(x * m[..., None], 1) / jnp.maximum(jnp.sum(m[..., None], 1), 1e-9)
        return pooled / jnp.maximum(jnp.linalg.norm(pooled, axis=-1, keepdims=True), 1e-12)

    return apply


def inputs(rng, batch=4):
    """(ids, mask): int32 [batch, SEQ]; each row keeps 2..SEQ tokens, the rest padding (id 0)."""
    lengths = rng.integers(2, SEQ + 1, size=(batch, 1))
    mask = (np.arange(SEQ)[None, :] < lengths).astype(np.int32)
    ids = (rng.integers(1, VOCAB, size=(batch, SEQ)) * mask).astype(np.int32)
    return ids, mask
