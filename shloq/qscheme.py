"""Quantization arithmetic shared by conversion, emulation and calibration: one formula each."""
from __future__ import annotations

import dataclasses

import numpy as np

QTYPES = {"int8": "i8"}
STORAGE_RANGE = {"i8": (-128, 127)}
NARROW_RANGE = {"i8": (-127, 127)}


def storage_type(qtype: str) -> str:
    """`int8` (rule spelling) -> `i8` (MLIR spelling)."""
    return QTYPES.get(qtype, qtype)


def activation_qparams(lo: float, hi: float, dtype: str = "i8") -> tuple[float, int]:
    """Asymmetric per-tensor (scale, zero point) for the range [lo, hi], widened to hold 0 exactly.

    A zero-width range (a constant tensor) still gets a valid scale."""
    qmin, qmax = STORAGE_RANGE[dtype]
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"range [{lo}, {hi}] is not finite")
    scale = float(np.float32((hi - lo) / (qmax - qmin)))
    if scale <= np.finfo(np.float32).tiny * 1e6:
        scale = 1.0 / (qmax - qmin)
    zero_point = int(np.clip(round_half_away(qmin - lo / scale), qmin, qmax))
    return scale, zero_point


def weight_scales(weight: np.ndarray, axis: int, dtype: str = "i8") -> np.ndarray:
    """Symmetric narrow-range scales per slice along `axis` (all-zero slices get scale 1).

    The scale is absmax / (qmax + 0.5), as Qwix's ODML mode has it: absmax lands on qmax + 0.5 and
    saturates to qmax, an error of exactly half a step, so no weight errs by more than half a
    step of a grid finer than absmax / qmax gives."""
    qmax = NARROW_RANGE[dtype][1]
    reduce_axes = tuple(d for d in range(weight.ndim) if d != axis)
    amax = np.max(np.abs(weight), axis=reduce_axes).astype(np.float64)
    return np.where(amax > 0, amax / (qmax + 0.5), 1.0).astype(np.float32)


def round_half_away(x):
    """Rounding as LiteRT's kernels do it (std::round): halves away from zero."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def quantized_type(dtype: str, scale, zero_point=0, axis: int | None = None, narrow: bool = False) -> str:
    """`!quant.uniform` element type text; per-axis when `axis` is given (then scale is a vector)."""
    storage = dtype
    if narrow:
        lo, hi = NARROW_RANGE[dtype]
        storage = f"{dtype}<{lo}:{hi}>"
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
    """Parameters of the marker with `attrs` (see `interpreter.marker_attrs`): weights from their
    values, fixed-range sites from the catalogue, activations from `ranges` or their own min/max."""
    dtype = attrs["dtype"]
    if attrs["kind"] == "weight":
        return SiteQParams(dtype, weight_scales(weight, attrs["axis"], dtype), 0, attrs["axis"], narrow=True)
    if attrs["kind"] == "fixed":
        return SiteQParams(dtype, np.float32(attrs["scale"]), int(attrs["zero_point"]))
    lo_hi = ranges.get(attrs["site"])
    if lo_hi is None and "min" in attrs:
        lo_hi = (attrs["min"], attrs["max"])
    if lo_hi is None:
        raise MissingRangeError(f"site {attrs['site']} has no calibrated range")
    scale, zero_point = activation_qparams(*lo_hi, dtype)
    return SiteQParams(dtype, np.float32(scale), zero_point)
