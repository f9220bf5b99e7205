"""Pass machinery: each pass is a small class with a registered name and typed options.

`run_pipeline(module, "shloq-inline,shloq-mark-sites{strict=true}")` runs passes by name, as
`shloq-opt -p` does; the Python API builds the same pass objects directly with real values.
"""
from __future__ import annotations

import dataclasses
import re
from typing import ClassVar

from litert_converter.mlir import ir

from shloq import mlir
from shloq.errors import InputError, PassError

_REGISTRY: dict[str, type["ModulePass"]] = {}


def register(cls):
    """Class decorator: makes the pass available by `cls.name` to pipelines and shloq-opt."""
    _REGISTRY[cls.name] = cls
    return cls


@dataclasses.dataclass
class ModulePass:
    """A module-to-module rewrite. Subclasses set `name`, `summary`, option fields and `run`.

    Errors are MLIR diagnostics emitted on the offending op's location (`op.location.emit_error`);
    a pass that emitted any error fails as a whole.
    """
    name: ClassVar[str]
    summary: ClassVar[str]
    verifies: ClassVar[bool] = True  # run the op verifier after the pass, as mlir-opt does

    def run(self, module: ir.Module) -> None:
        raise NotImplementedError

    def warn(self, loc, message: str) -> None:
        """Records a warning (MLIR's Python API can emit only errors)."""
        self._warnings.append(("warning", loc, message))

    def __call__(self, module: ir.Module) -> list[tuple[str, object, str]]:
        """Runs the pass; returns its warnings as (severity, location, message); raises PassError
        (carrying every error as a diagnostic) when it emitted errors."""
        self._warnings = []
        with mlir.context(), ir.Location.unknown(), mlir.collect_diagnostics() as diagnostics:
            self.run(module)
            if self.verifies and not any(d[0] == "error" for d in diagnostics):
                _verify(module, diagnostics)
        errors = [d for d in diagnostics if d[0] == "error"]
        if errors:
            raise PassError(self.name, errors)
        return self._warnings + diagnostics


def param_indices(pass_) -> list[int]:
    """The entry arguments a pass's `param_args` option names (comma-separated indices): the ones
    holding parameters, static as constants are (QAT keeps weights as arguments)."""
    try:
        return [int(i) for i in pass_.param_args.split(",") if i.strip()]
    except ValueError:
        raise InputError(f"param_args of '{pass_.name}' takes argument indices, not '{pass_.param_args}'") from None


def _verify(module, diagnostics):
    """As mlir-opt does after each pass: a pass that leaves invalid IR fails with the verifier's words."""
    try:
        module.operation.verify()
    except ir.MLIRError as err:
        diagnostics.extend(("error", d.location, f"the pass left invalid IR: {d.message}")
                           for d in err.error_diagnostics)


def registered_passes() -> dict[str, type[ModulePass]]:
    _load_all()
    return dict(sorted(_REGISTRY.items()))


def _load_all():
    from shloq.passes import (bind_params, canonicalize_dots, fold_affine, fold_constants, inline,  # noqa: F401
                              instrument, integer_io, integer_tables, layout, mark_sites, quantize, quantize_constants,
                              recognize)
    from shloq.passes import annotate  # noqa: F401
    from shloq.passes import tfl

    tfl.load_all()


_PIPELINE_RE = re.compile(r"""\s*([\w.-]+)\s*(\{(?:[^}"']|"[^"]*"|'[^']*')*\})?\s*(,|$)""")
_OPTION_RE = re.compile(r"""\s*([\w.-]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^,]*))?\s*(?:,|$)""")


def parse_pipeline(text: str) -> list[ModulePass]:
    """Parses `a,b{opt=1,other=x}` into configured pass objects; a value holding `,` or `}` is
    quoted: `{op_path="(a|b),c"}`."""
    passes_ = registered_passes()
    result = []
    for name, options in _items(_PIPELINE_RE, text, "pass pipeline"):
        if name not in passes_:
            raise InputError(f"unknown pass '{name}'; known passes: {', '.join(passes_)}")
        result.append(_configure(passes_[name], options[1:-1] if options else ""))
    return result


def _items(pattern, text: str, what: str):
    """The (name, value) groups of consecutive `pattern` matches covering `text`."""
    text, pos = text.strip(), 0
    while pos < len(text):
        m = pattern.match(text, pos)
        if not m or m.end() == pos:
            raise InputError(f"malformed {what} at column {pos + 1}: {text!r}")
        yield m.group(1), m.group(2)
        pos = m.end()


def _configure(cls, options: str) -> ModulePass:
    fields = {f.name: f for f in dataclasses.fields(cls) if f.metadata.get("cli", True)}
    values = {}
    for key, raw in _items(_OPTION_RE, options, f"options of '{cls.name}'"):
        if key not in fields:
            raise InputError(f"pass '{cls.name}' has no option '{key}'; options: {', '.join(fields) or 'none'}")
        raw = "true" if raw is None else raw.strip()
        if raw[:1] in "\"'" and len(raw) >= 2 and raw[-1] == raw[0]:
            raw = raw[1:-1]
        values[key] = _convert_option(cls.name, key, fields[key].type, raw)
    return cls(**values)


def _convert_option(pass_name, key, type_name, raw):
    type_name = str(type_name)
    if type_name.startswith("bool"):
        if raw not in ("true", "false", "1", "0"):
            raise InputError(f"option '{key}' of '{pass_name}' takes true or false, not '{raw}'")
        return raw in ("true", "1")
    if type_name.startswith("int"):
        try:
            return int(raw)
        except ValueError:
            raise InputError(f"option '{key}' of '{pass_name}' takes an integer, not '{raw}'") from None
    return raw


def run_pipeline(module: ir.Module, pipeline: str | list[ModulePass]) -> list:
    """Runs passes in order on `module` (in place); returns their warnings and remarks."""
    passes_ = parse_pipeline(pipeline) if isinstance(pipeline, str) else pipeline
    notes = []
    for p in passes_:
        notes.extend(p(module))
    return notes
