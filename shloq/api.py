"""The public entry points: calibrate, convert, LiteRTModel."""
from __future__ import annotations

import dataclasses
import hashlib
import re
import os
import warnings

import jax
import numpy as np
from litert_converter.mlir import ir

from shloq import litert, mlir
from shloq.calibration import Stats, accumulate, clip_mask_ranges, result_stats, xnnpack_ratio_ranges
from shloq.emulation import Emulator, fake_quant, output_steps
from shloq.errors import ConversionError, InputError, PassError, UnsupportedOpError
from shloq.files import write_atomically
from shloq.interpreter import compile_function
from shloq.passes import run_pipeline
from shloq.passes.bind_params import BindParamsPass, argument_names
from shloq.passes.canonicalize_dots import CanonicalizeDotsPass
from shloq.passes.fold_affine import FoldAffinePass
from shloq.passes.fold_constants import FoldConstantsPass
from shloq.passes.inline import InlinePass
from shloq.passes.int16_broadcast_add import Int16BroadcastAddPass
from shloq.passes.int16_scaffold import Int16ScaffoldPass
from shloq.passes.instrument import InstrumentPass
from shloq.passes.integer_io import IntegerIOPass
from shloq.passes.integer_tables import IntegerTablesPass
from shloq.passes.layout import LayoutPass
from shloq.passes.mark_sites import MarkSitesPass, refusal
from shloq.passes.quantize import QuantizePass
from shloq.passes.quantize_constants import QuantizeConstantsPass
from shloq.passes.recognize import RecognizePass
from shloq.qscheme import DYNAMIC, symmetric_grid
from shloq.rules import QuantizationRule
from shloq.sites import is_site_marker, marker_attrs, site_params


class ShloqWarning(UserWarning):
    """Something was left float or ignored; the message names it."""


@dataclasses.dataclass
class Source:
    """A model to quantize: module text plus how its arguments map to params and inputs."""
    text: str
    arg_names: list[str]
    param_args: dict[int, str]             # module argument -> params leaf path
    param_leaves: list[tuple[str, tuple, np.dtype]]  # (path, shape, dtype) of each params leaf
    param_flat: dict[int, int]             # module argument -> index into params leaves
    inputs: list[tuple[str, tuple, np.dtype]]        # (name, shape, dtype) per module input argument
    input_flat: list[int]                  # flat positions (over *inputs leaves) the module keeps
    n_input_leaves: int = 0                # leaves of *inputs the exported function takes
    out_tree: object = None


def load(model, params) -> Source:
    """Accepts a `jax.export.Exported`, its serialized bytes, or a path to a `.mlir` file. For a
    `.mlir` file, `params` (if any) maps argument names to values; the other arguments are inputs."""
    if isinstance(model, (bytes, bytearray)):
        try:
            model = jax.export.deserialize(bytearray(model))
        except Exception as err:
            raise InputError(f"the bytes given are not a serialized jax.export module: {err}") from None
    if isinstance(model, jax.export.Exported):
        return _from_exported(model, params is not None)
    if isinstance(model, (str, os.PathLike)):
        module = mlir.read_module_file(model)
        with mlir.context():
            text = module.operation.get_asm(enable_debug_info=True)
            func = mlir.main_func(module)
            names = argument_names(func)
            args = func.regions[0].blocks[0].arguments
            specs = [(n, mlir.tensor_shape(a.type), mlir.element_dtype(ir.RankedTensorType(a.type).element_type))
                     for n, a in zip(names, args) if n not in (params or {})]
        return Source(text, names, {}, [], {}, specs, list(range(len(specs))), len(specs))
    raise InputError(f"expected a jax.export.Exported, its serialized bytes or a .mlir path, got {type(model).__name__}")


