"""Calibration: run the instrumented module over sample batches and record each site's range."""
from __future__ import annotations

import dataclasses
import json
import os

import jax
import jax.numpy as jnp
import numpy as np
from litert_converter.mlir import ir
from tqdm.auto import tqdm

from shloq import mlir
from shloq.errors import CalibrationError, InputError
from shloq.passes.mark_sites import CLAMPED_CONSTANT
from shloq.qscheme import STORAGE_RANGE, SYMMETRIC_ACTIVATIONS
from shloq.sites import is_site_marker, marker_attrs, marker_behind

METHODS = ("minmax", "average_minmax", "percentile", "mse")


@dataclasses.dataclass
class Stats:
    """Calibrated activation ranges, keyed by site id (the `shloq.site` of the markers)."""
    sites: dict[int, tuple[float, float]]
    method: str
    batches: int
    fingerprint: str = ""
    names: dict[int, str] = dataclasses.field(default_factory=dict)
    # The first calibration batch (the module's inputs) and the float model's outputs on it, which
    # `convert` compares the .tflite with to catch a miscompiled model; in memory only, `save`
    # leaves them out.
    sample: list | None = dataclasses.field(default=None, repr=False, compare=False)
    sample_outputs: list | None = dataclasses.field(default=None, repr=False, compare=False)

    def save(self, path: str | os.PathLike) -> None:
        from shloq.files import write_atomically

        payload = {"method": self.method, "batches": self.batches, "fingerprint": self.fingerprint,
                   "sites": {str(k): list(v) for k, v in self.sites.items()},
                   "names": {str(k): v for k, v in self.names.items()}}
        write_atomically(path, json.dumps(payload, indent=1).encode())

    @classmethod
    def from_quant_stats(cls, qstats) -> "Stats":
        """The ranges QAT's quant stats hold (`{"site_N": {"sum_min", "sum_max", "count"}}`)."""
        sites, counts = {}, []
        for key, stats in qstats.items():
            count = float(stats["count"])
            if count < 1:
                raise InputError(f"quant stats {key} were never updated: run QatModel.apply with update_stats=True")
            sites[int(key.rsplit("_", 1)[1])] = (float(stats["sum_min"]) / count, float(stats["sum_max"]) / count)
            counts.append(int(count))
        return cls(sites, "qat", max(counts, default=0))

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Stats":
        try:
            with open(path) as f:
                data = json.load(f)
            return cls({int(k): tuple(v) for k, v in data["sites"].items()}, data["method"], data["batches"],
                       data.get("fingerprint", ""), {int(k): v for k, v in data.get("names", {}).items()})
        except OSError as err:
            raise InputError(f"cannot read stats from {os.fspath(path)}: {err.strerror}") from None
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise InputError(f"{os.fspath(path)} holds no shloq stats (Stats.save JSON): "
                             f"{type(err).__name__}: {err}") from None


def result_stats(func) -> list[tuple[int, str, str]]:
    """(site, stat, what it measures) for each result the instrument pass added, in result order."""
    if "res_attrs" not in func.attributes:
        return []
    found = []
    for attrs in ir.ArrayAttr(func.attributes["res_attrs"]):
        attrs = ir.DictAttr(attrs)
        if "shloq.site" in attrs:
            found.append((ir.IntegerAttr(attrs["shloq.site"]).value, ir.StringAttr(attrs["shloq.stat"]).value,
                          ir.StringAttr(attrs["shloq.where"]).value))
    return found


