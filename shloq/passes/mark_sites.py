"""shloq-mark-sites: decides, from the op catalogue and the rules, where quantization happens.

Each quantization site becomes an identity marker,
`stablehlo.custom_call @shloq.site(%x) {shloq.site = N, shloq.kind = ..., shloq.dtype = ...}`.
Markers with the same `shloq.site` share one scale; `shloq.symmetric = 1` gives an int8 site
zero point 0 (the second operand of a BATCH_MATMUL, which XNNPACK runs in int8 only then).
Calibration, conversion, emulation and QAT all read these markers, so they place quantization
at the same sites.
"""
from __future__ import annotations

import dataclasses

from litert_converter.mlir import ir

from shloq import catalogue, mlir
from shloq.catalogue import Category
from shloq.errors import InputError
from shloq.passes import ModulePass, param_indices, register
from shloq.qscheme import SYMMETRIC_ACTIVATIONS, activation_storage, storage_type
from shloq.rules import QuantizationRule, match_rule
from shloq.sites import SITE_TARGET

UNSUPPORTED = "is not in shloq's op catalogue"
# The marker label of a constant operand that shares the scale of a unit's activations (a clip
# bound, a pad value, a mask fill): it saturates to their range instead of widening it, which
# gives the same result, as the unit's output site sees every value the constant contributes.
CLAMPED_CONSTANT = "constant:clamped"


def refusal(message: str) -> tuple[str, str] | None:
    """(op name, reason) when `message` is this pass refusing an op (outside the catalogue, or no
    LiteRT kernel or conversion for the type asked), else None."""
    if not message.startswith("'") or not (UNSUPPORTED in message or "LiteRT" in message):
        return None
    op, reason = message[1:].split("' ", 1)
    return op, reason


def activation_values(block, param_args=()) -> set:
    """Values computed from the function's input arguments; constants, parameter arguments
    (`param_args`, by index) and what is computed from them alone are static."""
    active = {a for i, a in enumerate(block.arguments) if i not in set(param_args)}
    for op in block.operations:
        if any(v in active for v in op.operands):
            active.update(op.results)
    return active


@register
@dataclasses.dataclass
class MarkSitesPass(ModulePass):
    """`rules` (Python API) or the single rule given by the options (shloq-opt) chooses the ops.
    `param_args` lists the entry arguments (comma-separated indices) that hold parameters rather
    than inputs: QAT keeps weights as arguments, so they are static, not activations. `profile`
    names the catalogue's set of ops to leave float (`catalogue.PROFILES`): "full-integer" (none)
    or "cpu-float-islands" (those XNNPACK has no int8 kernel for)."""
    name = "shloq-mark-sites"
    summary = "Insert @shloq.site markers at the quantization sites the op catalogue and rules ask for."
    strict: bool = True
    op_path: str = ".*"
    weight_qtype: str = "int8"
    act_qtype: str = "int8"
    param_args: str = ""
    profile: str = "full-integer"
    per_channel_weights: bool = True
    rules: list = dataclasses.field(default_factory=list, metadata={"cli": False})

    def __post_init__(self):
        """Builds (and so validates) the rule the options spell when no rules are given."""
        if not self.rules:
            self.rules = [QuantizationRule(self.op_path, None, self.weight_qtype or None, self.act_qtype or None,
                                           self.per_channel_weights)]
        self._param_indices = param_indices(self)
        if self.profile not in catalogue.PROFILES:
            raise InputError(f"unknown profile {self.profile!r} of '{self.name}'; use one of "
                             f"{', '.join(catalogue.PROFILES)}")

    def run(self, module):
        rules = self.rules
        block = mlir.entry_block(module)
        _decompose_for_int16(module, block, rules)
        catalogue.copy_dense_for_each_relu(block, activation_values(block, self._param_indices).__contains__)
        active = activation_values(block, self._param_indices)
        units, unmatched = catalogue.match_units(block, active.__contains__)
        for op in unmatched:
            if match_rule(rules, mlir.location_name(op.location), "", mlir.source_file_position(op.location)) is None:
                continue
            message = f"'{op.name}' {UNSUPPORTED}"
            if self.strict:
                op.location.emit_error(message)
            else:
                self.warn(op.location, message + "; it stays float")
        plan = _SitePlan()
        paths = [(mlir.location_name(u.primary.location), u.weight.param_path if u.weight else "",
                  mlir.source_file_position(u.primary.location)) for u in units]
        for unit, path in zip(units, paths):
            rule = match_rule(rules, *path)
            if rule is None:
                continue
            if unit.spec.name in catalogue.PROFILES[self.profile]:
                plan.add_float(unit, rule)
                continue
            dtype = activation_storage(rule.act_qtype)
            obstacle = catalogue.int16_obstacle(unit) if dtype == "i16" else None
            if dtype is not None and (dtype not in unit.spec.dtypes or obstacle):
                message = f"'{unit.primary.name}' ({unit.spec.litert_op}) " + (
                    obstacle or f"has no {rule.act_qtype} LiteRT kernel")
                if self.strict:
                    unit.primary.location.emit_error(message)
                else:
                    self.warn(unit.primary.location, message + "; it stays float")
                continue
            if rule.weight_qtype == "int4" and unit.weight is not None and unit.spec.name != "dense":
                message = f"'{unit.primary.name}' ({unit.spec.litert_op}) has no int4 weights in shloq: only dense layers do"
                if self.strict:
                    unit.primary.location.emit_error(message)
                    continue
                self.warn(unit.primary.location, message + "; its weights are int8")
                rule = dataclasses.replace(rule, weight_qtype="int8")
            plan.add(unit, rule)
        plan.insert_markers(block)
        if catalogue.PROFILES[self.profile]:  # for shloq-tfl-float-islands, after conversion
            module.operation.attributes["shloq.profile"] = ir.StringAttr.get(self.profile)
        for message in unused_rules(rules, paths):
            self.warn(module.operation.location, message)


