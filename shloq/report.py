"""`LiteRTModel.report`: where in the model quantization loses accuracy, tensor by tensor.

Each quantized tensor (each site marker of the marked module) gets two SQNR figures against the
float model on the same inputs:

- **own SQNR**: the tensor's float value against that same value put on its own grid (its scale
  and zero point), every other site left float. It is the error this site adds by itself: a
  scale blown up by an outlier in the calibration data, or values clipped by a range too narrow.
- **SQNR**: the emulated quantized model against float at that tensor, the error that reaches it
  from every site upstream.

The worst layers are ranked by own SQNR. Downstream tensors inherit the error of a badly
quantized one, often amplified, so the lowest end-to-end SQNR usually sits *after* the culprit;
a tensor's own SQNR is low only where its own grid is wrong. It measures the quantization of the
tensor, not how much its error matters at the outputs.

Where LiteRT keeps the tensor (the interpreter built with `experimental_preserve_all_tensors`),
the report also gives the fraction of its elements on which LiteRT and `emulate` (which computes
every tensor of the same `.tflite`) agree within one quantization step. LiteRT's tensors carry no
link to shloq's sites, so a site is matched to the LiteRT tensors of its shape, storage type,
scale and zero point; when several match, the best agreeing one is shown (and its emulated value
is the site's SQNR) and the row says how many matched.
"""
from __future__ import annotations

import dataclasses
import io
import itertools
import os
import re

import jax
import numpy as np
from litert_converter.mlir import ir

from shloq import litert, mlir
from shloq.emulation import fake_quant
from shloq.errors import InputError
from shloq.files import read_bytes, write_atomically
from shloq.interpreter import compile_function
from shloq.passes.mark_sites import CLAMPED_CONSTANT
from shloq.qscheme import SiteQParams
from shloq.sites import is_site_marker, marker_attrs, site_params

_STORAGE = {"i8": np.int8, "i16": np.int16}
_WIDE = 120  # columns a console needs for the table with site, grid and values


@dataclasses.dataclass(frozen=True, eq=False)
class TensorQuality:
    """One quantized tensor of the model (one site marker), in graph order."""
    index: int                   # position among the markers, in graph order
    site: int                    # markers with the same site share one scale
    kind: str                    # activation, weight or fixed (a scale the kernel fixes, e.g. softmax's)
    op: str                      # the catalogue unit that made the site
    location: str                # name stack and Python source line of the tensor
    shape: tuple[int, ...]
    scale: float | np.ndarray    # one per channel for per-channel weights
    zero_point: int
    grid: tuple[float, float]    # the real values the quantized type can hold (widest channel)
    values: tuple[float, float]  # min and max of the float tensor on the inputs given
    own_sqnr_db: float           # this site quantized alone (see the module docstring)
    sqnr_db: float               # emulated model vs float at this tensor
    litert_agreement: float | None  # LiteRT vs emulate, within one step; None where LiteRT has no such tensor
    litert_matches: int          # how many LiteRT tensors have this shape, type, scale and zero point


class Report:
    """`rows` in graph order; `worst(n)` ranks them by own SQNR. Prints as a rich table."""

    def __init__(self, rows: list[TensorQuality]):
        self.rows = rows

    def worst(self, n: int = 5) -> list[TensorQuality]:
        """The `n` sites whose own quantization loses most, worst first, each by its worst tensor
        (graph order breaks ties): tensors of one site share its scale, so they are one layer to fix.
        Constants that saturate by design (a mask fill, a clip bound: `mark_sites.CLAMPED_CONSTANT`)
        are left out: their low own SQNR changes no result."""
        ranked, seen = [], set()
        for row in sorted((r for r in self.rows if r.op != CLAMPED_CONSTANT), key=_rank):
            if row.site not in seen:
                seen.add(row.site)
                ranked.append(row)
        return ranked[:n]

    def table(self, rows: list[TensorQuality] | None = None, title: str = "quantized tensors, in graph order",
              wide: bool = True):
        """A rich table of `rows` (all by default); narrow ones leave out site, grid and values."""
        from rich import box
        from rich.table import Table

        table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False,
                      caption="SQNR in dB vs float: own, this site quantized alone; SQNR, the emulated model. "
                              "LiteRT: elements within one step of emulate (*: best of several matching tensors)")
        table.add_column("#", justify="right", no_wrap=True)
        if wide:
            table.add_column("site", justify="right", no_wrap=True)
        table.add_column("op @ source", overflow="fold")
        for header in ("scale", "zp", *(("grid", "values") if wide else ()), "own", "SQNR", "LiteRT"):
            table.add_column(header, justify="right", no_wrap=True)
        for row in self.rows if rows is None else rows:
            ranges = (_range_text(row.grid), _range_text(row.values)) if wide else ()
            table.add_row(str(row.index), *((str(row.site),) if wide else ()),
                          f"{row.op} @ {_short_location(row.location)}", _scale_text(row), str(row.zero_point),
                          *ranges, _db_text(row.own_sqnr_db), _db_text(row.sqnr_db), _agreement_text(row))
        return table

    def renderables(self, top: int = 5, width: int = _WIDE) -> list:
        """All rows in graph order, then the `top` worst sites."""
        wide = width >= _WIDE
        return [self.table(wide=wide), self.table(self.worst(top), f"worst {top} by own SQNR", wide)]

    def __rich_console__(self, console, options):
        yield from self.renderables(width=options.max_width)

    def print(self, top: int = 5) -> None:
        from rich.console import Console

        console = Console()
        for renderable in self.renderables(top, console.width):
            console.print(renderable)

    def to_html(self, path: str | os.PathLike, top: int = 5) -> None:
        """Writes both tables as one HTML page, atomically."""
        from rich.console import Console

        console = Console(record=True, file=io.StringIO(), width=160)
        for renderable in self.renderables(top, console.width):
            console.print(renderable)
        write_atomically(path, console.export_html(inline_styles=True).encode())


