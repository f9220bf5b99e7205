"""`plan_precision`: which ops get int16 activations (16x8) so that the model reaches a quality
target with as few int16 ops as possible.

The plan is made on the float graph, where a precision choice costs one jitted run, then checked
on the converted model:

1. **Decisions.** The model is marked for int8 everywhere (`shloq-mark-sites`, the catalogue's
   units). A decision is a group of units that must share a type: units whose outputs share a site
   (a reshape shares its input's scale) and units a rule cannot tell apart (the same name stack, or
   the same source line for models whose name stacks carry no module path: the finer of the two
   spellings is used). A group with a unit that has no int16 kernel or conversion stays int8.
2. **Simulation.** Calibration records every site's histogram once; the `mse` range is fitted for
   int8 and for int16 from it. Every site is fake-quantized on one of its two grids, chosen by a
   traced vector, so the simulation compiles once. An int8 op reads int8 whatever produced its
   input (the converter requantizes there), so each edge from a site into a unit of another site
   is put on the int8 grid when the unit is int8.
3. **Sensitivity.** Each group's output noise when it alone is int8 and everything else int16
   (leave one out), beside the report's own SQNR of its sites (each site alone on its grid).
4. **Choice.** Groups int16 in order of sensitivity: the shortest prefix that reaches the target in
   simulation (binary search), less each group the others reach it without; then verified by
   `calibrate`, `convert` and `emulate` (LiteRT's integer kernels) on the validation batches.
   Where the verification falls short, the simulation is asked for that shortfall more.

The result is a `PrecisionPlan` whose `rules` are ordinary `QuantizationRule`s: one int16 rule per
op spelling (an anchored name-stack or source regex), then a catch-all int8 rule.
"""
from __future__ import annotations

import dataclasses
import math
import re
import time
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from shloq import catalogue, mlir
from shloq.calibration import accumulate, clip_mask_ranges, mse_range, result_stats
from shloq.emulation import fake_quant, fake_quant_arrays
from shloq.errors import CalibrationError, InputError, ShloqError
from shloq.interpreter import compile_function
from shloq.passes import run_pipeline
from shloq.passes.instrument import InstrumentPass
from shloq.passes.mark_sites import _marker, activation_values
from shloq.qscheme import site_qparams, symmetric_grid
from shloq.rules import QuantizationRule
from shloq.sites import is_site_marker, marker_attrs, site_params

METRICS = ("sqnr_db", "cosine")
VALIDATION_BATCHES = 4     # calibration batches the plan is measured on when no validation data is given
MAX_VERIFICATIONS = 4      # conversions tried before the best verified plan is taken as the limit
INT16, INT8 = "int16", "int8"


class PrecisionTargetError(ShloqError):
    """No plan reaches the target: `best` holds the best plan found (every possible group int16),
    whose rules still convert, and whose `quality` says how far it got."""

    def __init__(self, message: str, best: "PrecisionPlan"):
        super().__init__(message)
        self.best = best


@dataclasses.dataclass
class Group:
    """Units that take one type: their ops, rule spellings, sites, and what was measured."""
    index: int
    ops: list[str]                 # `op @ location` of each unit, program order
    keys: list[str]                # the strings its rules match (name stacks or source positions)
    sites: list[int]
    int16_obstacle: str | None     # why it cannot be int16, or None
    own_sqnr_int8_db: float = math.nan   # worst own SQNR of its sites on the int8 grid (the report's)
    own_sqnr_int16_db: float = math.nan  # ... on the int16 grid
    quality_if_int8: float = math.nan    # simulated quality with this group int8, every other int16
    dtype: str = INT8


