"""Which loop of LiteRT's broadcasting binary kernels computes each output element
(reference/process_broadcast_shapes.h `ProcessBroadcastShapes`, optimized_ops
`BinaryBroadcastFiveFold`). The optimized int8 ADD and MUL run their NEON loop on whole steps of
16 (8 for ADD's scalar-broadcast loop) within each innermost run and a scalar loop on the rest,
with different rounding, so the emulator needs each element's position in its run."""
from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class Loop:
    kind: str          # "elementwise" (same shapes), "generic" (reference 6-D loop), "five_fold", "scalar_broadcast"
    run: int           # length of the innermost run the vector loop walks (0 for generic)

    def vector_mask(self, out_shape, lanes: int) -> np.ndarray:
        """True where the element falls in a whole vector step of its run."""
        size = int(np.prod(out_shape))
        position = np.arange(size) % max(self.run, 1)
        covered = self.run - self.run % lanes
        return (position < covered).reshape(out_shape)


def loop(a_shape, b_shape) -> Loop:
    rank = max(len(a_shape), len(b_shape))
    a = (1,) * (rank - len(a_shape)) + tuple(a_shape)
    b = (1,) * (rank - len(b_shape)) + tuple(b_shape)
    size = int(np.prod(np.broadcast_shapes(a, b)))
    if a == b:
        return Loop("elementwise", size)
    first_fast = None
    for i in range(rank - 1, -1, -1):
        if a[i] == b[i]:
            continue
        if a[i] == 1:
            first_fast = True
        elif b[i] == 1:
            first_fast = False
        else:
            return Loop("generic", 0)
        break
    shape_a, shape_b = (a, b) if first_fast else (b, a)
    y = [1] * 5
    i = rank - 1
    while i >= 0 and shape_a[i] == shape_b[i]:
        y[4] *= shape_b[i]
        i -= 1
    while i >= 0 and shape_a[i] == 1:
        y[3] *= shape_b[i]
        i -= 1
    while i >= 0 and shape_a[i] == shape_b[i]:
        y[2] *= shape_a[i]
        i -= 1
    while i >= 0 and shape_b[i] == 1:
        y[1] *= shape_a[i]
        i -= 1
    while i >= 0 and shape_a[i] == shape_b[i]:
        y[0] *= shape_b[i]
        i -= 1
    if i >= 0:
        return Loop("generic", 0)
    return Loop("five_fold", y[4]) if y[4] > 1 else Loop("scalar_broadcast", y[3])