def accumulate(program, stat_layout, batches, input_specs, method: str, percentile: float, progress: bool,
               site_grids: dict[int, tuple[str, bool]], total: int | None = None, first_outputs: list | None = None,
               constants=(), histograms: dict | None = None):
    """Runs `program(*inputs, *constants)` jitted over `batches` and reduces the per-batch
    statistics to ranges (`constants`: see `Program.with_constants_as_arguments`).
    `site_grids` gives each site's storage type (`i8`, `i16`) and whether its grid is symmetric,
    which `mse` fits its grid to; the
    progress bar shows `total` batches when it is known; the model's own outputs on the first batch
    are appended to `first_outputs` when given. With `mse`, `histograms` (when given) receives each
    site's merged histogram, so that ranges for another storage type need no second pass."""
    if method not in METHODS:
        raise InputError(f"unknown calibration method {method!r}; use one of {', '.join(METHODS)}")
    if method == "mse":
        return _mse_ranges(program, stat_layout, batches, input_specs, progress, site_grids, total, first_outputs,
                           constants, histograms)
    run = jax.jit(program)
    n_stats = len(stat_layout)
    lows: dict[int, list] = {}
    highs: dict[int, list] = {}
    count = 0
    for batch in tqdm(batches, desc="calibrating", unit="batch", total=total, disable=not progress):
        batch = check_batch(batch, input_specs, count)
        results = run(*batch, *constants)
        if first_outputs is not None and count == 0:
            first_outputs.extend(np.asarray(v) for v in jax.device_get(results[:len(results) - n_stats]))
        outputs = results[-n_stats:] if n_stats else ()
        # Markers sharing a site (an op and its shared-scale consumers) are one tensor's range:
        # combine them within the batch first, so averaging runs over batches only.
        batch_lo, batch_hi, batch_values, batch_floor = {}, {}, {}, {}
        for (site, stat, _), value in zip(stat_layout, jax.device_get(outputs)):
            value = np.asarray(value, np.float64)
            if stat == "values":
                batch_values.setdefault(site, []).append(value[np.isfinite(value)])
            elif stat == "min":
                batch_lo[site] = min(batch_lo.get(site, np.inf), float(value))
            elif stat == "floor":
                batch_floor[site] = min(batch_floor.get(site, np.inf), float(value))
            else:
                batch_hi[site] = max(batch_hi.get(site, -np.inf), float(value))
        for site, values in batch_values.items():
            values = np.concatenate(values)
            if values.size:
                batch_lo[site], batch_hi[site] = np.percentile(values, [100 - percentile, percentile])
        for site, floor in batch_floor.items():  # see InstrumentPass: a softmax input's useful range
            if np.isfinite(floor) and site in batch_lo:
                batch_lo[site] = max(batch_lo[site], floor)
        for site in batch_lo:
            lows.setdefault(site, []).append(batch_lo[site])
            highs.setdefault(site, []).append(batch_hi[site])
        count += 1
    if count == 0:
        raise CalibrationError("the calibration data is empty: give at least one batch")
    reduce_lo, reduce_hi = (np.min, np.max) if method == "minmax" else (np.mean, np.mean)
    sites = {site: (float(reduce_lo(lows[site])), float(reduce_hi(highs[site]))) for site in lows}
    _check_finite(sites, stat_layout)
    return sites, count


def _check_finite(sites, stat_layout):
    for site, (lo, hi) in sites.items():
        if not (np.isfinite(lo) and np.isfinite(hi)):
            where = next(w for s, _, w in stat_layout if s == site)
            raise CalibrationError(f"{where} saw only non-finite values in a calibration batch (range [{lo}, {hi}]): "
                                   f"calibrate on data for which the float model stays finite there")


HISTOGRAM_BINS = 2048


def _mse_ranges(program, stat_layout, batches, input_specs, progress, site_grids, total, first_outputs, constants,
                histograms_out=None):
    """`mse`: per site, the range whose grid gives the least squared error over all calibration
    values. Each batch's values are reduced on device to a histogram over their own range; the host
    merges those into one histogram per site and searches it (`mse_range`)."""
    by_site: dict[int, dict[str, list[int]]] = {}
    for i, (site, stat, _) in enumerate(stat_layout):
        by_site.setdefault(site, {}).setdefault(stat, []).append(i)
    run = jax.jit(_site_values(program, by_site, len(stat_layout)))
    histograms: dict[int, Histogram] = {}
    fixed_ranges: dict[int, tuple[float, float]] = {}
    count = 0
    for batch in tqdm(batches, desc="calibrating", unit="batch", total=total, disable=not progress):
        batch = check_batch(batch, input_specs, count)
        outputs, values, fixed = run(*batch, *constants)
        if first_outputs is not None and count == 0:
            first_outputs.extend(np.asarray(v) for v in jax.device_get(outputs))
        binned = jax.device_get({site: _bin_indices(x, floor) for site, (x, floor) in values.items()})
        for site, (lo, hi, index, zeros) in binned.items():
            counts = np.bincount(index, minlength=HISTOGRAM_BINS + 1)[:HISTOGRAM_BINS]
            histograms.setdefault(site, Histogram()).add(float(lo), float(hi), counts, int(zeros))
        fixed_ranges.update({site: (float(lo), float(hi)) for site, (lo, hi) in jax.device_get(fixed).items()})
        count += 1
    if count == 0:
        raise CalibrationError("the calibration data is empty: give at least one batch")
    sites = {site: mse_range(h, *site_grids[site], fixed_lo="floor" in by_site[site])
             for site, h in histograms.items()}
    if histograms_out is not None:
        histograms_out.update(histograms)
    sites.update(fixed_ranges)
    _check_finite(sites, stat_layout)
    return sites, count