def _from_exported(exported, params_given: bool) -> Source:
    if any(not isinstance(d, int) for aval in exported.in_avals for d in aval.shape):
        raise InputError("symbolic (shape-polymorphic) dimensions are not supported yet; export with concrete shapes")
    args_tree = exported.in_tree.children()[0]
    n_params = args_tree.children()[0].num_leaves if params_given and args_tree.children() else 0
    paths = _leaf_paths(exported.in_tree)
    kept = list(exported.module_kept_var_idx)
    text = exported.mlir_module()
    module = mlir.parse_module(text, exported.fun_name)
    with mlir.context():
        names = argument_names(mlir.main_func(module))
    param_args, param_flat, inputs, input_flat = {}, {}, [], []
    for arg, flat in enumerate(kept):
        aval = exported.in_avals[flat]
        if flat < n_params:
            param_args[arg], param_flat[arg] = paths[flat], flat
        else:
            inputs.append((names[arg], tuple(aval.shape), np.dtype(aval.dtype)))
            input_flat.append(flat - n_params)
    leaves = [(paths[i], tuple(exported.in_avals[i].shape), np.dtype(exported.in_avals[i].dtype))
              for i in range(n_params)]
    return Source(text, names, param_args, leaves, param_flat, inputs, input_flat,
                  len(exported.in_avals) - n_params, exported.out_tree)


def _leaf_paths(in_tree) -> list[str]:
    dummy = jax.tree_util.tree_unflatten(in_tree, range(in_tree.num_leaves))
    flat, _ = jax.tree_util.tree_flatten_with_path(dummy)
    return [jax.tree_util.keystr(path[2:]) for path, _ in flat]


def _param_values(source: Source, params) -> dict[int, np.ndarray]:
    """Module argument -> value of the params leaf bound to it; checks the pytree fits."""
    if params is None:
        return {}
    if not source.param_leaves and isinstance(params, dict) and source.arg_names:
        unknown = set(params) - set(source.arg_names)
        if unknown:
            raise InputError(f"params name no argument of the module: {sorted(unknown)}")
        return {source.arg_names.index(k): np.asarray(v) for k, v in params.items()}
    flat, _ = jax.tree_util.tree_flatten_with_path(params)
    given = {jax.tree_util.keystr(p): np.asarray(v) for p, v in flat}
    expected = {path: (shape, dtype) for path, shape, dtype in source.param_leaves}
    missing, extra = sorted(set(expected) - set(given)), sorted(set(given) - set(expected))
    if missing or extra:
        raise InputError("params do not match the exported function:"
                         + (f" missing {', '.join(missing)};" if missing else "")
                         + (f" unexpected {', '.join(extra)}" if extra else ""))
    for path, (shape, dtype) in expected.items():
        value = given[path]
        if value.shape != shape or value.dtype != dtype:
            raise InputError(f"params{path} is {value.dtype}{list(value.shape)}; the exported function takes "
                             f"{np.dtype(dtype).name}{list(shape)}")
        if np.issubdtype(value.dtype, np.floating) and not np.all(np.isfinite(value)):
            raise InputError(f"params{path} holds NaN or Inf")
    leaf_paths = [path for path, _, _ in source.param_leaves]
    return {arg: given[leaf_paths[flat]] for arg, flat in source.param_flat.items()}


_OTHER_FLOAT = re.compile(r"[<x](bf16|f16|f64)>$")


def parse_float32(source: Source):
    """Parses the source afresh; refuses models that compute in another float type, since
    LiteRT's integer kernels and shloq's scales are defined against float32."""
    module = mlir.parse_module(source.text)
    with mlir.context():
        for func in module.body.operations:
            for op in mlir.walk(func.operation):
                for value in op.results:
                    found = _OTHER_FLOAT.search(str(value.type))
                    if found:
                        name = {"bf16": "bfloat16", "f16": "float16", "f64": "float64"}[found.group(1)]
                        raise InputError(f"'{op.name}' at {mlir.describe(op.location)} computes in {name}; shloq "
                                         f"quantizes float32 models: cast the model and its params to float32 before "
                                         f"export")
    return module


