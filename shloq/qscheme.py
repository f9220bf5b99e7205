"""Quantization arithmetic shared by conversion, emulation, calibration and QAT: one formula each.

The array formulas take `xp` (numpy, or jax.numpy when QAT computes scales inside the graph)."""
from __future__ import annotations

import dataclasses
import re

import numpy as np

QTYPES = {"int8": "i8", "int16": "i16", "int4": "i4"}
# Activations quantized by LiteRT at run time (dynamic range): the model stores int8 weights, and
# the converter gives their ops hybrid kernels that quantize each input row as they run.
DYNAMIC = "dynamic"
ACT_QTYPES = ("int8", "int16", DYNAMIC)
WEIGHT_QTYPES = ("int8", "int4")    # LiteRT's kernels take int8 weights, also under int16 activations (16x8)
STORAGE_RANGE = {"i4": (-8, 7), "i8": (-128, 127), "i16": (-32768, 32767)}
NARROW_RANGE = {"i4": (-7, 7), "i8": (-127, 127), "i16": (-32767, 32767)}
SYMMETRIC_ACTIVATIONS = ("i16",)  # LiteRT's 16x8 kernels require a zero point of 0


def storage_type(qtype: str) -> str:
    """`int8` (rule spelling) -> `i8` (MLIR spelling)."""
    return QTYPES.get(qtype, qtype)


def activation_storage(act_qtype: str | None) -> str | None:
    """The storage type of the activation sites a rule's `act_qtype` asks for: None when the rule
    keeps activations float in the graph (weight-only, or quantized by LiteRT at run time)."""
    return None if act_qtype in (None, DYNAMIC) else storage_type(act_qtype)


def activation_qparams(lo: float, hi: float, dtype: str = "i8", symmetric: bool = False) -> tuple[float, int]:
    """Asymmetric per-tensor (scale, zero point) for the range [lo, hi], widened to hold 0 exactly
    (symmetric, zero point 0, with `symmetric` or for int16).

    A zero-width range (a constant tensor) still gets a valid scale."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"range [{lo}, {hi}] is not finite")
    scale, zero_point = activation_qparams_array(np.float64(lo), np.float64(hi), dtype, np, symmetric)
    return float(scale), int(zero_point)


def symmetric_grid(attrs: dict) -> bool:
    """Whether the activation site of a marker with `attrs` has zero point 0: int16 ones (16x8) and
    int8 ones shloq-mark-sites made symmetric (second BATCH_MATMUL operands, for XNNPACK)."""
    return attrs["dtype"] in SYMMETRIC_ACTIVATIONS or bool(attrs.get("symmetric"))


def activation_qparams_array(lo, hi, dtype: str = "i8", xp=np, symmetric: bool = False):
    """`activation_qparams` on arrays: (float32 scale, zero point as a float holding an integer).
    Symmetric grids (int16 activations always) widen the range to [-m, m], zero point 0."""
    qmin, qmax = STORAGE_RANGE[dtype]
    lo, hi = xp.minimum(lo, 0.0), xp.maximum(hi, 0.0)
    symmetric = symmetric or dtype in SYMMETRIC_ACTIVATIONS
    if symmetric:
        hi = xp.maximum(hi, -lo)
        lo, qmin = -hi, -qmax
    scale = ((hi - lo) / (qmax - qmin)).astype(np.float32)
    scale = xp.where(scale <= np.finfo(np.float32).tiny * 1e6, np.float32(1.0 / (qmax - qmin)), scale)
    if symmetric:  # zero point 0 also for an all-zero range (a zero bias), where the formula gives qmin
        zero_point = xp.zeros_like(scale)
    else:
        zero_point = xp.clip(round_half_away(qmin - lo / scale, xp), qmin, qmax)
    if dtype in SYMMETRIC_ACTIVATIONS:
        scale = off_power_of_two(scale, xp)
    return scale, zero_point


# LiteRT's int16 ADD/SUB take a special path when all three scales are powers of two (within
# 1e-3 in log2, `CheckedLog2`), which needs one input at the output scale and fails to prepare
# otherwise (`1 + sigmoid(x)`: 1/32767, 1/32768 and 2/32767). Calibrated int16 scales keep clear
# of powers of two, so one of the three never is one.
POWER_OF_TWO_TOLERANCE = 1e-3
POWER_OF_TWO_NUDGE = 4e-3  # in log2: the scale grows by 0.3% at most


def off_power_of_two(scale, xp=np):
    """`scale`, widened to clear the power-of-two test of LiteRT's int16 ADD/SUB when it passes it."""
    log2 = xp.log2(scale.astype(np.float64) if xp is np else scale)
    near = xp.abs(log2 - xp.round(log2)) < 2 * POWER_OF_TWO_TOLERANCE
    nudged = (scale * np.float32(2.0 ** POWER_OF_TWO_NUDGE)).astype(np.float32)
    return xp.where(near, nudged, scale).astype(np.float32)


def weight_scales(weight, axis: int | None, dtype: str = "i8", xp=np):
    """Symmetric narrow-range scales per slice along `axis`, or one for the tensor when `axis` is
    None (all-zero slices get scale 1).

    The scale is absmax / (qmax + 0.5), as Qwix's ODML mode has it: absmax lands on qmax + 0.5 and
    saturates to qmax, an error of exactly half a step, so no weight errs by more than half a
    step of a grid finer than absmax / qmax gives."""
    qmax = NARROW_RANGE[dtype][1]
    reduce_axes = tuple(d for d in range(weight.ndim) if d != axis)  # all of them when axis is None
    amax = xp.max(xp.abs(weight), axis=reduce_axes)
    if xp is np:
        amax = amax.astype(np.float64)
    return xp.where(amax > 0, amax / (qmax + 0.5), 1.0).astype(np.float32)


