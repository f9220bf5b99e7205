"""The `shloq` command: `shloq demo` quantizes the bundled digits example end to end; `shloq report`
shows where a model loses accuracy to quantization."""
from __future__ import annotations

import argparse
import sys

from shloq import __version__
from shloq.errors import ShloqError


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="shloq", description="Quantize jax.export modules to full-integer LiteRT.")
    parser.add_argument("--version", action="version", version=f"shloq {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train a digits CNN, quantize it to int8 .tflite and report")
    demo.add_argument("--out-dir", default=".", help="where to write digits_int8.tflite")
    demo.add_argument("--qat", action="store_true", help="also fine-tune with quantization-aware training")
    report = sub.add_parser("report", help="per quantized tensor: scale, SQNR vs float, LiteRT vs emulation")
    report.add_argument("module", help="a serialized jax.export module, or a .mlir file")
    report.add_argument("--stats", required=True, help="calibration stats (shloq.Stats.save JSON)")
    report.add_argument("--inputs", required=True, help=".npz holding one batch of the model's inputs, in order")
    report.add_argument("--params", help=".npz of params: by pytree path (['dense']['kernel']) for a jax.export "
                                         "module, by argument name for a .mlir file")
    report.add_argument("--act-qtype", default="int8", choices=["int8", "int16"], help="activation type (one rule)")
    report.add_argument("--top", type=int, default=5, help="how many of the worst tensors to list again")
    report.add_argument("--html", help="also write the report as HTML to this path")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            from shloq.demo import main as demo_main

            return demo_main(args.out_dir, qat=args.qat)
        if args.command == "report":
            from shloq.report import main as report_main

            return report_main(args.module, args.stats, args.inputs, args.params, args.act_qtype, args.top, args.html)
    except ShloqError as err:
        print(f"shloq: error: {err}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
