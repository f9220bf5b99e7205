"""Which ops to quantize and how, in the seed's tensor-centric spelling."""
from __future__ import annotations

import dataclasses
import re

from shloq.errors import InputError
from shloq.qscheme import ACT_QTYPES, WEIGHT_QTYPES


@dataclasses.dataclass(frozen=True)
class QuantizationRule:
    """Each regex is searched (`re.search`) in one string of the op:

    - `op_path` in its name stack (e.g. `jit(apply)/M/enc/dot_general`) and in its Python source
      position as the report prints it, file name without directories (e.g. `model.py:42:8`); an
      op matches if either does, so `op_path=r"_linear\\.py"` picks the ops written in `_linear.py`;
    - `param_path` in the pytree path of a contraction's weight (e.g. `['enc']['kernel']`).

    `weight_qtype` (`"int8"`, or `"int4"` for dense layers) quantizes the weights of a matched
    op, `act_qtype` its output: `"int8"` or
    `"int16"` with calibrated static scales, `"dynamic"` by LiteRT at run time (dynamic range:
    hybrid kernels on int8 weights), None float (weight-only). `per_channel_weights=False` gives
    each weight one symmetric scale (Qwix's `disable_per_channel_weights`). Under weight-only and
    dynamic rules, embedding tables (gathers from a constant) are stored quantized as weights are.
    An op no rule matches stays float; the first matching rule wins."""
    op_path: str = ".*"
    param_path: str | None = None
    weight_qtype: str | None = "int8"
    act_qtype: str | None = "int8"
    per_channel_weights: bool = True

    def __post_init__(self):
        for field in ("op_path", "param_path"):
            pattern = getattr(self, field)
            if pattern is None:
                continue
            try:
                re.compile(pattern)
            except re.error as err:
                raise InputError(f"QuantizationRule.{field} {pattern!r} is not a valid regex: {err}") from None
        for field, allowed in (("weight_qtype", WEIGHT_QTYPES), ("act_qtype", ACT_QTYPES)):
            qtype = getattr(self, field)
            if qtype is not None and qtype not in allowed:
                raise InputError(f"QuantizationRule.{field}={qtype!r} is not supported; use one of "
                                 f"{sorted(allowed)} or None (float)")
        if self.weight_qtype == "int4" and self.act_qtype == "int16":
            raise InputError("QuantizationRule(weight_qtype='int4', act_qtype='int16'): LiteRT's 16x8 kernels take "
                             "int8 weights only")
        if self.act_qtype == "dynamic" and self.weight_qtype is None:
            raise InputError("QuantizationRule(act_qtype='dynamic') quantizes activations at run time for the "
                             "hybrid kernels of quantized weights; it needs a weight_qtype")

    def matches(self, op_path: str, param_path: str, source: str = "") -> bool:
        """`op_path` the name stack, `source` the `file.py:line:col` (see the class docstring)."""
        if not (re.search(self.op_path, op_path) or (source and re.search(self.op_path, source))):
            return False
        return self.param_path is None or bool(re.search(self.param_path, param_path))


def match_rule(rules, op_path: str, param_path: str = "", source: str = "") -> QuantizationRule | None:
    return next((r for r in rules if r.matches(op_path, param_path, source)), None)
