"""Ops that move stored integers without arithmetic (kernels/reshape.cc, transpose.cc,
concatenation.cc, pad.cc, slice.cc, strided_slice.cc, gather.cc, gather_nd.cc, reduce.cc's
REDUCE_MAX, broadcast_to.cc, split.cc, pack.cc, tile.cc): exact by construction. Output shapes come
from the `.tflite`, which is static."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from shloq.errors import UnsupportedOpError
from shloq.kernels import zero_point_of


def reshape(op, x, *shape):
    return jnp.reshape(jnp.asarray(x), op.outputs[0].shape)


def transpose(op, x, perm):
    return jnp.transpose(jnp.asarray(x), tuple(int(p) for p in np.asarray(perm)))


def concatenation(op, *xs):
    out = op.outputs[0]
    if out.quantized and any(t.quantized and (t.scale[0] != out.scale[0] or t.zero_point[0] != out.zero_point[0])
                             for t in op.inputs):
        raise UnsupportedOpError([("CONCATENATION", "the .tflite")], [f"emulate has no kernel for it of inputs on different grids"])
    return jnp.concatenate([jnp.asarray(x) for x in xs], axis=op.options["axis"] % len(out.shape))


def pad(op, x, paddings, value=None):
    out = op.outputs[0]
    if value is not None:
        fill = np.asarray(value).reshape(-1)[0]
    else:
        fill = zero_point_of(out) if out.quantized else 0
    widths = [tuple(int(v) for v in row) for row in np.asarray(paddings)]
    return jnp.pad(jnp.asarray(x), widths, constant_values=fill)


def slice_(op, x, begin, size):
    begin = [int(b) for b in np.asarray(begin)]
    size = [x.shape[i] - begin[i] if int(s) == -1 else int(s) for i, s in enumerate(np.asarray(size))]
    return jnp.asarray(x)[tuple(slice(b, b + s) for b, s in zip(begin, size))]


def strided_slice(op, x, begin, end, strides):
    opt = op.options
    if opt.get("ellipsisMask") or opt.get("newAxisMask") or opt.get("offset"):
        raise UnsupportedOpError([("STRIDED_SLICE", "the .tflite")], [f"emulate has no kernel for it with ellipsis or new-axis masks"])
    index = []
    for i, (b, e, s) in enumerate(zip(np.asarray(begin), np.asarray(end), np.asarray(strides))):
        b = None if opt.get("beginMask", 0) >> i & 1 else int(b)
        e = None if opt.get("endMask", 0) >> i & 1 else int(e)
        if opt.get("shrinkAxisMask", 0) >> i & 1:
            index.append(int(b))
        else:
            index.append(slice(b, e, int(s)))
    return jnp.reshape(jnp.asarray(x)[tuple(index)], op.outputs[0].shape)


def gather(op, params, indices):
    axis = op.options.get("axis", 0) % params.ndim
    if op.options.get("batchDims", 0):
        raise UnsupportedOpError([("GATHER", "the .tflite")], [f"emulate has no kernel for it with batch dimensions"])
    return jnp.take(jnp.asarray(params), jnp.asarray(indices), axis=axis)


def gather_nd(op, params, indices):
    indices = jnp.asarray(indices)
    depth = indices.shape[-1]
    return jnp.asarray(params)[tuple(indices[..., i] for i in range(depth))]


def reduce_max(op, x, axes):
    axes = tuple(sorted({int(a) % x.ndim for a in np.asarray(axes).reshape(-1)}))
    return jnp.reshape(jnp.max(jnp.asarray(x), axis=axes), op.outputs[0].shape)


def broadcast_to(op, x, shape):
    return jnp.broadcast_to(jnp.asarray(x), op.outputs[0].shape)


def tile(op, x, multiples):
    return jnp.tile(jnp.asarray(x), tuple(int(m) for m in np.asarray(multiples)))


def pack(op, *xs):
    return jnp.stack([jnp.asarray(x) for x in xs], axis=op.options.get("axis", 0))


def split(op, axis, x):
    return jnp.split(jnp.asarray(x), op.options["numSplits"], axis=int(np.asarray(axis).reshape(-1)[0]))


def resize_nearest_neighbor(op, x, size):
    """reference_ops `ResizeNearestNeighbor`: source index `min(floor((i + offset) * scale), in - 1)`
    with `scale = in / out` in float (`align_corners` scales (in - 1) / (out - 1)), `offset` 0.5
    with half-pixel centers."""
    opt = op.options
    indices = []
    for axis in (1, 2):
        n_in, n_out = x.shape[axis], op.outputs[0].shape[axis]
        align = opt.get("alignCorners", False)
        scale = np.float32((n_in - 1) / (n_out - 1) if align and n_out > 1 else n_in / n_out)
        offset = np.float32(0.5) if opt.get("halfPixelCenters", False) else np.float32(0.0)
        position = (np.arange(n_out, dtype=np.float32) + offset) * scale
        source = np.round(position) if align else np.floor(position)
        indices.append(np.minimum(source.astype(np.int64), n_in - 1))
    return jnp.asarray(x)[:, indices[0]][:, :, indices[1]]


KERNELS = {"RESHAPE": reshape, "SQUEEZE": reshape, "EXPAND_DIMS": reshape, "TRANSPOSE": transpose,
           "CONCATENATION": concatenation, "PAD": pad, "PADV2": pad, "SLICE": slice_,
           "STRIDED_SLICE": strided_slice, "GATHER": gather, "GATHER_ND": gather_nd, "REDUCE_MAX": reduce_max,
           "BROADCAST_TO": broadcast_to, "TILE": tile, "PACK": pack, "SPLIT": split,
           "RESIZE_NEAREST_NEIGHBOR": resize_nearest_neighbor}
