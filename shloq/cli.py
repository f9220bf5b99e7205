"""The `shloq` command: `shloq demo` quantizes the bundled digits example end to end."""
from __future__ import annotations

import argparse
import sys

from shloq.errors import ShloqError


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="shloq", description="Quantize jax.export modules to full-integer LiteRT.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train a digits CNN, quantize it to int8 .tflite and report")
    demo.add_argument("--out-dir", default=".", help="where to write digits_int8.tflite")
    demo.add_argument("--qat", action="store_true", help="also fine-tune with quantization-aware training")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            from shloq.demo import main as demo_main

            return demo_main(args.out_dir, qat=args.qat)
    except ShloqError as err:
        print(f"shloq: error: {err}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