def _simplified_module(source: Source, params):
    """Parses the source afresh, inlines, binds params and folds constants and batch-norms. The
    last result is kept, keyed by digests of the module text and of the params' values, and a
    copy of it serves the next call for the same model and params: `calibrate` then `convert`
    simplify MiniLM once (2.3 s of CPU each time)."""
    values = _param_values(source, params)
    key = (hashlib.blake2b(source.text.encode()).hexdigest(), _values_digest(values))
    if key not in _SIMPLIFIED:
        module = parse_float32(source)
        run_pipeline(module, [InlinePass(), BindParamsPass(values=values), FoldConstantsPass(), CanonicalizeDotsPass(),
                              LayoutPass(), FoldAffinePass(), IntegerTablesPass(), RecognizePass()])
        _SIMPLIFIED.clear()
        _SIMPLIFIED[key] = module
    return mlir.copy_module(_SIMPLIFIED[key])


_SIMPLIFIED: dict[tuple[str, str], ir.Module] = {}


def _values_digest(values: dict[int, np.ndarray]) -> str:
    digest = hashlib.blake2b()
    for arg, value in sorted(values.items()):
        value = np.ascontiguousarray(value)
        digest.update(repr((arg, value.dtype.str, value.shape)).encode())
        digest.update(value.view(np.uint8).reshape(-1).data if value.size else b"")
    return digest.hexdigest()


def _marked_module(source: Source, rules, params, strict: bool, warn: bool = True, profile: str = "full-integer"):
    """`_simplified_module` with quantization sites marked."""
    rules = _check_rules(rules)
    module = _simplified_module(source, params)
    mark_sites(module, rules, strict, warn, profile=profile)
    return module


def mark_sites(module, rules, strict: bool, warn: bool = True, param_args: str = "",
               profile: str = "full-integer") -> None:
    """Runs shloq-mark-sites; strict-mode refusals become one UnsupportedOpError, and ops left
    float become ShloqWarnings (unless `warn` is off)."""
    try:
        notes = run_pipeline(module, [MarkSitesPass(strict=strict, rules=rules, param_args=param_args,
                                                    profile=profile)])
    except PassError as err:
        refused = [refusal(m) for _, _, m in err.diagnostics]
        if all(refused):
            raise UnsupportedOpError([(op, mlir.describe(loc)) for (op, _), (_, loc, _) in zip(refused, err.diagnostics)],
                                     [reason for _, reason in refused]) from None
        raise
    if warn:
        _warn(notes)


def _warn(notes) -> None:
    """Pass warnings (severity, location, message) as ShloqWarnings naming the location."""
    for _, loc, message in notes:
        where = mlir.describe(loc)
        warnings.warn(message if where == "unknown location" else f"{where}: {message}", ShloqWarning, stacklevel=4)


def _check_rules(rules):
    """A list of rules; a single rule stands for the list of it."""
    if isinstance(rules, QuantizationRule):
        return [rules]
    try:
        rules = list(rules)
    except TypeError:
        rules = []
    if not rules or not all(isinstance(r, QuantizationRule) for r in rules):
        raise InputError(f"rules must be a shloq.QuantizationRule or a non-empty list of them, got {rules!r}")
    weight_only = next((r for r in rules if r.act_qtype is None and r.weight_qtype is not None), None)
    if dynamic_range(rules) and weight_only is not None:
        raise InputError(f"{weight_only} is weight-only (act_qtype=None) and another rule is act_qtype='dynamic': "
                         f"LiteRT's converter gives every op on int8 weights of a dynamic-range model a hybrid "
                         f"kernel, so one model cannot have both; use 'dynamic' or weight_qtype=None there")
    return rules


def dynamic_range(rules) -> bool:
    """Whether the model is converted in dynamic-range mode: a rule quantizes activations at run time."""
    return any(r.act_qtype == DYNAMIC for r in rules)


