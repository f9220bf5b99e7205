"""shloq-opt: runs shloq passes on `.mlir` files, in the manner of mlir-opt."""
from __future__ import annotations

import argparse
import re
import sys

from shloq import mlir
from shloq.errors import ModuleParseError, PassError, ShloqError
from shloq.passes import parse_pipeline, registered_passes

SPLIT_MARKER = re.compile(r"^// -----\s*$", re.M)
EXPECTED = re.compile(r"//\s*expected-(error|warning|remark)\s*(@above|@below|@[+-]\d+)?\s*\{\{(.*?)\}\}")


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="shloq-opt", description="Run shloq passes on StableHLO .mlir files.")
    parser.add_argument("file", nargs="?", default="-", help="input .mlir file, or - for stdin")
    parser.add_argument("-p", "--pass-pipeline", default="", help="passes to run, e.g. 'shloq-inline,shloq-mark-sites{strict=false}'")
    parser.add_argument("-o", dest="output", default="-", help="output file (default stdout)")
    parser.add_argument("--split-input-file", action="store_true", help="treat '// -----' as separating modules")
    parser.add_argument("--verify-diagnostics", action="store_true",
                        help="check diagnostics against expected-error/warning comments in the input")
    parser.add_argument("--mlir-print-debuginfo", action="store_true", help="print locations")
    parser.add_argument("--list-passes", action="store_true", help="list the registered passes and exit")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = _arguments(argv)
    if args.list_passes:
        for name, cls in registered_passes().items():
            print(f"{name}: {cls.summary}")
        return 0
    try:
        text = sys.stdin.read() if args.file == "-" else open(args.file).read()
        pipeline = parse_pipeline(args.pass_pipeline)
    except OSError as err:
        print(f"shloq-opt: error: cannot read {args.file}: {err.strerror}", file=sys.stderr)
        return 1
    except ShloqError as err:
        print(f"shloq-opt: error: {err}", file=sys.stderr)
        return 1
    chunks = _split(text) if args.split_input_file else [(0, text)]
    outputs, failed = [], False
    for first_line, chunk in chunks:
        printed, diagnostics = _process(chunk, first_line, pipeline, args.mlir_print_debuginfo)
        if args.verify_diagnostics:
            problems = _verify(chunk, first_line, diagnostics)
            for problem in problems:
                print(f"{args.file}:{problem}", file=sys.stderr)
            failed |= bool(problems)
        else:
            for severity, line, col, message in diagnostics:
                print(f"{args.file}:{line}:{col}: {severity}: {message}", file=sys.stderr)
            failed |= any(d[0] == "error" for d in diagnostics)
        if printed is not None:
            outputs.append(printed)
    result = "\n// -----\n".join(outputs)
    if args.output == "-":
        sys.stdout.write(result)
    else:
        from shloq.files import write_atomically

        write_atomically(args.output, result.encode())
    return 1 if failed else 0


def _split(text):
    chunks, start, line = [], 0, 0
    for m in SPLIT_MARKER.finditer(text):
        chunks.append((line, text[start:m.start()]))
        line += text[start:m.end()].count("\n")
        start = m.end()
    chunks.append((line, text[start:]))
    return chunks


def _process(chunk, first_line, pipeline, debuginfo):
    """Parses and transforms one module; returns (printed module or None, diagnostics)."""
    source = "\n" * first_line + chunk  # keep the file's line numbers in locations
    try:
        module = mlir.parse_module(source, "-")
    except ModuleParseError as err:
        return None, [("error", line, col, message) for line, col, message in err.diagnostics]
    diagnostics = []
    try:
        for p in pipeline:
            diagnostics += [_line_diagnostic(d) for d in p(module)]
    except PassError as err:
        return None, diagnostics + [_line_diagnostic(d) for d in err.diagnostics]
    with mlir.context():
        return module.operation.get_asm(enable_debug_info=debuginfo), diagnostics


def _line_diagnostic(diagnostic):
    """(severity, line, column, message); a location with no file position names itself instead."""
    severity, loc, message = diagnostic
    line, col = mlir.location_position(loc)
    if (line, col) == (0, 0) and mlir.location_name(loc):
        message = f"at {mlir.location_name(loc)}: {message}"
    return severity, line, col, message


def _verify(chunk, first_line, diagnostics):
    """Matches diagnostics to `// expected-<severity> @<where> {{text}}` comments."""
    expected = []
    for offset, line in enumerate(chunk.splitlines()):
        for m in EXPECTED.finditer(line):
            lineno = first_line + offset + 1
            where = m.group(2) or ""
            if where == "@above":
                lineno -= 1
            elif where == "@below":
                lineno += 1
            elif where:
                lineno += int(where[1:])
            expected.append([m.group(1), lineno, m.group(3), False])
    problems = []
    for severity, line, col, message in diagnostics:
        match = next((e for e in expected if not e[3] and e[0] == severity and e[1] == line and e[2] in message), None)
        if match is None:
            problems.append(f"{line}:{col}: unexpected {severity}: {message}")
        else:
            match[3] = True
    problems += [f"{line}: expected {severity} \"{text}\" was not produced" for severity, line, text, seen in expected
                 if not seen]
    return problems


if __name__ == "__main__":
    sys.exit(main())
