"""Models of the families Qwix's ODML tests cover, written here in our own words.

Each builder returns a `ZooModel`: `apply(params, *inputs)`, its params, input shapes and what
shloq must do with it: "convert" (full integer, close to float) or "refuse" (a ShloqError naming
the op). The permuted einsum, which the LiteRT converter miscompiles as written, converts correctly
since shloq-canonicalize-dots orders its dimensions.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx


@dataclasses.dataclass
class ZooModel:
    apply: Callable
    params: object
    input_shapes: list[tuple[int, ...]]
    expect: str = "convert"
    refused_op: str = ""                      # for "refuse": the op the error must name
    input_dtypes: list = dataclasses.field(default_factory=list)

    def inputs(self, rng) -> tuple:
        dtypes = self.input_dtypes or [np.float32] * len(self.input_shapes)
        return tuple(_sample(rng, shape, dtype) for shape, dtype in zip(self.input_shapes, dtypes))


def _sample(rng, shape, dtype):
    if dtype == np.uint32:  # a raw PRNG key
        return rng.integers(0, 2 ** 32, size=shape, dtype=np.uint32)
    return rng.normal(size=shape).astype(dtype)


def _linen(module, shapes, key=0, **apply_kwargs):
    """A Linen module with its initialized variables as params."""
    variables = module.init(jax.random.PRNGKey(key), *[jnp.zeros(s, jnp.float32) for s in shapes])
    return ZooModel(lambda v, *xs: module.apply(v, *xs, **apply_kwargs), variables, list(shapes))


# ---- MLPs -----------------------------------------------------------------------------------------

class _LinenMLP(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.relu(nn.Dense(32)(x))
        x = nn.relu(nn.Dense(16)(x))
        return nn.Dense(4)(x)


def linen_mlp():
    return _linen(_LinenMLP(), [(8, 12)])


class _NnxMLP(nnx.Module):
    def __init__(self, rngs):
        self.up = nnx.Linear(12, 24, rngs=rngs)
        self.down = nnx.Linear(24, 6, rngs=rngs)

    def __call__(self, x):
        return self.down(nnx.silu(self.up(x)))


def nnx_mlp():
    graphdef, state = nnx.split(_NnxMLP(nnx.Rngs(1)))
    return ZooModel(lambda s, x: nnx.merge(graphdef, s)(x), state, [(8, 12)])


# ---- einsums with multi-axis and permuted kernels ----------------------------------------------------

class _MultiAxisEinsum(nn.Module):
    """Attention-style projections: a kernel with two output axes, then one with two contracted axes."""
    @nn.compact
    def __call__(self, x):
        heads = nn.Einsum((12, 3, 4), "BTD,DNH->BTNH")(x)
        return nn.Einsum((3, 4, 12), "BTNH,NHD->BTD")(nn.relu(heads))


def einsum_multi_axis():
    return _linen(_MultiAxisEinsum(), [(2, 5, 12)])


class _PermutedEinsum(nn.Module):
    """The kernel's axes in another order than the input's: the contraction batches over C."""
    @nn.compact
    def __call__(self, x):
        return nn.Einsum((8, 3, 4, 5), "ABCD,DECF->ABEF", use_bias=False)(x)


def einsum_permuted():
    return _linen(_PermutedEinsum(), [(2, 6, 4, 8)])


# ---- shared and sibling modules -------------------------------------------------------------------

class _SharedSibling(nn.Module):
    """One Dense applied twice (shared weights) and two sibling Denses reading the same tensor."""
    @nn.compact
    def __call__(self, x):
        shared = nn.Dense(16, name="shared")
        h = nn.relu(shared(x))
        left, right = nn.Dense(16, name="left")(h), nn.Dense(16, name="right")(h)
        return shared(nn.relu(left) + right)


def shared_and_sibling():
    return _linen(_SharedSibling(), [(8, 16)])


# ---- group norm + SiLU ----------------------------------------------------------------------------

class _GroupNormSiLU(nn.Module):
    @nn.compact
    def __call__(self, x):
        h = nn.Conv(8, (3, 3))(x)
        h = nn.silu(nn.GroupNorm(num_groups=4)(h))
        return nn.Conv(4, (3, 3))(h)


def groupnorm_silu():
    return _linen(_GroupNormSiLU(), [(2, 8, 8, 3)])


# ---- dropout ----------------------------------------------------------------------------------------

class _Dropout(nn.Module):
    deterministic: bool

    @nn.compact
    def __call__(self, x):
        h = nn.relu(nn.Dense(16)(x))
        h = nn.Dropout(0.5, deterministic=self.deterministic)(h)
        return nn.Dense(4)(h)


def dropout_train():
    """deterministic=False with a fixed key: the mask is a constant of the key."""
    return _linen(_Dropout(False), [(8, 12)], rngs={"dropout": jax.random.PRNGKey(7)})


def dropout_eval():
    return _linen(_Dropout(True), [(8, 12)])


def dropout_key_input():
    """deterministic=False with the key an input: random bits are computed on device, which LiteRT's
    integer kernels cannot do; refused by name."""
    module = _Dropout(False)
    variables = module.init(jax.random.PRNGKey(0), jnp.zeros((8, 12)))

    def apply(v, x, key):
        return module.apply(v, x, rngs={"dropout": jax.random.wrap_key_data(key)})

    return ZooModel(apply, variables, [(8, 12), (2,)], expect="refuse", refused_op="stablehlo.",
                    input_dtypes=[np.float32, np.uint32])


def bernoulli_mask():
    """The cut-down crash: a product with `jax.random.bernoulli` of a fixed key."""
    w = np.random.default_rng(3).normal(size=(12, 12)).astype(np.float32) * 0.3
    key = jax.random.PRNGKey(5)
    return ZooModel(lambda p, x: (x @ p["w"]) * jax.random.bernoulli(key, 0.5, (8, 12)), {"w": w}, [(8, 12)])


def normal_noise():
    """The cut-down crash: a sum with `jax.random.normal` of a fixed key."""
    w = np.random.default_rng(4).normal(size=(12, 12)).astype(np.float32) * 0.3
    key = jax.random.PRNGKey(6)
    return ZooModel(lambda p, x: x @ p["w"] + 0.1 * jax.random.normal(key, (8, 12)), {"w": w}, [(8, 12)])


# ---- dense + concat + residual ---------------------------------------------------------------------

class _DenseConcatResidual(nn.Module):
    @nn.compact
    def __call__(self, x):
        a, b = nn.relu(nn.Dense(8)(x)), nn.tanh(nn.Dense(8)(x))
        h = jnp.concatenate([a, b], axis=-1)
        return nn.Dense(4)(nn.relu(x + nn.Dense(16)(h)))


def dense_concat_residual():
    return _linen(_DenseConcatResidual(), [(8, 16)])


# ---- U-Net with two inputs --------------------------------------------------------------------------

class _UNet(nn.Module):
    """An image and a conditioning vector (a diffusion step's embedding, say)."""
    @nn.compact
    def __call__(self, x, cond):
        skip = nn.relu(nn.Conv(8, (3, 3))(x))
        h = nn.relu(nn.Conv(16, (3, 3), strides=(2, 2))(skip))
        h = h + nn.Dense(16)(cond)[:, None, None, :]
        h = nn.relu(nn.Conv(16, (3, 3))(h))
        n, hh, ww, c = h.shape
        h = jax.image.resize(h, (n, hh * 2, ww * 2, c), "nearest")
        h = jnp.concatenate([h, skip], axis=-1)
        return nn.Conv(2, (1, 1))(nn.relu(nn.Conv(8, (3, 3))(h)))


def unet_two_inputs():
    return _linen(_UNet(), [(2, 8, 8, 3), (2, 6)])


# ---- VAE with its reparameterisation noise; pytree outputs -----------------------------------------------

class _VAE(nn.Module):
    @nn.compact
    def __call__(self, x):
        h = nn.relu(nn.Dense(16)(x))
        mean, log_var = nn.Dense(4, name="mean")(h), nn.Dense(4, name="log_var")(h)
        noise = jax.random.normal(jax.random.PRNGKey(11), mean.shape)
        z = mean + jnp.exp(0.5 * log_var) * noise
        recon = nn.sigmoid(nn.Dense(12)(nn.relu(nn.Dense(16)(z))))
        return {"recon": recon, "mean": mean, "log_var": log_var}


def vae():
    return _linen(_VAE(), [(8, 12)])


class _PytreeOut(nn.Module):
    @nn.compact
    def __call__(self, x):
        h = nn.relu(nn.Dense(16)(x))
        return {"logits": nn.Dense(5)(h), "aux": (nn.Dense(3)(h), jnp.mean(h, axis=-1))}


def pytree_outputs():
    return _linen(_PytreeOut(), [(8, 12)])


MODELS = {f.__name__: f for f in (linen_mlp, nnx_mlp, einsum_multi_axis, einsum_permuted, shared_and_sibling,
                                   groupnorm_silu, dropout_train, dropout_eval, dropout_key_input, bernoulli_mask,
                                   normal_noise, dense_concat_residual, unet_two_inputs, vae, pytree_outputs)}
RNG_MODELS = ("dropout_train", "bernoulli_mask", "normal_noise", "vae")
