"""Errors a user can cause. Each names the problem and, where there is one, the op and its source."""


class ShloqError(Exception):
    """Base of every error shloq raises on bad input or unsupported models."""


class InputError(ShloqError):
    """The module, params, batches or options given do not fit together."""


class ModuleParseError(InputError):
    """A `.mlir` file or serialized module could not be read; `diagnostics` holds (line, column,
    message) for each parser error."""

    def __init__(self, message, diagnostics=()):
        self.diagnostics = list(diagnostics)
        super().__init__(message)


class UnsupportedOpError(ShloqError):
    """Strict mode met ops it cannot quantize as asked: outside the op catalogue, or without a
    LiteRT kernel for the requested type; `ops` lists (op name, location) pairs, `reasons` why."""

    def __init__(self, ops, reasons=(), advice=None):
        self.ops = list(ops)
        self.reasons = list(reasons) or ["is not in shloq's op catalogue"] * len(self.ops)
        lines = "\n".join(f"  {name} at {where}: {why}" for (name, where), why in zip(self.ops, self.reasons))
        advice = advice or "(strict mode); leave them float with strict=False or exclude them with a rule"
        super().__init__(f"{len(self.ops)} op(s) cannot be quantized {advice}:\n{lines}")


class CalibrationError(ShloqError):
    """Calibration data is missing, malformed or non-finite."""


class PassError(ShloqError):
    """A pass reported errors as MLIR diagnostics: `diagnostics` holds (severity, location, message)."""

    def __init__(self, pass_name, diagnostics):
        from shloq.mlir import describe

        self.pass_name = pass_name
        self.diagnostics = list(diagnostics)
        super().__init__(f"pass '{pass_name}' failed:\n" + "\n".join(
            f"  {describe(loc)}: {message}" for _, loc, message in self.diagnostics))


class ConversionError(ShloqError):
    """The LiteRT converter refused the quantized module."""