def round_half_away(x, xp=np):
    """Rounding as LiteRT's kernels do it (std::round): halves away from zero."""
    return xp.sign(x) * xp.floor(xp.abs(x) + 0.5)


# litert-converter 0.5.0 leaves i4 QDQ pairs unconverted (a float BATCH_MATMUL and no export), so
# int4 weights reach it as i8 storage limited to [-7, 7], a range nothing else uses;
# the post-conversion pass shloq-tfl-int4-weights makes those constants i4 (export packs them).
CONVERTER_STORAGE = {"i4": "i8"}


def quantized_type(dtype: str, scale, zero_point=0, axis: int | None = None, narrow: bool = False) -> str:
    """`!quant.uniform` element type text as the converter takes it (see CONVERTER_STORAGE);
    per-axis when `axis` is given (then scale is a vector)."""
    storage = CONVERTER_STORAGE.get(dtype, dtype)
    if narrow:
        lo, hi = NARROW_RANGE[dtype]
        storage = f"{storage}<{lo}:{hi}>"
    if axis is None:
        return f"!quant.uniform<{storage}:f32, {float(scale)!r}:{int(zero_point)}>"
    params = ",".join(f"{float(s)!r}" for s in np.asarray(scale, np.float32))
    return f"!quant.uniform<{storage}:f32:{axis}, {{{params}}}>"


@dataclasses.dataclass(frozen=True)
class SiteQParams:
    """Resolved quantization parameters of one site marker."""
    dtype: str
    scale: np.ndarray      # scalar, or one per channel along `axis`
    zero_point: int
    axis: int | None = None
    narrow: bool = False

    @property
    def qrange(self) -> tuple[int, int]:
        return (NARROW_RANGE if self.narrow else STORAGE_RANGE)[self.dtype]

    def type_text(self) -> str:
        return quantized_type(self.dtype, self.scale, self.zero_point, self.axis, self.narrow)


class MissingRangeError(ValueError):
    pass


def site_qparams(attrs: dict, ranges: dict, weight: np.ndarray | None = None) -> SiteQParams:
    """Parameters of the marker with `attrs` (see `sites.marker_attrs`): weights from their
    values, fixed-range sites from the catalogue, activations from `ranges` or their own min/max."""
    dtype = attrs["dtype"]
    if attrs["kind"] == "weight":
        scales = weight_scales(weight, attrs.get("axis"), dtype)
        if scales.size == 1:  # per-tensor, or one output channel: per-tensor, as LiteRT then expects
            return SiteQParams(dtype, np.float32(scales.reshape(())), 0, None, narrow=True)
        return SiteQParams(dtype, scales, 0, attrs["axis"], narrow=True)
    if attrs["kind"] == "fixed":
        return SiteQParams(dtype, np.float32(attrs["scale"]), int(attrs["zero_point"]))
    lo_hi = ranges.get(attrs["site"])
    if lo_hi is None and "min" in attrs:
        lo_hi = (attrs["min"], attrs["max"])
    if lo_hi is None:
        raise MissingRangeError(f"site {attrs['site']} has no calibrated range")
    scale, zero_point = activation_qparams(*lo_hi, dtype, symmetric_grid(attrs))
    return SiteQParams(dtype, np.float32(scale), zero_point)


_QUANTIZED_TYPE = re.compile(r"!quant\.uniform<(?P<dtype>i8|i16|i32)(?:<(?P<lo>-?\d+):(?P<hi>-?\d+)>)?:f32"
                             r"(?::(?P<axis>\d+))?, (?:\{(?P<scales>[^}]*)\}|(?P<scale>[^:>]+)(?::(?P<zero_point>-?\d+))?)>")


def parse_quantized_type(text: str) -> SiteQParams | None:
    """The parameters of a `!quant.uniform` element type as `quantized_type` spells them and MLIR
    prints them back (a zero point of 0 left out), int32 biases included; None for another type or
    a per-axis one with non-zero zero points."""
    found = _QUANTIZED_TYPE.fullmatch(text)
    if found is None:
        return None
    dtype = found["dtype"]
    narrow = found["lo"] is not None and (int(found["lo"]), int(found["hi"])) == NARROW_RANGE[dtype]
    if found["lo"] is not None and not narrow and (int(found["lo"]), int(found["hi"])) != STORAGE_RANGE[dtype]:
        return None
    if found["scales"] is None:
        return SiteQParams(dtype, np.float64(found["scale"]), int(found["zero_point"] or 0), None, narrow)
    params = [p.split(":") for p in found["scales"].split(",")]
    if any(len(p) > 1 and int(p[1]) != 0 for p in params):
        return None
    return SiteQParams(dtype, np.array([float(p[0]) for p in params]), 0, int(found["axis"]), narrow)


def quantize_constant(value: np.ndarray, q: SiteQParams) -> np.ndarray:
    """A constant's stored integers on `q`'s grid, as the LiteRT converter (litert-converter 0.5.0)
    computes them when it folds a `uniform_quantize` of a constant: value / scale in float64,
    rounded half away from zero, plus the zero point, saturated (bit-identical on MiniLM's weights
    and embedding table and the test zoo's)."""
    scale = np.asarray(q.scale, np.float64)
    if q.axis is not None:
        shape = [1] * value.ndim
        shape[q.axis] = -1
        scale = scale.reshape(shape)
    ints = np.clip(round_half_away(value.astype(np.float64) / scale) + q.zero_point, *q.qrange)
    return ints.astype(np.int8 if q.dtype == "i8" else np.int16)