def site_fingerprint(module) -> str:
    """Identifies the site layout (ids, kinds, tensor types; not where the markers stand), so stats
    from one module are not applied to another."""
    layout = sorted(repr((marker_attrs(op.operation)["site"], marker_attrs(op.operation)["kind"],
                          str(op.operands[0].type)))
                    for op in mlir.entry_block(module).operations if is_site_marker(op.operation))
    return hashlib.sha256("\n".join(layout).encode()).hexdigest()[:16]


def site_names(module) -> dict[int, str]:
    names = {}
    for op in mlir.entry_block(module).operations:
        if is_site_marker(op.operation):
            attrs = marker_attrs(op.operation)
            names.setdefault(attrs["site"], f"{attrs['op']} @ {mlir.describe(op.location)}")
    return names


def calibrate(model, rules, params, batches, *, method: str = "mse", percentile: float = 99.99,
              progress: bool = True, profile: str = "full-integer") -> Stats:
    """Runs the model over `batches` (an iterable of input tuples) and records every activation
    site's range: `minmax` (global), `average_minmax` (mean of batch minima and maxima),
    `percentile` (mean of batch percentiles) or `mse` (the clipping range that minimises the
    quantization error over all batches' values)."""
    source = load(model, params)
    module = _marked_module(source, rules, params, strict=False, warn=False, profile=profile)  # convert() warns
    with mlir.context():
        fingerprint, names = site_fingerprint(module), site_names(module)
        grids = {marker_attrs(op.operation)["site"]: (marker_attrs(op.operation)["dtype"],
                                                      symmetric_grid(marker_attrs(op.operation)))
                 for op in mlir.entry_block(module).operations if is_site_marker(op.operation)}
        run_pipeline(module, [InstrumentPass(values=method in ("percentile", "mse"))])
        func = mlir.main_func(module)
        program, constants = compile_function(func).with_constants_as_arguments()
        layout = result_stats(func)
    total = len(batches) if hasattr(batches, "__len__") else None  # _input_batches is a generator
    first, first_outputs = [], []
    sites, count = accumulate(program.__call__, layout, _input_batches(source, batches, first), source.inputs,
                              method, percentile, progress, grids, total, first_outputs, constants)
    return Stats(sites, method, count, fingerprint, names, sample=[np.asarray(x) for x in first[0]],
                 sample_outputs=first_outputs)


def _input_batches(source, batches, first: list):
    """The batches' kept inputs; the first one is also appended to `first`."""
    for batch in batches:
        kept = _kept_inputs(source, batch if isinstance(batch, (tuple, list)) else (batch,))
        if not first:
            first.append(kept)
        yield kept


def _kept_inputs(source, inputs):
    """Flattens the inputs' pytree and keeps the leaves the module uses (as given when the count
    is off, so that the arity check reports it)."""
    leaves = jax.tree_util.tree_leaves(tuple(inputs))
    if len(leaves) != source.n_input_leaves:
        return leaves
    return [leaves[i] for i in source.input_flat]