@dataclasses.dataclass
class PrecisionPlan:
    """The chosen rules and why: `groups` ranked by sensitivity, the quality of all-int8, all-int16
    and the plan in simulation, and the plan's quality in emulation (`verified`)."""
    rules: list[QuantizationRule]
    metric: str
    target: float
    groups: list[Group]
    simulated: dict[str, float]    # "all int8", "all int16", "plan"
    verified: float                # the converted plan, emulated on the validation batches
    model: object = dataclasses.field(default=None, repr=False)  # that LiteRTModel
    seconds: float = 0.0

    @property
    def int16_groups(self) -> list[Group]:
        return [g for g in self.groups if g.dtype == INT16]

    @property
    def int16_ops(self) -> int:
        return sum(len(g.ops) for g in self.int16_groups)

    def table(self, top_int8: int = 5):
        """A rich table: every int16 group, then the `top_int8` most sensitive int8 ones."""
        from rich import box
        from rich.table import Table

        unit = "dB" if self.metric == "sqnr_db" else "cosine"
        table = Table(title=f"precision plan: {self.metric} >= {self.target:g} with {len(self.int16_groups)} int16 "
                            f"group(s) of {len(self.groups)} ({self.int16_ops} ops)",
                      box=box.SIMPLE_HEAD, show_edge=False,
                      caption=f"ranked by the simulated output {unit} with the group alone int8 (every other group "
                              f"int16); own: its sites alone on their int8 / int16 grids (the report's own SQNR, "
                              f"worst site). Simulated all int8 {_fmt(self.simulated['all int8'], self.metric)}, "
                              f"all int16 {_fmt(self.simulated['all int16'], self.metric)}, plan "
                              f"{_fmt(self.simulated['plan'], self.metric)}; verified (convert + emulate) "
                              f"{_fmt(self.verified, self.metric)}")
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("ops @ source", overflow="fold", ratio=1)
        for header in ("own int8", "own int16", f"{unit} if int8", "type"):
            table.add_column(header, justify="right", no_wrap=True)
        shown = self.int16_groups + [g for g in self.groups if g.dtype == INT8][:top_int8]
        for g in shown:
            ops = g.ops[0] + (f" (+{len(g.ops) - 1} more)" if len(g.ops) > 1 else "")
            if g.int16_obstacle:
                ops += f"\n[dim]{g.int16_obstacle}[/dim]"
            table.add_row(str(g.index), ops, f"{g.own_sqnr_int8_db:.1f}", f"{g.own_sqnr_int16_db:.1f}",
                          _fmt(g.quality_if_int8, self.metric), g.dtype if g.int16_obstacle is None else "int8 only")
        return table

    def __rich_console__(self, console, options):
        yield self.table()

    def print(self, top_int8: int = 5) -> None:
        from rich.console import Console

        Console().print(self.table(top_int8))


