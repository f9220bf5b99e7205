"""MobileNetV2 (torchvision's ImageNet architecture) in Flax Linen, and the same network in plain JAX
with torch-style NCHW layout, as deep test models for quantization.

53 conv/dense layers: a 3x3 stride-2 stem, 17 inverted residual blocks (1x1 expand conv + BN + ReLU6,
3x3 depthwise conv, stride 1 or 2, + BN + ReLU6, 1x1 linear projection + BN, residual add when the
shape allows), a 1x1 conv to 1280 channels + BN + ReLU6, global average pool and a dense head.
Padding is torchvision's (1 on each side of a 3x3), not SAME. The weights are random (He init), and
so are the batch-norm statistics and affine parameters, so that folding BN into the convs matters.
`width` scales every channel count as torchvision's `width_mult` does; CI uses small widths and inputs.

The images are crops of scikit-learn's two sample photographs (shipped with the package),
normalised with ImageNet's mean and std.
"""
from __future__ import annotations

import dataclasses

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

# torchvision's inverted residual settings: expansion t, output channels c, repeats n, first stride s.
SETTINGS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
            (6, 320, 1, 1))
BN_EPS = 1e-5
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)


def make_divisible(v: float, divisor: int = 8) -> int:
    """torchvision's `_make_divisible`: round to a multiple of 8, never below 90% of `v`."""
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


@dataclasses.dataclass(frozen=True)
class Layer:
    """One conv/dense layer of the network, in order: kind is "conv", "depthwise" or "dense"."""
    name: str
    kind: str
    cin: int
    cout: int
    kernel: int = 1
    stride: int = 1
    relu6: bool = True


def architecture(width: float = 1.0, classes: int = 1000) -> list[list[Layer]]:
    """The layers, grouped: [stem], one group per inverted residual block, [last conv], [head]."""
    cin = make_divisible(32 * width)
    groups = [[Layer("stem", "conv", 3, cin, 3, 2)]]
    index = 0
    for t, c, n, s in SETTINGS:
        cout = make_divisible(c * width)
        for i in range(n):
            hidden = cin * t
            name = f"block{index}"
            block = [] if t == 1 else [Layer(f"{name}_expand", "conv", cin, hidden)]
            block += [Layer(f"{name}_depthwise", "depthwise", hidden, hidden, 3, s if i == 0 else 1),
                      Layer(f"{name}_project", "conv", hidden, cout, relu6=False)]
            groups.append(block)
            cin, index = cout, index + 1
    last = make_divisible(1280 * max(1.0, width))
    groups.append([Layer("last", "conv", cin, last)])
    groups.append([Layer("head", "dense", last, classes, relu6=False)])
    return groups


def _residual(block: list[Layer]) -> bool:
    depthwise = next(layer for layer in block if layer.kind == "depthwise")
    return depthwise.stride == 1 and block[0].cin == block[-1].cout


class MobileNetV2(nn.Module):
    """NHWC Flax Linen MobileNetV2; inference-mode batch norm (running statistics)."""
    width: float = 1.0
    classes: int = 1000

    @nn.compact
    def __call__(self, x):
        groups = architecture(self.width, self.classes)
        for group in groups[:-1]:
            inputs = x
            for layer in group:
                pad = (layer.kernel - 1) // 2
                x = nn.Conv(layer.cout, (layer.kernel, layer.kernel), strides=layer.stride,
                            padding=((pad, pad), (pad, pad)), use_bias=False,
                            feature_group_count=layer.cin if layer.kind == "depthwise" else 1, name=layer.name)(x)
                x = nn.BatchNorm(use_running_average=True, epsilon=BN_EPS, name=f"{layer.name}_bn")(x)
                if layer.relu6:
                    x = jax.nn.relu6(x)
            if len(group) > 1 and _residual(group):
                x = x + inputs
        x = jnp.mean(x, axis=(1, 2))
        return nn.Dense(self.classes, name="head")(x)