def _decompose_for_int16(module, block, rules) -> None:
    """Composites without an int16 kernel (catalogue `int16_decomposed`, e.g. HARD_SWISH) that a
    rule gives int16 activations become their decomposition again, whose ops have int16 kernels."""
    from shloq.passes.inline import _inline_call

    funcs = {ir.StringAttr(f.attributes["sym_name"]).value: f for f in module.body.operations
             if f.operation.name == "func.func"}
    for op in [o.operation for o in block.operations]:
        spec = catalogue.single_op_spec(op)
        if spec is None or not spec.int16_decomposed:
            continue
        rule = match_rule(rules, mlir.location_name(op.location), "", mlir.source_file_position(op.location))
        if rule is not None and rule.act_qtype == "int16":
            _inline_call(op, funcs[ir.FlatSymbolRefAttr(op.attributes["decomposition"]).value])


def unused_rules(rules, paths) -> list[str]:
    """Warnings for rules that apply to no unit: matching nothing, or always preceded by an
    earlier rule (first match wins), which usually means two rules conflict."""
    applied = {id(match_rule(rules, *p)) for p in paths}
    messages = []
    for number, rule in enumerate(rules, 1):
        if id(rule) in applied:
            continue
        spelled = f"rule {number} (op_path={rule.op_path!r}" + (
            f", param_path={rule.param_path!r})" if rule.param_path is not None else ")")
        earlier = next((n for n, r in enumerate(rules[:number - 1], 1)
                        if any(rule.matches(*p) and r.matches(*p) for p in paths)), None)
        if earlier is None:
            messages.append(f"{spelled} matches no op")
        else:
            messages.append(f"{spelled} never applies: rule {earlier} matches the same ops first")
    return messages