def plan_precision(model, params, batches, target: float, *, metric: str = "sqnr_db", validation=None,
                   method: str = "mse", strict: bool = True, latency_budget_ms: float | None = None,
                   progress: bool = True, show: bool = True) -> PrecisionPlan:
    """Chooses per op int8 or int16 activations so that the converted model reaches `target` on
    `metric` (`"sqnr_db"` against float, or `"cosine"`: the mean cosine of output rows, e.g.
    embeddings; of the worst output when there are several) with the fewest int16 ops. `batches`
    calibrate (as `shloq.calibrate`); quality is measured on `validation` (input tuples; by default
    the first VALIDATION_BATCHES calibration batches). A plan the converter refuses raises its
    error, with the plan as the error's `plan`. With `latency_budget_ms`, the plan's LiteRT latency (builtin kernels,
    one thread, one validation batch) must not exceed it. Prints the plan's table unless `show`
    is off. Raises PrecisionTargetError (holding the best plan) when no plan reaches the target."""
    from shloq.api import load

    if metric not in METRICS:
        raise InputError(f"metric={metric!r} is not supported; use one of {', '.join(METRICS)}")
    if not isinstance(target, (int, float)) or not math.isfinite(target) or (
            metric == "cosine" and not -1.0 < target <= 1.0):
        raise InputError(f"target={target!r} is not a {metric} value"
                         + (" in (-1, 1]" if metric == "cosine" else " (a finite number of dB)"))
    started = time.perf_counter()
    batches = list(batches)
    if not batches:
        raise CalibrationError("the calibration data is empty: give at least one batch")
    source = load(model, params)
    study = _Study(source, params, batches, method, progress)
    validation = [study.kept_inputs(b) for b in (batches[:VALIDATION_BATCHES] if validation is None else validation)]
    if not validation:
        raise InputError("the validation data is empty: give at least one batch")
    study.measure(validation, metric)
    groups, quality = study.groups, study.quality
    candidates = [g for g in sorted(groups, key=lambda g: _noise(g.quality_if_int8, metric), reverse=True)
                  if g.int16_obstacle is None]
    simulated = {"all int8": quality(set()), "all int16": quality({g.index for g in candidates})}

    def choose(goal: float) -> list[Group]:
        """The fewest groups that reach `goal` in simulation: the shortest prefix in sensitivity
        order (binary search), then without each of its groups, least sensitive first, that the
        others reach it without."""
        if simulated["all int8"] >= goal:
            return []
        low, high = 0, len(candidates)
        while low < high:
            mid = (low + high) // 2
            if quality({g.index for g in candidates[:mid]}) >= goal:
                high = mid
            else:
                low = mid + 1
        chosen = candidates[:high]
        if quality({g.index for g in chosen}) >= goal:
            for g in reversed(candidates[:high]):
                rest = [c for c in chosen if c is not g]
                if quality({c.index for c in rest}) >= goal:
                    chosen = rest
        return chosen

    goal, verified_plans, chosen = target, [], []
    for attempt in range(MAX_VERIFICATIONS):
        previous, chosen = chosen, choose(goal)
        if attempt and set(map(id, chosen)) <= set(map(id, previous)):  # no progress: a quarter of the rest more
            prefix = max(candidates.index(g) for g in previous) + 1 if previous else 0
            chosen = candidates[:min(len(candidates), prefix + max(1, (len(candidates) - prefix + 3) // 4))]
        plan = _plan(study, chosen, metric, target, quality({g.index for g in chosen}), simulated)
        try:
            plan.verified, plan.model = _verify(source, model, params, batches, plan.rules, validation, study,
                                                method, strict, progress)
        except ShloqError as err:  # the converter refused the plan: say which plan, keep it for inspection
            err.args = (f"the plan with {len(plan.int16_groups)} int16 group(s) ({plan.int16_ops} ops; simulated "
                        f"{_fmt(plan.simulated['plan'], metric)}) does not convert: {err}",)
            err.plan = plan
            raise
        verified_plans.append(plan)
        if plan.verified >= target or len(chosen) == len(candidates):
            break
        # The simulation was optimistic by the shortfall: ask it for that much more.
        goal = max(goal, target + plan.simulated["plan"] - plan.verified)
    plan = verified_plans[-1] if verified_plans[-1].verified >= target else max(verified_plans,
                                                                                 key=lambda p: p.verified)
    plan.seconds = time.perf_counter() - started
    if show:
        plan.print()
    if plan.verified < target:
        limiting = [g for g in groups if g.int16_obstacle is not None]
        worst = sorted(limiting, key=lambda g: g.own_sqnr_int8_db)[:3]
        hint = "; ".join(f"{g.ops[0]} stays int8: {g.int16_obstacle}" for g in worst)
        raise PrecisionTargetError(
            f"no plan reaches {metric} >= {target:g}: the best, with {len(plan.int16_groups)} of {len(groups)} groups "
            f"int16, reaches {_fmt(plan.verified, metric)} (simulated all int16: "
            f"{_fmt(simulated['all int16'], metric)})" + (f"; {hint}" if hint else "")
            + ". Its rules are in this error's `best`", plan)
    if latency_budget_ms is not None:
        latency = _latency_ms(plan.model, validation[0])
        if latency > latency_budget_ms:
            raise PrecisionTargetError(
                f"the plan reaching {metric} >= {target:g} runs in {latency:.2f} ms on LiteRT's builtin kernels "
                f"(one thread), over the budget of {latency_budget_ms:g} ms; a plan with fewer int16 ops falls "
                f"short of the target", plan)
    return plan


def _fmt(value: float, metric: str) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:.1f} dB" if metric == "sqnr_db" else f"{value:.4f}"


def _noise(quality: float, metric: str) -> float:
    """Quality as a noise power, which adds up across independent sources: 10^(-dB/10) or 1 - cosine."""
    return 10 ** (-quality / 10) if metric == "sqnr_db" else 1.0 - quality


def output_quality(reference: list, outputs: list, metric: str) -> float:
    """`metric` of `outputs` against `reference` (lists over batches of lists of output leaves), for
    the worst float output: its SQNR in dB over every batch's finite elements, or the mean cosine
    of its rows (last axis)."""
    per_output: dict[int, list] = {}
    for fs, os_ in zip(reference, outputs):
        for i, (f, o) in enumerate(zip(fs, os_)):
            if np.issubdtype(np.asarray(f).dtype, np.floating):
                per_output.setdefault(i, []).append((np.asarray(f, np.float64), np.asarray(o, np.float64)))
    found = []
    for pairs in per_output.values():
        if metric == "sqnr_db":
            signal = sum(float(np.sum(np.where(np.isfinite(f), f, 0) ** 2)) for f, _ in pairs)
            noise = sum(float(np.sum(np.where(np.isfinite(f), f - o, 0) ** 2)) for f, o in pairs)
            found.append(_db(signal, noise))
        else:
            rows = [(f.reshape(-1, f.shape[-1] if f.ndim else 1), o.reshape(-1, o.shape[-1] if o.ndim else 1))
                    for f, o in pairs]
            cosines = [np.sum(f * o, axis=-1) / np.maximum(np.linalg.norm(f, axis=-1) * np.linalg.norm(o, axis=-1),
                                                           1e-30) for f, o in rows]
            found.append(float(np.mean(np.concatenate(cosines))))
    if not found:
        raise InputError("the model has no float output to measure a plan's quality on")
    return min(found)


class _Study:
    """The model marked for int8, its decision groups, both grids of every site, and the jitted
    simulation on the float graph."""

    def __init__(self, source, params, batches, method: str, progress: bool):
        from shloq.api import _input_batches, _simplified_module, mark_sites

        self.source = source
        module = _simplified_module(source, params)
        with mlir.context():
            block = mlir.entry_block(module)
            active = activation_values(block)
            catalogue.copy_dense_for_each_relu(block, active.__contains__)  # as mark-sites does first
            units, _ = catalogue.match_units(block, activation_values(block).__contains__)
        mark_sites(module, [QuantizationRule()], strict=False, warn=False)
        with mlir.context():
            func = mlir.main_func(module)
            markers = [op.operation for op in mlir.entry_block(module).operations if is_site_marker(op.operation)]
            self.n_outputs = len(func.type.results)
            run_pipeline(module, [InstrumentPass(values=method in ("percentile", "mse"))])
            calibration_program, constants = compile_function(mlir.main_func(module)).with_constants_as_arguments()
            layout = result_stats(mlir.main_func(module))
        grids = {marker_attrs(m)["site"]: ("i8", symmetric_grid(marker_attrs(m))) for m in markers}
        histograms: dict = {}
        ranges8, _ = accumulate(calibration_program.__call__, layout, _input_batches(source, batches, []),
                                source.inputs, method, 99.99, progress, grids, len(batches), None, constants,
                                histograms=histograms)
        floors = {site for site, stat, _ in layout if stat == "floor"}
        ranges16 = dict(ranges8)
        ranges16.update({site: mse_range(h, "i16", True, fixed_lo=site in floors) for site, h in histograms.items()})
        with mlir.context():
            ranges8, ranges16 = clip_mask_ranges(module, ranges8), clip_mask_ranges(module, ranges16)
            grids8 = site_params(module, ranges8)
            self.grids = {}  # marker -> (int8 grid, int16 grid)
            for m in markers:
                attrs = marker_attrs(m)
                self.grids[m] = (grids8[m], grids8[m] if attrs["kind"] == "weight" else _int16_grid(attrs, ranges16))
            self.groups = _groups(units, markers)
            edges = _insert_edges(units, markers)
            ids: dict = {}
            self.program = compile_function(mlir.main_func(module), ids)
            self.roles = {}
            for m in markers:
                attrs = marker_attrs(m)
                self.roles[ids[m.results[0]]] = ("weight" if attrs["kind"] == "weight" else "site", attrs["site"],
                                                 self.grids[m])
            self.constants = {}  # value id -> constant operand on its int8 (and int16) grid
            for m in markers:
                constant = mlir.evaluate_constant(m.operands[0])
                if constant is not None:
                    self.constants[ids[m.results[0]]] = tuple(fake_quant(constant, q, np) for q in self.grids[m])
            for edge, (site, to, source_marker) in edges.items():
                self.roles[ids[edge.results[0]]] = ("edge", site, to, self.grids[source_marker])
        self.n_sites = 1 + max((marker_attrs(m)["site"] for m in markers), default=0)
        self._simulate = jax.jit(self._simulated)

    def kept_inputs(self, batch):
        from shloq.api import _kept_inputs

        return _kept_inputs(self.source, batch if isinstance(batch, (tuple, list)) else (batch,))

    def _simulated(self, wide, *inputs):
        """Outputs with each site on its int16 grid where `wide[site]`, else int8; edges into an int8
        unit put int16 values back on the int8 grid. Sites no unit produces (inputs, constants) take
        their reader's type. Constants are quantized once, here, not by XLA on every compile."""
        def hook(instr, value):
            role = self.roles[instr.results[0]]
            if role[0] == "weight":
                return self.constants[instr.results[0]][0]
            if role[0] == "site":
                site, (q8, q16) = role[1], role[2]
                if instr.results[0] in self.constants:
                    c8, c16 = self.constants[instr.results[0]]
                    return jnp.where(wide[site], c16, c8)
                pick = lambda a, b: jnp.where(wide[site], b, a)
                return fake_quant_arrays(value, pick(jnp.float32(q8.scale), jnp.float32(q16.scale)),
                                         pick(q8.zero_point, q16.zero_point),
                                         (pick(q8.qrange[0], q16.qrange[0]), pick(q8.qrange[1], q16.qrange[1])))
            _, site, to, (q8, _) = role
            return jnp.where(wide[site] & ~wide[to], fake_quant(value, q8), value)

        return self.program(*inputs, site_hook=hook)[:self.n_outputs]

    def _float_values(self, *inputs):
        """The float outputs, and the value of every activation site marker (program order)."""
        values = []

        self.value_roles = []  # at trace time: the role of each value, in order

        def hook(instr, value):
            if self.roles[instr.results[0]][0] == "site":
                self.value_roles.append(self.roles[instr.results[0]])
                values.append(value)
            return value

        return self.program(*inputs, site_hook=hook)[:self.n_outputs], values

    def wide(self, int16_groups: set[int]) -> np.ndarray:
        wide = np.ones(self.n_sites, bool)  # sites no unit produces follow their reader (edges)
        for g in self.groups:
            for s in g.sites:
                wide[s] = g.index in int16_groups
        return wide

    def measure(self, validation, metric: str) -> None:
        """Float outputs, own SQNRs and each group's leave-one-out quality on `validation`."""
        self.metric, self.validation = metric, validation
        run = jax.jit(self._float_values)
        self.reference, sums = [], {}
        for x in validation:
            outputs, values = jax.device_get(run(*x))
            self.reference.append(outputs)
            for (_, site, (q8, q16)), value in zip(self.value_roles, values):
                finite = np.isfinite(value)
                reference = np.where(finite, value, 0.0).astype(np.float64)
                errors = [np.sum(np.where(finite, value - fake_quant(value, q, np), 0.0) ** 2) for q in (q8, q16)]
                sums.setdefault(site, np.zeros(3))[:] += (np.sum(reference ** 2), *errors)
        for g in self.groups:
            own = [sums[s] for s in g.sites if s in sums]
            g.own_sqnr_int8_db = min((_db(s, n8) for s, n8, _ in own), default=math.nan)
            g.own_sqnr_int16_db = min((_db(s, n16) for s, _, n16 in own), default=math.nan)
        everything = {g.index for g in self.groups if g.int16_obstacle is None}
        for g in self.groups:
            g.quality_if_int8 = self.quality(everything - {g.index}) if g.int16_obstacle is None else math.nan

    def quality(self, int16_groups: set[int]) -> float:
        wide = self.wide(int16_groups)
        outputs = [jax.device_get(self._simulate(wide, *x)) for x in self.validation]
        return output_quality(self.reference, outputs, self.metric)


def _db(signal: float, noise: float) -> float:
    if noise == 0:
        return math.inf if signal > 0 else math.nan
    return float(10 * np.log10(max(signal, 1e-30) / noise))


def _int16_grid(attrs: dict, ranges16: dict):
    """The site's grid with int16 activations: its fixed int16 scale (softmax, logistic, tanh) or
    its int16 range."""
    if attrs["kind"] == "fixed":
        spec = catalogue.SPECS[attrs["op"].split(":")[0]]
        scale, zero_point = spec.fixed_qparams["i16"]
        return site_qparams({**attrs, "dtype": "i16", "scale": scale, "zero_point": zero_point}, ranges16)
    return site_qparams({**attrs, "dtype": "i16"}, ranges16)


def _output_marker(unit):
    return next((u for u in mlir.users(unit.output) if is_site_marker(u)), None)


def _groups(units, markers) -> list[Group]:
    """Decision groups: units joined by a shared output site and by the spelling a rule would match
    (name stack or source position, whichever splits the model finer)."""
    marked = [(u, m) for u in units if (m := _output_marker(u)) is not None]
    spellings = {"name": [mlir.location_name(u.primary.location) for u, _ in marked],
                 "source": [mlir.source_file_position(u.primary.location) for u, _ in marked]}
    best = None
    for mode, keys in spellings.items():
        if not all(keys):
            continue
        parent = list(range(len(marked)))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        first_by: dict = {}
        for i, ((_, m), key) in enumerate(zip(marked, keys)):
            for label in (("site", marker_attrs(m)["site"]), ("key", key)):
                j = first_by.setdefault(label, i)
                parent[find(i)] = find(j)
        roots = [find(i) for i in range(len(marked))]
        if best is None or len(set(roots)) > len(set(best[1])):
            best = (keys, roots)
    if best is None:
        raise InputError("the model's ops carry neither name stacks nor source positions, so no rule can "
                         "address them one by one")
    keys, roots = best
    by_root: dict = {}
    for (unit, m), key, root in zip(marked, keys, roots):
        by_root.setdefault(root, []).append((unit, m, key))
    groups = []
    for index, members in enumerate(by_root.values()):
        obstacles = []
        for unit, _, _ in members:
            if "i16" not in unit.spec.dtypes:
                obstacles.append(f"{unit.spec.litert_op} has no int16 kernel")
            elif (why := catalogue.int16_obstacle(unit)) is not None:
                obstacles.append(f"{unit.spec.litert_op} {why}")
        sites = sorted({marker_attrs(m)["site"] for _, m, _ in members})
        group = Group(index, [f"{u.spec.name} @ {_short(mlir.describe(u.primary.location))}" for u, _, _ in members],
                      list(dict.fromkeys(k for _, _, k in members)), sites, obstacles[0] if obstacles else None)
        groups.append(group)
    return groups


def _short(location: str) -> str:
    """A location without the name stack's `jit(f)/` and with the source file's directories
    dropped, as the report prints it."""
    location = re.sub(r"^jit\([^()/]*\)/", "", location)
    return re.sub(r"\(([^()]*/)?([^/()]+:\d+:\d+)\)$", r"(\2)", location)


def _insert_edges(units, markers) -> dict:
    """An `edge` marker on every activation operand a unit reads from another site: where the
    unit is int8 and the site int16 the simulation requantizes there, as the converter does."""
    marker_set = set(markers)
    edges: dict = {}
    by_value: dict = {}
    for unit in units:
        out = _output_marker(unit)
        if out is None:
            continue
        to = marker_attrs(out)["site"]
        for op in unit.ops:
            for i, operand in enumerate(op.operands):
                source = mlir.producer(operand)
                if source not in marker_set or marker_attrs(source)["kind"] == "weight":
                    continue
                site = marker_attrs(source)["site"]
                if site == to:
                    continue
                edge = by_value.get((source, to))
                if edge is None:
                    edge = _marker(operand, site, {"kind": "edge", "op": "edge", "to": to})
                    by_value[(source, to)] = edge
                    edges[edge] = (site, to, source)
                op.operands[i] = edge.results[0]
    return edges


def _plan(study: _Study, chosen: list[Group], metric: str, target: float, simulated_quality: float,
          simulated: dict) -> PrecisionPlan:
    """Rules for `chosen` int16 (one per op spelling, anchored) and int8 elsewhere."""
    names = {g.index for g in chosen}
    groups = [dataclasses.replace(g, dtype=INT16 if g.index in names else INT8)
              for g in sorted(study.groups, key=lambda g: (g.int16_obstacle is not None,
                                                           -_noise(g.quality_if_int8, metric)
                                                           if not math.isnan(g.quality_if_int8) else 0.0))]
    all_keys = {key: g.index for g in study.groups for key in g.keys}
    rules = [QuantizationRule(op_path=_pattern(key, g.index, all_keys), act_qtype=INT16)
             for g in groups if g.dtype == INT16 for key in g.keys]
    rules.append(QuantizationRule())
    return PrecisionPlan(rules, metric, target, groups,
                         {**simulated, "plan": simulated_quality}, math.nan)


def _pattern(key: str, group: int, all_keys: dict) -> str:
    """The shortest readable regex matching `key` and no key of another group: a name stack's last
    components, at least two (`layer_0/attention/output/dot_general$`), else the whole of it
    anchored; a source position (`model.py:42:8$`) anchored at its end, also at its start if need be."""
    parts = key.split("/")
    for n in range(min(2, len(parts)), len(parts) + 1):
        pattern = re.escape("/".join(parts[-n:])) + "$"
        if not any(re.search(pattern, other) for other, g in all_keys.items() if g != group):
            return pattern
    return "^" + re.escape(key) + "$"


def _verify(source, model, params, batches, rules, validation, study, method, strict, progress):
    """Calibrates and converts with `rules`, and measures the emulated model on `validation`."""
    from shloq.api import ShloqWarning, calibrate, convert

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShloqWarning)
        stats = calibrate(model, rules, params, batches, method=method, progress=progress)
        converted = convert(model, rules, params, stats, strict=strict)
    outputs = [[np.asarray(o) for o in jax.tree_util.tree_leaves(converted.emulate(*x))] for x in validation]
    return output_quality(study.reference, outputs, study.metric), converted


def _latency_ms(model, inputs, repeats: int = 10) -> float:
    """Median LiteRT invoke time (builtin kernels, one thread) on `inputs`."""
    from shloq import litert

    interpreter = litert.interpreter(model.tflite)
    model._run(interpreter, inputs)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        model._run(interpreter, inputs)
        times.append(time.perf_counter() - t)
    return 1e3 * float(np.median(times))