# Sites with fewer values share one size class: MiniLM's 214 sites fell into 9 classes, into 3 so.
BINNED_MIN_SIZE = 1 << 17


def _site_values(program, by_site, n_stats):
    """`program` returning its own outputs and, per site with values, all of them in one vector padded with NaN to a
    power of two of at least BINNED_MIN_SIZE elements (so that `_bin_indices` compiles once per size
    class, not per shape: each compile costs ~0.3 s) and its softmax floor; per site with constant
    min/max, those."""
    def run(*inputs):
        results = program(*inputs)
        outputs, stats = results[:len(results) - n_stats], (results[len(results) - n_stats:] if n_stats else ())
        values, fixed = {}, {}
        for site, where in by_site.items():
            if "values" not in where:
                fixed[site] = (jnp.min(jnp.stack([stats[i] for i in where["min"]])),
                               jnp.max(jnp.stack([stats[i] for i in where["max"]])))
                continue
            x = jnp.concatenate([jnp.ravel(stats[i]) for i in where["values"]])
            x = jnp.pad(x, (0, max(1 << max(x.size - 1, 0).bit_length(), BINNED_MIN_SIZE) - x.size),
                        constant_values=jnp.nan)
            floors = [stats[i] for i in where.get("floor", ())]
            values[site] = (x, jnp.min(jnp.stack(floors)) if floors else jnp.float32(-jnp.inf))
        return outputs, values, fixed

    return run


@jax.jit
def _bin_indices(x, floor):
    """One site's batch: the (min, max) of its finite values at or above `floor` (the min is the
    floor if any value lies below it, as for `minmax`), each value's bin
    over that range (HISTOGRAM_BINS for values left out and exact zeros: 0 is always on the grid,
    it errs by nothing), and the number of exact zeros. The host counts the bins (numpy's bincount
    is ~10x faster than XLA's scatter on CPU); jitted apart from the model, whose compile time
    doubled with the binning inside."""
    keep = jnp.isfinite(x) & (x >= floor)
    lo, hi = jnp.min(jnp.where(keep, x, jnp.inf)), jnp.max(jnp.where(keep, x, -jnp.inf))
    lo = jnp.where(jnp.any(x < floor), floor, lo)  # masked scores (-inf too) must saturate at the floor
    width = jnp.where(hi > lo, (hi - lo) / HISTOGRAM_BINS, 1.0)
    index = jnp.clip(jnp.floor((jnp.where(keep, x, lo) - lo) / width), 0, HISTOGRAM_BINS - 1)
    index = jnp.where(keep & (x != 0), index, HISTOGRAM_BINS).astype(jnp.uint16)
    return lo, hi, index, jnp.sum(keep & (x == 0))


class Histogram:
    """Counts of one site's non-zero values on HISTOGRAM_BINS equal bins over [lo, hi], merged
    across batches: when a batch reaches further, the bins widen and the counts are spread onto
    them (uniformly within each old bin). `zeros` counts exact zeros apart."""

    def __init__(self):
        self.lo, self.hi, self.counts, self.zeros = np.inf, -np.inf, np.zeros(HISTOGRAM_BINS), 0

    def add(self, lo: float, hi: float, counts, zeros: int) -> None:
        self.zeros += zeros
        if not (np.isfinite(lo) and np.isfinite(hi)):
            return
        new_lo, new_hi = min(self.lo, lo), max(self.hi, hi)
        edges = np.linspace(new_lo, new_hi, HISTOGRAM_BINS + 1)
        merged = _rebin(lo, hi, np.asarray(counts, np.float64), edges)
        if np.isfinite(self.lo):
            merged += _rebin(self.lo, self.hi, self.counts, edges)
        self.lo, self.hi, self.counts = new_lo, new_hi, merged

    def centers(self) -> np.ndarray:
        return self.lo + (np.arange(HISTOGRAM_BINS) + 0.5) * self.width

    @property
    def width(self) -> float:
        return (self.hi - self.lo) / HISTOGRAM_BINS