class _SitePlan:
    """Sites as a union-find over keys, then one marker per (value, consumers)."""

    def __init__(self):
        self.parent: dict[int, int] = {}
        self.attrs: dict[int, dict] = {}
        self.site_of: dict = {}           # (value, dtype) -> key of the site it is quantized with
        self.output_markers: list = []    # (value, key, op label): every use of value reads the marker
        self.quantized_outputs: set = set()  # (value, dtype) of the output markers
        self.input_markers: dict = {}     # (value, dtype) -> (key, [consumer ops]): only those read it
        self.weight_markers: list = []    # (value, key, consumer op)
        self.static_markers: list = []    # (constant value, key, [consumer ops], label)
        self.symmetric: list = []         # keys of second BATCH_MATMUL operands: zero point 0 (XNNPACK)
        self.first_operands: list = []    # keys of first BATCH_MATMUL operands

    def new_key(self, **attrs) -> int:
        key = len(self.parent)
        self.parent[key] = key
        self.attrs[key] = attrs
        return key

    def find(self, key: int) -> int:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, keys) -> int:
        roots = sorted({self.find(k) for k in keys})
        fixed = [r for r in roots if self.attrs[r]["kind"] == "fixed"]
        root = fixed[0] if fixed else roots[0]
        for r in roots:
            self.parent[r] = root
            if "softmax_axis" in self.attrs[r]:
                self.attrs[root]["softmax_axis"] = self.attrs[r]["softmax_axis"]
        return root

    def add(self, unit: catalogue.Unit, rule: QuantizationRule) -> None:
        """Sites for `unit` as `rule` asks: its weight, and unless the rule keeps activations
        float in the graph (weight-only, dynamic range), its activation inputs and output; there,
        an embedding table is a weight. An input that is an output quantized with the other
        activation type gets an input site in this unit's type as well: the QDQ form then holds a
        requantize between them (see `shloq.passes.tfl.restore_requantizes`)."""
        dtype = activation_storage(rule.act_qtype)
        weight = unit.weight and (unit.weight.value, unit.weight.axis)
        weight_dtype = storage_type(rule.weight_qtype) if rule.weight_qtype else None
        if dtype is None and unit.spec.name == "gather":  # rows as a dense's output channels
            weight, weight_dtype = (unit.statics[0], 0), weight_dtype and "i8"  # int8 under int4 rules too
        if weight and weight_dtype is not None:
            value, axis = weight
            per_channel = {"axis": axis} if rule.per_channel_weights and axis is not None else {}
            key = self.new_key(kind="weight", dtype=weight_dtype, **per_channel, op=unit.spec.name)
            consumer = next(op for op in unit.ops if value in list(op.operands))
            self.weight_markers.append((value, key, consumer))
        if dtype is None:
            return
        for value in unit.inputs:
            if (value, dtype) not in self.site_of:
                self.site_of[(value, dtype)] = self.new_key(kind="activation", dtype=dtype)
            if (value, dtype) not in self.quantized_outputs:
                key, consumers = self.input_markers.setdefault((value, dtype), (self.site_of[(value, dtype)], []))
                consumers.extend(op for op in unit.ops if value in list(op.operands))
        category = unit.spec.category
        shared = category in (Category.SHARED, Category.SHARED_ALL)
        requantized = False
        if category in (Category.CONTRACTION, Category.INDEPENDENT) or (shared and not unit.inputs):
            key = self.new_key(kind="activation", dtype=dtype)
        elif category is Category.SHARED:
            key = self.site_of[(unit.inputs[0], dtype)]
        elif category is Category.SHARED_ALL:
            # A fixed scale (softmax, tanh) is never imposed on the other inputs: those inputs are
            # requantized to the shared scale instead.
            roots = {self.find(self.site_of[(v, dtype)]) for v in unit.inputs}
            free = [r for r in roots if self.attrs[r]["kind"] != "fixed"]
            key = self.union(free) if free else self.new_key(kind="activation", dtype=dtype)
            requantized = len(free) < len(roots)
        else:
            scale, zero_point = unit.spec.fixed_qparams[dtype]
            key = self.new_key(kind="fixed", dtype=dtype, scale=scale, zero_point=zero_point)
        static_keys = {}
        for value in unit.statics:  # calibrated like activations (their values are constant)
            static_key = static_keys[value] = key if shared else self.new_key(kind="activation", dtype=dtype)
            label = CLAMPED_CONSTANT if shared and (unit.inputs or unit.spec.name == "table") else "constant"
            self.static_markers.append((value, static_key, [op for op in unit.ops if value in list(op.operands)],
                                        label))
        if unit.spec.name == "batch_matmul" and dtype not in SYMMETRIC_ACTIVATIONS:
            first, second = unit.ops[0].operands
            self.symmetric.append(static_keys[second] if second in static_keys else self.site_of[(second, dtype)])
            if (first, dtype) in self.site_of:
                self.first_operands.append(self.site_of[(first, dtype)])
        if unit.spec.name == "softmax":
            self.keep_softmax_range(unit.inputs[0])
        self.site_of[(unit.output, dtype)] = key
        label = unit.spec.name + (":requantized" if requantized else "")
        self.output_markers.append((unit.output, key, label))
        self.quantized_outputs.add((unit.output, dtype))

    def add_float(self, unit: catalogue.Unit, rule: QuantizationRule) -> None:
        """A unit the profile leaves float: a float softmax still keeps its quantized input's range
        to what matters (masked scores at the floor, not at -1e4)."""
        if unit.spec.name == "softmax":
            self.keep_softmax_range(unit.inputs[0])

    def keep_softmax_range(self, scores) -> None:
        """Calibration keeps the range of a softmax input to what matters (masked scores at the
        floor, not at -1e4), on its sites of either type: an int16 masked sum requantized to an
        int8 softmax has the -1e4 of the mask on its own grid too."""
        for dtype in ("i8", "i16"):
            if (scores, dtype) in self.site_of:
                self.attrs[self.find(self.site_of[(scores, dtype)])]["softmax_axis"] = \
                    mlir.tensor_shape(scores.type)[-1]

    def insert_markers(self, block):
        # A fixed grid (softmax) keeps its own: shloq-canonicalize-dots puts it first. So does a grid that
        # is also a first operand's (a fused QKV dense's, whose slices share it): zero point 0 would
        # cost the queries precision for no XNNPACK gain on their product (gpt_block: -0.1 dB).
        firsts = {self.find(k) for k in self.first_operands}
        for key in self.symmetric:
            if self.attrs[self.find(key)]["kind"] == "activation" and self.find(key) not in firsts:
                self.attrs[self.find(key)]["symmetric"] = 1
        ids: dict[int, int] = {}

        def site_id(key):
            return ids.setdefault(self.find(key), len(ids))

        markers = [(value, key, consumers, "input") for (value, _), (key, consumers) in self.input_markers.items()]
        markers += self.static_markers
        for value, key, consumers, label in markers:
            _redirect(value, _marker(value, site_id(key), {**self.attrs[self.find(key)], "op": label}), consumers)
        for value, key, consumer in self.weight_markers:
            _redirect(value, _marker(value, site_id(key), self.attrs[key]), [consumer])
        for value, key, label in self.output_markers:
            marker = _marker(value, site_id(key), {**self.attrs[self.find(key)], "op": label})
            value.replace_all_uses_except(marker.results[0], marker)