def convert(model, rules, params, stats, *, strict: bool = True, integer_io: bool = False,
            check: bool = True, profile: str = "full-integer") -> "LiteRTModel":
    """Quantizes the model with `stats` (from `calibrate`, or QAT's quant stats) and converts it to
    a full-integer LiteRT model. With `integer_io` the `.tflite` takes and returns the quantized
    tensors themselves (their scales: `LiteRTModel.input_quantization`/`output_quantization`).
    With `check` (and stats fresh from `calibrate`, which keep their first batch and the float
    outputs on it), the `.tflite` runs that batch; where an output is further from float than its
    own size and from the quantized model simulated on the float graph, a ConversionError names the
    first tensor that quantization alone does not explain: a model the converter miscompiled is
    refused, never returned. `profile="cpu-float-islands"` (calibrate with the same) leaves float
    the ops XNNPACK has no int8 kernel for (softmax, GELU, rsqrt, ...): faster on CPUs, and not
    full-integer."""
    if stats is not None and not isinstance(stats, Stats):
        stats = Stats.from_quant_stats(stats)
    rules = _check_rules(rules)
    source = load(model, params)
    module = _marked_module(source, rules, params, strict=strict, profile=profile)
    with mlir.context():
        fingerprint = site_fingerprint(module)
        if stats is None:
            stats = _no_stats(module)
        elif stats.fingerprint and stats.fingerprint != fingerprint:
            raise InputError("these stats were calibrated on another model or other rules or profile (site layout "
                             "differs); calibrate again with the same model, params structure, rules and profile")
        ranges = xnnpack_ratio_ranges(module, clip_mask_ranges(module, stats.sites))
        params_by_site = site_params(module, ranges)
        steps = output_steps(module, params_by_site)
        hybrid = dynamic_range(rules)
        # The converter's DYNAMIC mode was not checked with pre-quantized kernels: it quantizes them itself.
        _warn(run_pipeline(module, [QuantizePass(ranges=ranges), Int16BroadcastAddPass(), Int16ScaffoldPass()]
                           + ([IntegerIOPass()] if integer_io else []) + ([] if hybrid else [QuantizeConstantsPass()])))
        quantized = module.operation.clone()  # the converter consumes `module`; constants are shared, not copied
    tflite = litert.to_tflite(module, [name for name, _, _ in source.inputs], hybrid)
    converted = LiteRTModel(tflite, quantized, source, steps, ConversionRecipe(rules, params, strict, ranges, profile))
    if check and stats.sample is not None and stats.sample_outputs:
        check_conversion(converted, stats.sample, stats.sample_outputs)
    return converted


# An output whose error against float on the first calibration batch outweighs the output itself
# (SQNR below 0 dB) is suspect: the miscompiled contraction of issue 11 gave -3 dB, int8 MiniLM
# (mean cosine 0.82) stays above. `emulate` computes the .tflite itself, so it cannot tell a
# miscompile; the quantized model simulated on the float graph (fake quant at every site, as QAT
# computes it) can: LiteRT more than CHECK_MARGIN_DB further from float than that simulation did
# not compute the quantized model.
CHECK_SQNR_DB, CHECK_MARGIN_DB, CHECK_OWN_SQNR_DB = 0.0, 10.0, 10.0


def check_conversion(model: "LiteRTModel", inputs: list, float_outputs: list) -> None:
    """Runs `inputs` (the module's input leaves) through LiteRT and compares with the float
    outputs; a suspect output is compared with the simulated quantized model, and a ConversionError
    names the first tensor that quantization alone does not explain (from the per-layer report)."""
    theirs = [np.asarray(o) for o in jax.tree_util.tree_leaves(model._run(model.interpreter, inputs))]
    suspect = [i for i, (f, t) in enumerate(zip(float_outputs, theirs))
               if np.issubdtype(f.dtype, np.floating) and f.size and _sqnr_db(f, t) < CHECK_SQNR_DB]
    if not suspect:
        return
    simulated = _simulated_outputs(model, inputs)
    for i in suspect:
        litert_db, simulated_db = _sqnr_db(float_outputs[i], theirs[i]), _sqnr_db(float_outputs[i], simulated[i])
        if simulated_db < litert_db + CHECK_MARGIN_DB:
            continue  # the quantization itself is that coarse here
        culprit = next((f"the first tensor that parts is the {row.op} output at {row.location} ({row.sqnr_db:.1f} dB "
                        f"in LiteRT, {row.own_sqnr_db:.1f} dB quantized alone)" for row in model.report(*inputs).rows
                        if row.kind == "activation" and row.sqnr_db < CHECK_SQNR_DB
                        and row.own_sqnr_db > CHECK_OWN_SQNR_DB), "no tensor LiteRT keeps shows where")
        raise ConversionError(
            f"the LiteRT model is further from float than its quantization explains on the first calibration "
            f"batch: output {i} is at {litert_db:.1f} dB in LiteRT and {simulated_db:.1f} dB simulated; {culprit}. "
            f"The converter may have miscompiled that op: leave it float with a rule, or report it")