def _rank(row: TensorQuality):
    """Own SQNR ascending, graph order on ties; tensors without a finite value (NaN) last."""
    measured = not np.isnan(row.own_sqnr_db)
    return not measured, row.own_sqnr_db if measured else 0.0, row.index


def sqnr_db(reference, approximation) -> float:
    """10 log10(sum f^2 / sum (f - q)^2) over the elements where the reference is finite (masks
    fill with -inf, which saturate by design, as calibration leaves them out of ranges): +inf when
    exact, -inf when the reference is all zero, NaN when no element is finite."""
    reference, approximation = np.asarray(reference, np.float64), np.asarray(approximation, np.float64)
    finite = np.isfinite(reference)
    if not finite.any():
        return float("nan")
    reference, approximation = reference[finite], approximation[finite]
    noise = float(np.sum((reference - approximation) ** 2))
    signal = float(np.sum(reference ** 2))
    if noise == 0.0:
        return float("inf")
    if signal == 0.0:
        return float("-inf")
    return float(10 * np.log10(signal / noise))


def build_report(model, module, ranges: dict, inputs: list) -> Report:
    """The report of `model` (a LiteRTModel) on `inputs`; `module` is its marked module (consumed:
    every marker becomes an extra result) and `ranges` the ranges its scales came from."""
    with mlir.context():
        func = mlir.main_func(module)
        markers = [op.operation for op in mlir.entry_block(module).operations if is_site_marker(op.operation)]
        n_outputs = _return_markers_too(func, markers)
        params = site_params(module, ranges)
        program = compile_function(func)
        described = [(marker_attrs(m), mlir.describe(m.location), mlir.tensor_shape(m.results[0].type), params[m])
                     for m in markers]
    qparams = [q for _, _, _, q in described]

    @jax.jit
    def float_and_own(*inputs):
        """Each site's float value, and that value on its own grid."""
        values = program(*inputs)[n_outputs:]
        return values, [fake_quant(v, q) for v, q in zip(values, qparams)]

    floats, owns = jax.device_get(float_and_own(*inputs))
    emulated = model.emulator.tensors(*inputs)
    litert_tensors = _litert_tensors(model, inputs)
    saturating = _saturating_constants(described, floats)
    rows = []
    for index, ((attrs, location, shape, q), f, own) in enumerate(zip(described, floats, owns)):
        kept = ~np.isin(f, saturating.get(attrs["site"], ()))
        # Each matching LiteRT tensor: its agreement with its own emulation, and that emulation put
        # back in the site's axis order (the layout closest to float where a weight's is ambiguous).
        matches = []
        for t in litert_tensors:
            layouts = _layouts(t, shape, q, attrs["kind"])
            if layouts:  # a constant (a weight) is its own emulation
                e_t = t.dequantize(emulated[t.index]) if t.index in emulated else t.dequantized()
                e_site = max((np.transpose(e_t, np.argsort(layout)) for layout in layouts),
                             key=lambda e: sqnr_db(f[kept], e[kept]))
                matches.append((_agreement(t, e_t), sqnr_db(f[kept], e_site[kept]), e_site))
        agreements = [a for a, _, _ in matches]
        # A site LiteRT keeps no tensor of is its own grid, as emulated.
        e = max(matches, key=lambda m: (m[0], m[1]))[2] if matches else own
        rows.append(TensorQuality(
            index, attrs["site"], attrs["kind"], attrs.get("op", ""), location, shape,
            float(q.scale) if q.axis is None else np.asarray(q.scale), q.zero_point, _grid(q),
            (float(f.min()), float(f.max())) if f.size else (0.0, 0.0),
            sqnr_db(f[kept], own[kept]), sqnr_db(f[kept], e[kept]), max(agreements, default=None), len(agreements)))
    return Report(rows)