def _redirect(value, marker, consumers):
    """Makes `consumers` read `marker` where they read `value`."""
    for op in consumers:
        for i, operand in enumerate(op.operands):
            if operand == value:
                op.operands[i] = marker.results[0]


def _marker(value, site: int, attrs: dict):
    """An identity `custom_call @shloq.site` on `value`, right after its definition."""
    producer = mlir.producer(value)
    block = value.owner if producer is None else None
    if producer is None:
        first = next((op for op in block.operations if op.operation.name != "stablehlo.constant"), None)
        ip = ir.InsertionPoint(first) if first is not None else ir.InsertionPoint(block)
        loc = value.location
    else:
        ip, loc = ir.InsertionPoint.after(producer), producer.location
    attributes = {"call_target_name": ir.StringAttr.get(SITE_TARGET), "shloq.site": mlir.i64(site)}
    for key, val in attrs.items():
        if isinstance(val, str):
            attributes[f"shloq.{key}"] = ir.StringAttr.get(val)
        elif isinstance(val, int):
            attributes[f"shloq.{key}"] = mlir.i64(val)
        else:
            attributes[f"shloq.{key}"] = mlir.f32(val)
    return ir.Operation.create("stablehlo.custom_call", results=[value.type], operands=[value],
                               attributes=attributes, loc=loc, ip=ip)