def _rebin(lo, hi, counts, edges):
    """`counts` on equal bins over [lo, hi], spread onto bins with `edges` (uniform within a bin)."""
    if hi <= lo or edges[-1] <= edges[0]:  # all at one point
        spread = np.zeros(len(edges) - 1)
        spread[min(max(np.searchsorted(edges, lo, "right") - 1, 0), len(spread) - 1)] = counts.sum()
        return spread
    cumulative = np.concatenate([[0.0], np.cumsum(counts)])
    return np.diff(np.interp(edges, np.linspace(lo, hi, len(counts) + 1), cumulative))


MSE_TOLERANCE = 0.05


def mse_range(histogram: Histogram, dtype: str, symmetric: bool = False, fixed_lo: bool = False) -> tuple[float, float]:
    """The widest range [lo, hi] whose `dtype` activation grid (see `qscheme.activation_qparams`)
    errs by at most MSE_TOLERANCE more than the least expected squared error over `histogram`:
    values inside err by a uniform rounding error (step**2 / 12), values outside by their distance
    to the bound they saturate at. The error is flat near its least, and a clip that saves little
    on the calibration data costs more on new data: values beyond the calibration extremes err
    quadratically, and products downstream amplify the largest values' errors most. Candidates
    shrink the observed range bin by bin; `fixed_lo` keeps the lower bound (a softmax input, whose
    lowest values must stay at the bottom to keep masked scores negligible). On a `symmetric`
    grid (int16 always) one bound is searched."""
    lo, hi = histogram.lo, histogram.hi
    if not np.isfinite(lo):
        return (0.0, 0.0) if histogram.zeros else (np.inf, -np.inf)
    if hi <= lo:
        return lo, hi
    qmin, qmax = STORAGE_RANGE[dtype]
    centers, counts, width = histogram.centers(), histogram.counts, histogram.width
    moments = [np.concatenate([[0.0], np.cumsum(counts * centers ** k)]) for k in range(3)]
    total = [m[-1] for m in moments]

    def error(a, b):
        """Expected squared error of the grid over [a, b] (a <= 0 <= b), broadcast over a and b."""
        below, above = np.searchsorted(centers, a), np.searchsorted(centers, b, "right")
        m_lo = [m[below] for m in moments]
        m_hi = [t - m[above] for t, m in zip(total, moments)]
        clipped_lo = m_lo[2] - 2 * a * m_lo[1] + a * a * m_lo[0]
        clipped_hi = m_hi[2] - 2 * b * m_hi[1] + b * b * m_hi[0]
        inside = total[0] - m_lo[0] - m_hi[0]
        step = (b - a) / (qmax - qmin)
        return clipped_lo + clipped_hi + (m_lo[0] + m_hi[0]) * width ** 2 / 12 + inside * step ** 2 / 12

    edges = np.linspace(lo, hi, HISTOGRAM_BINS + 1)[::HISTOGRAM_BINS // 512]  # 513 candidates a side
    if symmetric or dtype in SYMMETRIC_ACTIVATIONS:
        bounds = np.unique(np.abs(edges[edges != 0]))
        if fixed_lo:
            bounds = bounds[bounds >= -lo]
        errors = error(-bounds, bounds)
        best = bounds[errors <= errors.min() * (1 + MSE_TOLERANCE)].max()
        return -float(best), float(best)
    lows = np.array([min(lo, 0.0)]) if fixed_lo else np.unique(np.minimum(edges, 0.0))
    highs = np.unique(np.maximum(edges, 0.0))
    errors = error(lows[:, None], highs[None, :])
    widths = np.where(errors <= errors.min() * (1 + MSE_TOLERANCE), highs[None, :] - lows[:, None], -np.inf)
    i, j = np.unravel_index(np.argmax(widths), widths.shape)
    return float(lows[i]), float(highs[j])


def check_batch(batch, input_specs, index):
    """Validates one batch against the model inputs: arity, shape, dtype, finiteness."""
    if not isinstance(batch, (tuple, list)):
        batch = (batch,)
    if len(batch) != len(input_specs):
        raise CalibrationError(f"batch {index} has {len(batch)} input(s); the model takes {len(input_specs)} "
                               f"({', '.join(name for name, _, _ in input_specs)})")
    checked = []
    for value, (name, shape, dtype) in zip(batch, input_specs):
        arr = value if isinstance(value, jax.Array) else np.asarray(value)
        if tuple(arr.shape) != tuple(shape) or np.dtype(arr.dtype) != np.dtype(dtype):
            raise CalibrationError(f"batch {index}: input '{name}' is {np.dtype(arr.dtype).name}{list(arr.shape)}; "
                                   f"the model takes {np.dtype(dtype).name}{list(shape)}")
        checked.append(arr)
    return checked


def clip_mask_ranges(module, ranges: dict) -> dict:
    """Clips the range of additive attention masks to what can still move the masked sum.

    `scores + mask` feeding a softmax saturates at its own calibrated minimum `lo`, so mask values
    below `lo - max(scores)` all give the same result: the mask's range stops there. Left at
    -1e4, the mask's scale (~39) dwarfs the sum's (~0.2), LiteRT's int8 ADD overflows on it
    (masked scores come out at the top of the range) and the emulation cannot follow. Only sites
    used by nothing but such additions are clipped."""
    markers = [op.operation for op in mlir.entry_block(module).operations if is_site_marker(op.operation)]
    bounds: dict[int, float] = {}
    blocked: set[int] = set()
    requantized_to: dict[int, set[int]] = {}
    for marker in markers:
        site = marker_attrs(marker)["site"]
        if marker_attrs(marker)["op"] == CLAMPED_CONSTANT:  # a table or fill saturating into the site
            continue
        for use in _through_broadcasts(marker.results[0], site):
            if is_site_marker(use):  # a requantize (int8 <-> int16): its own site's uses decide below
                requantized_to.setdefault(site, set()).add(marker_attrs(use)["site"])
                continue
            out = mlir.users(use.results[0]) if len(use.results) == 1 else []
            other = [m for v in use.operands if (m := marker_behind(v)) is not None and marker_attrs(m)["site"] != site]
            if (use.name != "stablehlo.add" or len(out) != 1 or not is_site_marker(out[0])
                    or "softmax_axis" not in marker_attrs(out[0]) or len(other) != 1):
                blocked.add(site)
                continue
            out_site, other_range = marker_attrs(out[0])["site"], _site_range(other[0], ranges)
            if out_site not in ranges or other_range is None:
                blocked.add(site)
                continue
            floor = ranges[out_site][0] - other_range[1]
            bounds[site] = min(bounds.get(site, floor), floor)
    # A site requantized for masked sums of the other type clips no further than that site does:
    # the requantize reads the clipped values.
    for site, targets in requantized_to.items():
        for target in targets:
            if target in blocked or target not in bounds:
                blocked.add(site)
            else:
                bounds[site] = min(bounds.get(site, bounds[target]), bounds[target])
    clipped = dict(ranges)
    for site, floor in bounds.items():
        if site not in blocked and site in clipped and clipped[site][0] < floor:
            clipped[site] = (floor, max(clipped[site][1], floor))
    return clipped


def _site_range(marker, ranges: dict) -> tuple[float, float] | None:
    """The calibrated range of `marker`'s site, or the range its fixed scale spans (a softmax
    output's [0, 1)), or None."""
    attrs = marker_attrs(marker)
    if attrs["kind"] == "fixed":
        qmin, qmax = STORAGE_RANGE[attrs["dtype"]]
        return (qmin - attrs["zero_point"]) * attrs["scale"], (qmax - attrs["zero_point"]) * attrs["scale"]
    return ranges.get(attrs["site"])


def _through_broadcasts(value, site: int | None = None) -> list:
    """The ops using `value`, looking through broadcasts, reshapes and their (shared) markers;
    given the `site` of `value`, a marker of another site (a requantize) is a user like any op."""
    found = []
    for op in mlir.users(value):
        marker = is_site_marker(op)
        if marker and site is not None and marker_attrs(op)["site"] != site:
            found.append(op)
        elif op.name in ("stablehlo.broadcast_in_dim", "stablehlo.reshape") or marker:
            found.extend(_through_broadcasts(op.results[0], site))
        else:
            found.append(op)
    return found


# XNNPACK runs an int8 ADD/SUB only when each input scale / output scale is in [1/1024, 256), and
# an int8 MUL when in1 * in2 / out is in [1/65536, 256) (`CheckTensorsInputOutputScale` in LiteRT's
# xnnpack_delegate.cc); elsewhere the op falls back to the builtin kernels.
XNNPACK_ADD_MIN_RATIO, XNNPACK_MUL_MIN_RATIO = 1.0 / 1024.0, 1.0 / 65536.0
_RATIO_MARGIN = 1.001  # float32 scales stay above the bound after rounding


def xnnpack_ratio_ranges(module, ranges: dict) -> dict:
    """Widens the ranges of ADD/SUB/MUL inputs whose scale is too fine for XNNPACK's int8 kernels
    (a layer norm's mean, next to the centred values; `var + eps`) to the smallest scale it takes.
    The widened step is at most 1/1024 of the op's output step (for MUL, the product's error at
    most 1/1024 of it), so the output is unchanged to well under a step: the quality cost is nil.
    Only sites that nothing but such ops read are widened, so no other op loses precision."""
    from shloq.qscheme import activation_qparams, symmetric_grid

    markers = [op.operation for op in mlir.entry_block(module).operations if is_site_marker(op.operation)]
    attrs_of = {marker_attrs(m)["site"]: marker_attrs(m) for m in markers}
    widenable = {site for site, attrs in attrs_of.items() if attrs["kind"] == "activation" and site in ranges}
    for marker in markers:
        site = marker_attrs(marker)["site"]
        if any(use.name not in _BINARY_SCALED for use in _through_broadcasts(marker.results[0])):
            widenable.discard(site)

    adjusted = dict(ranges)

    def scale(site):
        attrs = attrs_of[site]
        if attrs["kind"] == "fixed":
            return float(attrs["scale"])
        return activation_qparams(*adjusted[site], attrs["dtype"], symmetric_grid(attrs))[0]

    for op in [o.operation for o in mlir.entry_block(module).operations]:
        if op.name not in _BINARY_SCALED:
            continue
        inputs = [marker_behind(v) for v in op.operands]
        out = _output_marker(op)
        if out is None or any(m is None for m in inputs) or attrs_of[marker_attrs(out)["site"]]["dtype"] != "i8":
            continue
        sites = [marker_attrs(m)["site"] for m in inputs]
        if any(s not in ranges and attrs_of[s]["kind"] != "fixed" for s in sites + [marker_attrs(out)["site"]]):
            continue
        s_out = scale(marker_attrs(out)["site"])
        if op.name == "stablehlo.multiply":
            ratio = scale(sites[0]) * scale(sites[1]) / s_out
            factor = XNNPACK_MUL_MIN_RATIO * _RATIO_MARGIN / ratio
            if factor <= 1.0:
                continue
            growable = [s for s in dict.fromkeys(sites) if s in widenable]
            if len(set(sites)) == 1 and growable:
                factor = factor ** 0.5   # x * x: both operands widen
            if growable:
                _widen(adjusted, growable[0], factor)
            continue
        for site in dict.fromkeys(sites):
            factor = XNNPACK_ADD_MIN_RATIO * _RATIO_MARGIN * s_out / scale(site)
            if factor > 1.0 and site in widenable:
                _widen(adjusted, site, factor)
    return adjusted


_BINARY_SCALED = ("stablehlo.add", "stablehlo.subtract", "stablehlo.multiply")


def _widen(ranges: dict, site: int, factor: float) -> None:
    lo, hi = ranges[site]
    ranges[site] = (lo * factor, hi * factor)


def _output_marker(op):
    """The site marker that quantizes `op`'s result, past a fused ReLU, or None."""
    value = op.results[0]
    while True:
        users = mlir.users(value)
        if len(users) != 1:
            return None
        if is_site_marker(users[0]):
            return users[0]
        if users[0].name not in ("stablehlo.maximum", "stablehlo.minimum", "stablehlo.clamp"):
            return None
        value = users[0].results[0]
