"""Calibration: run the instrumented module over sample batches and record each site's range."""
from __future__ import annotations

import dataclasses
import json
import os

import jax
import numpy as np
from litert_converter.mlir import ir
from tqdm.auto import tqdm

from shloq import mlir
from shloq.errors import CalibrationError, InputError
from shloq.interpreter import is_site_marker, marker_attrs, marker_behind
from shloq.passes.mark_sites import CLAMPED_CONSTANT
from shloq.qscheme import STORAGE_RANGE

METHODS = ("minmax", "average_minmax", "percentile")


@dataclasses.dataclass
class Stats:
    """Calibrated activation ranges, keyed by site id (the `shloq.site` of the markers)."""
    sites: dict[int, tuple[float, float]]
    method: str
    batches: int
    fingerprint: str = ""
    names: dict[int, str] = dataclasses.field(default_factory=dict)

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
        with open(path) as f:
            data = json.load(f)
        return cls({int(k): tuple(v) for k, v in data["sites"].items()}, data["method"], data["batches"],
                   data.get("fingerprint", ""), {int(k): v for k, v in data.get("names", {}).items()})


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


def accumulate(run, stat_layout, batches, input_specs, method: str, percentile: float, progress: bool):
    """Runs `run(*inputs)` over `batches` and reduces the per-batch statistics to ranges."""
    if method not in METHODS:
        raise InputError(f"unknown calibration method {method!r}; use one of {', '.join(METHODS)}")
    n_stats = len(stat_layout)
    lows: dict[int, list] = {}
    highs: dict[int, list] = {}
    count = 0
    for batch in tqdm(batches, desc="calibrating", unit="batch", disable=not progress):
        batch = check_batch(batch, input_specs, count)
        outputs = run(*batch)[-n_stats:] if n_stats else ()
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
    for site, (lo, hi) in sites.items():
        if not (np.isfinite(lo) and np.isfinite(hi)):
            where = next(w for s, _, w in stat_layout if s == site)
            raise CalibrationError(f"{where} saw only non-finite values in a calibration batch (range [{lo}, {hi}]): "
                                   f"calibrate on data for which the float model stays finite there")
    return sites, count


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
    for marker in markers:
        site = marker_attrs(marker)["site"]
        if marker_attrs(marker)["op"] == CLAMPED_CONSTANT:  # a table or fill saturating into the site
            continue
        for use in _through_broadcasts(marker.results[0]):
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


def _through_broadcasts(value) -> list:
    """The ops using `value`, looking through broadcasts, reshapes and their (shared) markers."""
    found = []
    for op in mlir.users(value):
        if op.name in ("stablehlo.broadcast_in_dim", "stablehlo.reshape") or is_site_marker(op):
            found.extend(_through_broadcasts(op.results[0]))
        else:
            found.append(op)
    return found
