"""shloq-opt: runs shloq passes on `.mlir` files, in the manner of mlir-opt."""
from __future__ import annotations

import argparse
import re
import sys

from shloq import mlir
from shloq.errors import ModuleParseError, PassError, ShloqError
from shloq.files import read_bytes
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
        data = sys.stdin.buffer.read() if args.file == "-" else read_bytes(args.file)
        pipeline = parse_pipeline(args.pass_pipeline)
        failed, result = _run(args, data, pipeline)
        if failed:
            return 1  # as mlir-opt: a failed run writes no output file
        if args.output == "-":
            sys.stdout.write(result)
        else:
            from shloq.files import write_atomically

            write_atomically(args.output, result.encode())
    except ShloqError as err:
        print(f"shloq-opt: error: {err}", file=sys.stderr)
        return 1
    return 0



def _run(args, data: bytes, pipeline) -> tuple[bool, str]:
    """Runs the pipeline on each module of the input and reports diagnostics at their positions in
    the input file; returns (whether it failed, the printed modules)."""
    if data.startswith(mlir.BYTECODE_MAGIC):  # bytecode or a portable artifact: one module, no text positions
        chunks = [(0, data)]
    else:
        text = data.decode("utf-8", errors="replace")
        chunks = _split(text) if args.split_input_file else [(0, text)]
    outputs, failed = [], False
    for first_line, chunk in chunks:
        printed, diagnostics = _process(chunk, first_line, pipeline, args.mlir_print_debuginfo, args.file)
        if args.verify_diagnostics:
            problems = _verify(chunk if isinstance(chunk, str) else "", first_line, diagnostics)
            for problem in problems:
                print(f"{args.file}:{problem}", file=sys.stderr)
            failed |= bool(problems)
        else:
            for severity, line, col, message, note in diagnostics:
                where = f"{args.file}:{line}:{col}" if line else args.file
                print(f"{where}: {severity}: {message}", file=sys.stderr)
                if note:
                    print(f"{where}: note: at {note}", file=sys.stderr)
            failed |= any(d[0] == "error" for d in diagnostics)
        if printed is not None:
            outputs.append(printed)
    return failed, "\n// -----\n".join(outputs)


def _split(text):
    chunks, start, line = [], 0, 0
    for m in SPLIT_MARKER.finditer(text):
        chunks.append((line, text[start:m.start()]))
        line += text[start:m.end()].count("\n")
        start = m.end()
    chunks.append((line, text[start:]))
    return chunks


def _process(chunk, first_line, pipeline, debuginfo, file_name):
    """Parses and transforms one module; returns (printed module or None, diagnostics as
    (severity, line, column, message, note))."""
    if isinstance(chunk, bytes):
        try:
            module = mlir.parse_source(chunk, file_name)
        except ModuleParseError as err:
            return None, [("error", line, col, message, "") for line, col, message in err.diagnostics] or [
                ("error", 0, 0, str(err), "")]
        positions = {}
    else:
        source = "\n" * first_line + chunk  # keep the file's line numbers in locations
        try:
            module = mlir.parse_module(source, "-")
        except ModuleParseError as err:
            return None, [("error", line, col, message, "") for line, col, message in err.diagnostics]
        positions = input_positions(source, module)
    diagnostics = []
    try:
        for p in pipeline:
            diagnostics += [_positioned(d, positions) for d in p(module)]
    except PassError as err:
        return None, diagnostics + [_positioned(d, positions) for d in err.diagnostics]
    with mlir.context():
        return module.operation.get_asm(enable_debug_info=debuginfo), diagnostics


_LOC_START = re.compile(r'//|"|(?<![\w#.$-])loc\(')
_LOC_ALIAS = re.compile(r"#[\w.$-]+\s*=\s*$")
_PARSED_POSITION = re.compile(r'loc\("-":(\d+):(\d+)\)')


def input_positions(source: str, module) -> dict[str, tuple[int, int]]:
    """Where each op of `module` stands in `source`, keyed by its location's text.

    An op with an explicit `loc(...)` (a jax export carries the Python source of each op) has lost
    its position in the file once parsed. So the source is parsed again with every location blanked
    out (same line and column for everything else), where the parser gives each op its position,
    and the two modules are walked in step. Ops sharing a location keep the first position; an
    unknown location gets none."""
    try:
        bare = mlir.parse_module(_blank_locations(source), "-")
    except ModuleParseError:
        return {}
    with mlir.context():
        located, bare_located = _located(module), _located(bare)
        if len(located) != len(bare_located):
            return {}
        positions = {}
        for loc, bare_loc in zip(located, bare_located):
            at = _PARSED_POSITION.fullmatch(str(bare_loc))
            if at and str(loc) != "loc(unknown)":  # says nothing of where an op is
                positions.setdefault(str(loc), (int(at.group(1)), int(at.group(2))))
    return positions


def _located(module) -> list:
    """The location of every op and block argument of `module`, in walk order."""
    found = []
    for op in mlir.walk(module.operation):
        found.append(op.location)
        found += [arg.location for region in op.regions for block in region.blocks for arg in block.arguments]
    return found


def _blank_locations(source: str) -> str:
    """`source` with every `loc(...)` and `#alias = loc(...)` replaced by spaces (newlines kept)."""
    out, i = list(source), 0
    while True:
        m = _LOC_START.search(source, i)
        if m is None:
            return "".join(out)
        if m.group() == "//":
            i = source.find("\n", m.end())
            i = len(source) if i < 0 else i
        elif m.group() == '"':
            i = _string_end(source, m.end())
        else:
            end = _paren_end(source, m.end())
            line_start = source.rfind("\n", 0, m.start()) + 1
            alias = _LOC_ALIAS.search(source, line_start, m.start())
            begin = alias.start() if alias else m.start()
            for k in range(begin, end):
                if out[k] != "\n":
                    out[k] = " "
            i = end


def _string_end(source: str, i: int) -> int:
    while i < len(source) and source[i] != '"':
        i += 2 if source[i] == "\\" else 1
    return i + 1


def _paren_end(source: str, i: int) -> int:
    """The index after the `)` closing the `(` just before `i`."""
    depth = 1
    while i < len(source) and depth:
        if source[i] == '"':
            i = _string_end(source, i + 1)
            continue
        depth += {"(": 1, ")": -1}.get(source[i], 0)
        i += 1
    return i


def _positioned(diagnostic, positions):
    """(severity, line, column, message, note): the position in the input file of the op the
    diagnostic is about (0, 0 when unknown), and as note its name stack and Python source. An op
    a pass created is placed at the input op whose location its own wraps (an inlined op at the
    op in the callee)."""
    severity, loc, message = diagnostic
    text = str(loc)
    parsed = _PARSED_POSITION.fullmatch(text)
    if text in positions:
        at = positions[text]
    elif parsed:
        at = int(parsed.group(1)), int(parsed.group(2))
    else:
        wrapped = [(len(key), position) for key, position in positions.items()
                   if re.search(re.escape(key[4:-1]) + r"(?!\d)", text)]
        at = max(wrapped, key=lambda w: (w[0], -w[1][0], -w[1][1]))[1] if wrapped else (0, 0)
    name, source = mlir.location_name(loc), mlir.location_source(loc)
    note = " ".join(part for part in (name, "" if source.startswith("-:") or not source else f"({source})") if part)
    return severity, at[0], at[1], message, note


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
    for severity, line, col, message, _ in diagnostics:
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