def _simulated_outputs(model: "LiteRTModel", inputs: list) -> list[np.ndarray]:
    """The quantized model simulated on the float graph: each site fake-quantized on its grid."""
    module = model._recipe.marked_module(model._source)
    with mlir.context():
        ids: dict = {}
        program = compile_function(mlir.main_func(module), ids)
        grids = {ids[op.results[0]]: q for op, q in site_params(module, model._recipe.ranges).items()}
    run = jax.jit(lambda *xs: program(*xs, site_hook=lambda instr, v: fake_quant(v, grids[instr.results[0]])))
    return [np.asarray(o) for o in run(*inputs)]


def _sqnr_db(reference, value) -> float:
    reference, value = np.asarray(reference, np.float64), np.asarray(value, np.float64)
    return float(10 * np.log10(max(np.sum(reference ** 2), 1e-30) / max(np.sum((reference - value) ** 2), 1e-30)))


def _no_stats(module) -> Stats:
    """The stats of a model without activation sites (weight-only rules), which needs none."""
    activations = [op for op in mlir.entry_block(module).operations
                   if is_site_marker(op.operation) and marker_attrs(op.operation)["kind"] == "activation"]
    if activations:
        raise InputError(f"stats=None, but the rules quantize activations ({len(activations)} site(s), the first at "
                         f"{mlir.describe(activations[0].location)}): calibrate with shloq.calibrate and pass its "
                         f"stats; only weight-only rules (act_qtype=None) need none")
    return Stats({}, "none", 0)


@dataclasses.dataclass
class ConversionRecipe:
    """What `convert` quantized with, so that `LiteRTModel.report` can rebuild the marked module
    when asked rather than every conversion keeping a copy of it."""
    rules: list
    params: object
    strict: bool
    ranges: dict  # site -> (lo, hi) the scales were computed from, masks clipped
    profile: str = "full-integer"

    def marked_module(self, source: Source):
        return _marked_module(source, self.rules, self.params, self.strict, warn=False, profile=self.profile)


def float_tflite(model, params) -> bytes:
    """The same model converted to LiteRT without quantization (the size and accuracy baseline)."""
    source = load(model, params)
    module = _simplified_module(source, params)
    return litert.to_tflite(module, [name for name, _, _ in source.inputs])


_NARROWED = {np.dtype(np.float64): np.dtype(np.float32), np.dtype(np.int64): np.dtype(np.int32),
             np.dtype(np.uint64): np.dtype(np.uint32)}