def init_variables(width: float = 1.0, classes: int = 1000, seed: int = 0) -> dict:
    """Random weights (torchvision's init: He normal over fan-out for convs, N(0, 0.01) for the head)
    and random batch-norm state: scale in [0.5, 1.5], shift ~ N(0, 0.1), running mean ~ N(0, 0.1),
    running variance in [0.5, 2]."""
    rng = np.random.default_rng(seed)
    params, stats = {}, {}
    for group in architecture(width, classes):
        for layer in group:
            if layer.kind == "dense":
                params[layer.name] = {"kernel": rng.normal(0, 0.01, (layer.cin, layer.cout)).astype(np.float32),
                                      "bias": rng.normal(0, 0.01, layer.cout).astype(np.float32)}
                continue
            cin = 1 if layer.kind == "depthwise" else layer.cin
            fan_out = layer.kernel * layer.kernel * layer.cout // (layer.cout if layer.kind == "depthwise" else 1)
            params[layer.name] = {"kernel": rng.normal(0, np.sqrt(2.0 / fan_out),
                                                       (layer.kernel, layer.kernel, cin, layer.cout)).astype(np.float32)}
            c = layer.cout
            params[f"{layer.name}_bn"] = {"scale": rng.uniform(0.5, 1.5, c).astype(np.float32),
                                          "bias": rng.normal(0, 0.1, c).astype(np.float32)}
            stats[f"{layer.name}_bn"] = {"mean": rng.normal(0, 0.1, c).astype(np.float32),
                                         "var": rng.uniform(0.5, 2.0, c).astype(np.float32)}
    return {"params": jax.tree_util.tree_map(jnp.asarray, params),
            "batch_stats": jax.tree_util.tree_map(jnp.asarray, stats)}


def linen_apply(width: float = 1.0, classes: int = 1000):
    """`f(variables, x)` for `jax.export`: x is NHWC float32."""
    model = MobileNetV2(width, classes)

    def apply(variables, x):
        return model.apply(variables, x)

    return apply


# ---------------------------------------------------------------------------------------- NCHW, plain JAX

def torch_params(variables: dict, width: float = 1.0, classes: int = 1000) -> dict:
    """The Linen variables in torch's layout: conv weights [out, in/groups, kh, kw], dense [out, in],
    batch norm as weight/bias/running_mean/running_var."""
    p, s = variables["params"], variables["batch_stats"]
    out = {}
    for group in architecture(width, classes):
        for layer in group:
            if layer.kind == "dense":
                out[layer.name] = {"weight": jnp.transpose(p[layer.name]["kernel"]), "bias": p[layer.name]["bias"]}
                continue
            bn = f"{layer.name}_bn"
            out[layer.name] = {"weight": jnp.transpose(p[layer.name]["kernel"], (3, 2, 0, 1)),
                               "bn": {"weight": p[bn]["scale"], "bias": p[bn]["bias"],
                                      "running_mean": s[bn]["mean"], "running_var": s[bn]["var"]}}
    return out


def nchw_apply(width: float = 1.0, classes: int = 1000):
    """`f(params, x)`: the same network as `MobileNetV2`, NCHW, written as torch would run it."""
    groups = architecture(width, classes)

    def conv_bn(p, layer, x):
        pad = (layer.kernel - 1) // 2
        x = jax.lax.conv_general_dilated(x, p["weight"], (layer.stride, layer.stride), ((pad, pad), (pad, pad)),
                                         dimension_numbers=("NCHW", "OIHW", "NCHW"),
                                         feature_group_count=layer.cin if layer.kind == "depthwise" else 1)
        bn = p["bn"]
        shape = (1, -1, 1, 1)
        x = ((x - bn["running_mean"].reshape(shape)) * jax.lax.rsqrt(bn["running_var"].reshape(shape) + BN_EPS)
             * bn["weight"].reshape(shape) + bn["bias"].reshape(shape))
        return jax.nn.relu6(x) if layer.relu6 else x

    def apply(params, x):
        for group in groups[:-1]:
            inputs = x
            for layer in group:
                x = conv_bn(params[layer.name], layer, x)
            if len(group) > 1 and _residual(group):
                x = x + inputs
        x = jnp.mean(x, axis=(2, 3))
        head = params["head"]
        return x @ head["weight"].T + head["bias"]

    return apply


# ---------------------------------------------------------------------------------------------- images

def images(n: int, size: int, seed: int = 0, layout: str = "NHWC") -> np.ndarray:
    """`n` random square crops of scikit-learn's sample photographs, resized to `size` by nearest
    sampling, ImageNet-normalised, float32."""
    from sklearn.datasets import load_sample_images

    photos = load_sample_images().images
    rng = np.random.default_rng(seed)
    out = np.empty((n, size, size, 3), np.float32)
    for i in range(n):
        photo = photos[rng.integers(len(photos))]
        side = int(rng.integers(min(size, 160), min(photo.shape[:2]) + 1))
        top, left = rng.integers(photo.shape[0] - side + 1), rng.integers(photo.shape[1] - side + 1)
        crop = photo[top:top + side, left:left + side].astype(np.float32) / 255.0
        rows = (np.arange(size) * side // size)
        out[i] = crop[rows][:, rows]
    out = (out - IMAGENET_MEAN) / IMAGENET_STD
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2)) if layout == "NCHW" else out


def layer_count(width: float = 1.0, classes: int = 1000) -> int:
    return sum(len(group) for group in architecture(width, classes))