def _saturating_constants(described, floats) -> dict[int, np.ndarray]:
    """Per site, the values of its clamped constants (a mask fill, a clip bound) that lie outside its
    grid. Elements holding them saturate by design, as the `-inf` of a mask does: both SQNRs leave
    them out, so a masked attention's scores are measured on the scores."""
    found = {}
    for (attrs, _, _, q), value in zip(described, floats):
        if attrs.get("op") == CLAMPED_CONSTANT:
            lo, hi = _grid(q)
            outside = np.unique(value[(value < lo) | (value > hi)])
            found[attrs["site"]] = np.concatenate([found.get(attrs["site"], outside[:0]), outside])
    return found


def _return_markers_too(func, markers) -> int:
    """Makes every marker's value a result of `func` after its own results, whose count it returns."""
    block = func.regions[0].blocks[0]
    ret = [op.operation for op in block.operations if op.operation.name == "func.return"][0]
    outputs = list(ret.operands)
    ir.Operation.create("func.return", operands=outputs + [m.results[0] for m in markers], loc=ret.location,
                        ip=ir.InsertionPoint(ret))
    ret.erase()
    if "res_attrs" in func.attributes:
        del func.attributes["res_attrs"]
    mlir.set_function_type(func)
    return len(outputs)


def _grid(q: SiteQParams) -> tuple[float, float]:
    qmin, qmax = q.qrange
    scale = float(np.max(q.scale))
    return (qmin - q.zero_point) * scale, (qmax - q.zero_point) * scale


@dataclasses.dataclass
class _LiteRTTensor:
    index: int
    shape: tuple[int, ...]
    dtype: np.dtype
    scales: np.ndarray
    zero_points: np.ndarray
    axis: int
    ints: np.ndarray

    def per_element(self, per_channel: np.ndarray) -> np.ndarray:
        """Scales or zero points shaped to broadcast against the tensor."""
        shape = [1] * self.ints.ndim
        if per_channel.size > 1:
            shape[self.axis] = -1
        return per_channel.reshape(shape)

    def dequantized(self) -> np.ndarray:
        return self.dequantize(self.ints)

    def dequantize(self, ints) -> np.ndarray:
        """Stored integers of this tensor (LiteRT's, or emulated ones) as real values."""
        return (np.asarray(ints, np.float64) - self.per_element(self.zero_points)) * self.per_element(self.scales)


def _litert_tensors(model, inputs) -> list[_LiteRTTensor]:
    """Every quantized integer tensor LiteRT (builtin kernels, as `model(...)`) holds after running `inputs`."""
    interpreter = litert.interpreter(model.tflite, preserve_all_tensors=True)
    model._run(interpreter, inputs)
    found = []
    for detail in interpreter.get_tensor_details():
        quantization = detail["quantization_parameters"]
        if np.dtype(detail["dtype"]) not in (np.int8, np.int16) or not len(quantization["scales"]):
            continue
        try:
            ints = interpreter.get_tensor(detail["index"])
        except ValueError:  # a tensor LiteRT never allocated
            continue
        found.append(_LiteRTTensor(detail["index"], tuple(detail["shape"]), np.dtype(detail["dtype"]),
                                   np.asarray(quantization["scales"], np.float64),
                                   np.asarray(quantization["zero_points"], np.float64),
                                   int(quantization["quantized_dimension"]), ints))
    return found


def _layouts(tensor: _LiteRTTensor, shape, q: SiteQParams, kind: str) -> list[tuple[int, ...]]:
    """The axis orders in which the site's tensor may be LiteRT's `tensor`, which has its grid: the
    identity for activations; for weights, which LiteRT may store transposed (an OIHW conv kernel
    as OHWI, the same shape when I, H and W are equal), every order giving its shape and channel
    axis. None when the grids differ."""
    scales = np.asarray(q.scale, np.float64).reshape(-1)
    if (tensor.dtype != _STORAGE[q.dtype] or tensor.scales.shape != scales.shape
            or not np.allclose(tensor.scales, scales, rtol=1e-6, atol=0) or np.any(tensor.zero_points != q.zero_point)):
        return []
    orders = itertools.permutations(range(len(shape))) if kind == "weight" else [tuple(range(len(shape)))]
    return [order for order in orders if tuple(shape[i] for i in order) == tensor.shape
            and (q.axis is None or order[tensor.axis] == q.axis)]