class LiteRTModel:
    """A converted model: the `.tflite` bytes, the quantized StableHLO, and two ways to run it."""

    def __init__(self, tflite: bytes, stablehlo: str | ir.Operation, source: Source, output_steps,
                 recipe: ConversionRecipe | None = None):
        self.tflite = tflite
        self._stablehlo = stablehlo  # the module (an operation of mlir.context()) until printed
        self.output_steps = output_steps  # per output: its quantization step (scale), None if float
        self._emulator = None
        self._source = source
        self._recipe = recipe
        self._interpreter = None

    def _inputs(self, inputs, keep_device_arrays: bool = False):
        """The inputs as arrays of the exported shapes and dtypes; 64-bit values are narrowed to
        32 bits first, as jax does with x64 off (a float64 numpy array feeds a float32 input).
        `jax.Array`s are kept with `keep_device_arrays`, so that a sharded batch stays sharded."""
        leaves = _kept_inputs(self._source, inputs)
        if len(leaves) != len(self._source.inputs):
            raise InputError(f"the model takes {len(self._source.inputs)} input(s), got {len(leaves)}")
        arrays = []
        for leaf, (name, shape, dtype) in zip(leaves, self._source.inputs):
            x = leaf if isinstance(leaf, jax.Array) else np.asarray(leaf)
            if x.dtype in _NARROWED and _NARROWED[x.dtype] == dtype:
                x = x.astype(dtype)
            if x.shape != tuple(shape) or x.dtype != dtype:
                raise InputError(f"input '{name}' is {np.dtype(x.dtype).name}{list(x.shape)}; the model was exported "
                                 f"for {np.dtype(dtype).name}{list(shape)} (export again for another batch size)")
            arrays.append(x if keep_device_arrays and isinstance(x, jax.Array) else np.asarray(x))
        return arrays

    def _outputs(self, outputs):
        outputs = [np.asarray(o) for o in outputs]
        tree = self._source.out_tree
        if tree is not None and tree.num_leaves == len(outputs):
            return jax.tree_util.tree_unflatten(tree, outputs)
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    @property
    def stablehlo(self) -> str:
        """The static uniform-quantized StableHLO handed to the converter, as text (printed on
        first use: MiniLM's is 180 MB)."""
        if not isinstance(self._stablehlo, str):
            with mlir.context():
                self._stablehlo = self._stablehlo.get_asm(enable_debug_info=True)
        return self._stablehlo

    @property
    def interpreter(self):
        """The LiteRT interpreter (builtin kernels) that `__call__` runs."""
        if self._interpreter is None:
            self._interpreter = litert.interpreter(self.tflite)
        return self._interpreter

    @property
    def input_quantization(self) -> list[tuple[float, int] | None]:
        """(scale, zero point) of each `.tflite` input that is an integer quantized tensor
        (`convert(..., integer_io=True)`), None for float and plain integer inputs."""
        return [litert.tensor_quantization(d) for d in self.interpreter.get_input_details()]

    @property
    def output_quantization(self) -> list[tuple[float, int] | None]:
        return [litert.tensor_quantization(d) for d in self.interpreter.get_output_details()]

    def __call__(self, *inputs):
        """Runs the `.tflite` with LiteRT's builtin kernels on the host: real-valued inputs in, real
        values out (integer I/O tensors are quantized and dequantized with their scales)."""
        return self._run(self.interpreter, inputs)

    def _run(self, interpreter, inputs):
        """`__call__` on `interpreter`, which may be another one built from `self.tflite`."""
        runner = interpreter.get_signature_runner("serving_default")
        names = litert.signature_input_names([name for name, _, _ in self._source.inputs])
        details = runner.get_input_details()
        feeds = {n: litert.quantize_input(x, details[n]) for n, x in zip(names, self._inputs(inputs))}
        result = runner(**feeds)
        outputs = runner.get_output_details()
        return self._outputs([litert.dequantize_output(result[f"output_{i}"], outputs[f"output_{i}"])
                              for i in range(len(result))])

    @property
    def emulator(self) -> Emulator:
        """The `.tflite` in JAX with LiteRT's integer kernels (built on first use)."""
        if self._emulator is None:
            self._emulator = Emulator(self.tflite)
        return self._emulator

    def emulate(self, *inputs):
        """The `.tflite` computed in JAX (no LiteRT), with LiteRT's builtin integer kernels: the
        same integers as `__call__`, real values in and out as there. One jitted function, compiled
        once per input shape; a batch sharded over devices runs sharded."""
        return self._outputs(self.emulator(*self._inputs(inputs, keep_device_arrays=True)))

    def report(self, *inputs):
        """Per quantized tensor, in graph order, the error quantization puts there on `inputs`
        (one batch, as for `__call__`); `shloq.report` and its `TensorQuality` say what each column means."""
        if self._recipe is None:
            raise InputError("this model was not made by shloq.convert, so there is no float model to compare with")
        from shloq.report import build_report

        return build_report(self, self._recipe.marked_module(self._source), self._recipe.ranges,
                            self._inputs(inputs))

    def op_table(self) -> list[dict]:
        return litert.op_table(self.tflite)

    def export(self, path: str | os.PathLike) -> None:
        """Writes the `.tflite` atomically: the file is whole or untouched."""
        write_atomically(path, self.tflite)

