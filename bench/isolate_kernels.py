"""Which LiteRT op `emulate` gets wrong, one op at a time.

End to end, a kernel that is off by one step on a few elements shows up layers later, spread and
amplified. `op_mismatches` feeds every op of the `.tflite` the tensors LiteRT itself computed for
its inputs (interpreter with all tensors preserved) and compares the emulated kernel's output with
LiteRT's, so each mismatch belongs to exactly one op.

    python bench/isolate_kernels.py [--model mobilenet|minilm] [--width 1.0] [--size 224]
"""
from __future__ import annotations

import argparse
import dataclasses

import jax
import numpy as np
from jax._src.config import explicit_x64_dtypes

import deepnets
from shloq import kernels, litert, tflite
from shloq.emulation import _constant as constant_value  # the emulator's own operand conversion


@dataclasses.dataclass
class OpMismatch:
    index: int          # position of the op in the .tflite's execution order
    name: str           # builtin name, e.g. "MEAN"
    output: str         # output tensor name (carries the source location)
    options: dict
    elements: int
    differing: int      # elements where the emulated integer is not LiteRT's
    worst: int          # largest difference, in steps of the output

    def __str__(self):
        return (f"op {self.index} {self.name} -> {self.output}: {self.differing}/{self.elements} elements differ, "
                f"worst {self.worst} steps; options {self.options}")


def op_mismatches(model, *inputs) -> tuple[int, list[OpMismatch]]:
    """(number of quantized ops compared, the ops whose emulated output differs from LiteRT's when
    both start from LiteRT's input tensors)."""
    graph = tflite.read(model.tflite)
    interp = litert.interpreter(model.tflite, preserve_all_tensors=True)
    for detail, x in zip(interp.get_input_details(), model._inputs(inputs)):
        interp.set_tensor(detail["index"], litert.quantize_input(np.asarray(x), detail))
    interp.invoke()
    quantized_ops = [(i, op) for i, op in enumerate(graph.ops) if any(t.quantized for t in op.outputs)]
    computed = {t.index: interp.get_tensor(t.index) for _, op in quantized_ops for t in op.inputs
                if t is not None and t.data is None}
    computed = {i: v.astype(np.int32) if graph.tensors[i].quantized else v for i, v in computed.items()}

    def run_each(tensors):  # every op on LiteRT's inputs, one jitted function as the emulator
        results = {}
        for i, op in quantized_ops:
            values = [None if t is None else tensors[t.index] if t.data is None else constant_value(t) for t in op.inputs]
            while values and values[-1] is None:
                values.pop()
            out = kernels.kernel(op)(op, *values)
            results[i] = list(out) if isinstance(out, (list, tuple)) else [out]
        return results

    with explicit_x64_dtypes("allow"):
        emulated = jax.device_get(jax.jit(run_each)(computed))
    found = []
    for i, op in quantized_ops:
        for t, value in zip(op.outputs, emulated[i]):
            if not t.quantized:
                continue
            diff = np.abs(np.asarray(value, np.int64) - interp.get_tensor(t.index).astype(np.int64))
            if diff.any():
                options = {k: v for k, v in op.options.items() if not isinstance(v, (list, np.ndarray))}
                found.append(OpMismatch(i, op.name, t.name, options, int(diff.size), int((diff > 0).sum()),
                                        int(diff.max())))
    return len(quantized_ops), found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="mobilenet", choices=("mobilenet", "minilm"))
    parser.add_argument("--style", default="linen", choices=deepnets.STYLES)
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=2)
    args = parser.parse_args(argv)
    if args.model == "minilm":
        import minilm
        q = minilm.quantize(strict=True, n_calibration=16)
        ids, mask, _ = next(minilm.batches(minilm.read_sentences("held_out"), q["batch"]))
        model, inputs = q["model"], (ids, mask)
    else:
        net = deepnets.mobilenet(args.style, args.width, args.size, 1000 if args.size >= 224 else 10)
        model = deepnets.quantize(net, args.batch, 8).model
        inputs = (net.images(args.batch, seed=2),)
    compared, found = op_mismatches(model, *inputs)
    print(f"{compared} quantized ops compared from LiteRT's own inputs; {len(found)} differ")
    for mismatch in found:
        print(f"  {mismatch}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