def _agreement(tensor: _LiteRTTensor, emulated: np.ndarray) -> float:
    """Fraction of elements where LiteRT's tensor and its emulation differ by at most one step."""
    step = tensor.per_element(tensor.scales)
    return float(np.mean(np.abs(tensor.dequantized() - emulated) <= step * 1.001))


# ---- text of the table ---------------------------------------------------------------------------

def _short_location(location: str) -> str:
    """`describe`'s location with the source file's directories dropped."""
    return re.sub(r"\(([^()]*/)?([^/()]+:\d+:\d+)\)$", r"(\2)", location)


def _scale_text(row: TensorQuality) -> str:
    if np.ndim(row.scale):
        return f"{float(np.min(row.scale)):.2g}–{float(np.max(row.scale)):.2g}"
    return f"{row.scale:.4g}"


def _range_text(lo_hi: tuple[float, float]) -> str:
    return f"[{lo_hi[0]:.3g}, {lo_hi[1]:.3g}]"


def _db_text(db: float) -> str:
    if np.isnan(db):
        return "—"
    if np.isinf(db):
        return "∞" if db > 0 else "-∞"
    style = "red" if db < 10 else "yellow" if db < 20 else ""
    return f"[{style}]{db:.1f}[/{style}]" if style else f"{db:.1f}"


def _agreement_text(row: TensorQuality) -> str:
    if row.litert_agreement is None:
        return "—"
    return f"{row.litert_agreement:.1%}" + ("*" if row.litert_matches > 1 else "")


# ---- the `shloq report` command ------------------------------------------------------------------

def main(module_path: str, stats_path: str, inputs_path: str, params_path: str | None, act_qtype: str,
         top: int, html_path: str | None) -> int:
    """Converts the module with the stats, prints its report on the inputs and writes the HTML."""
    import shloq

    exported = module_path if module_path.endswith(".mlir") else read_bytes(module_path)
    if not isinstance(exported, str):
        try:
            exported = jax.export.deserialize(bytearray(exported))
        except Exception as err:
            raise InputError(f"{module_path} is neither a .mlir file nor a serialized jax.export module: "
                             f"{err}") from None
    params = None if params_path is None else _params(exported, _npz(params_path))
    inputs = _npz(inputs_path)
    _check_arity(exported, params, inputs, module_path, inputs_path)
    stats = shloq.Stats.load(stats_path)
    rules = [shloq.QuantizationRule(act_qtype=act_qtype)]
    report = shloq.convert(exported, rules, params, stats).report(*inputs.values())
    report.print(top)
    if html_path:
        report.to_html(html_path, top)
    return 0


def _check_arity(exported, params, inputs: dict, module_path: str, inputs_path: str) -> None:
    """The inputs file holds one array per input of the module (params apart): a missing --params
    would otherwise turn the params into inputs, and the stats would seem to belong to another model."""
    from shloq.api import load

    source = load(exported, params)
    expected = source.n_input_leaves
    if len(inputs) == expected:
        return
    names = ", ".join(name for name, _, _ in source.inputs)
    hint = (": the params are missing, give them with --params" if params is None and len(inputs) < expected
            else "")
    raise InputError(f"{module_path} takes {expected} input array(s) ({names}) and {inputs_path} holds "
                     f"{len(inputs)}{hint}")



def _npz(path: str) -> dict[str, np.ndarray]:
    try:
        with np.load(path) as data:
            return {name: data[name] for name in data.files}
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read {path} as .npz: {err}") from None


def _params(exported, arrays: dict):
    """Params from an .npz: by argument name for a .mlir module; by pytree path (`['dense']['kernel']`)
    for a jax.export module, rebuilt into the pytree it was exported with."""
    if isinstance(exported, str):
        return arrays
    tree = exported.in_tree.children()[0].children()[0]
    template = jax.tree_util.tree_unflatten(tree, range(tree.num_leaves))

    def leaf(path, _):
        key = jax.tree_util.keystr(path)
        if key not in arrays:
            raise InputError(f"the params file has no {key} (it holds {', '.join(sorted(arrays))})")
        return arrays[key]

    return jax.tree_util.tree_map_with_path(leaf, template)
