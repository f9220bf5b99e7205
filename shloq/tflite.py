"""The converted `.tflite` read back as plain data: tensors with their quantization and constant
buffers, ops with their builtin options, in execution order. The emulator runs this graph, so the
converter's rewrites (fusions, operand orders, inserted requantizes, folded transposes) are what
it computes, never a prediction of them."""
from __future__ import annotations

import dataclasses

import numpy as np

from ai_edge_litert import schema_py_generated as schema

_DTYPES = {schema.TensorType.FLOAT32: np.float32, schema.TensorType.INT32: np.int32,
           schema.TensorType.UINT8: np.uint8, schema.TensorType.INT64: np.int64, schema.TensorType.BOOL: np.bool_,
           schema.TensorType.INT16: np.int16, schema.TensorType.INT8: np.int8, schema.TensorType.INT4: np.int8, schema.TensorType.FLOAT16: np.float16}
_OP_NAMES = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
_ACTIVATIONS = {v: k for k, v in vars(schema.ActivationFunctionType).items() if not k.startswith("_")}


@dataclasses.dataclass(eq=False)
class Tensor:
    index: int
    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    scale: np.ndarray | None       # float32, one per channel along `axis` (or one); None: not quantized
    zero_point: np.ndarray | None  # int64, as `scale`
    axis: int
    data: np.ndarray | None        # the constant's values, None for a computed tensor

    @property
    def quantized(self) -> bool:
        return self.scale is not None

    @property
    def per_channel(self) -> bool:
        return self.scale is not None and self.scale.size > 1


@dataclasses.dataclass(eq=False)
class Op:
    name: str                       # builtin name, e.g. "CONV_2D"
    inputs: list[Tensor | None]     # None for an optional input left out (index -1)
    outputs: list[Tensor]
    options: dict                   # builtin options by schema field name, activation as its name

    @property
    def activation(self) -> str:
        return self.options.get("fusedActivationFunction", "NONE")


@dataclasses.dataclass
class Graph:
    tensors: list[Tensor]
    ops: list[Op]
    inputs: list[Tensor]
    outputs: list[Tensor]


def read(tflite: bytes) -> Graph:
    """The first subgraph of `tflite` (the one the signature runs)."""
    model = schema.ModelT.InitFromPackedBuf(bytearray(tflite), 0)
    graph = model.subgraphs[0]
    tensors = [_tensor(i, t, model.buffers, tflite) for i, t in enumerate(graph.tensors)]
    ops = []
    for op in graph.operators or []:
        code = model.operatorCodes[op.opcodeIndex]
        name = _OP_NAMES.get(max(code.builtinCode, code.deprecatedBuiltinCode), f"builtin_{code.builtinCode}")
        options = {} if op.builtinOptions is None else dict(vars(op.builtinOptions))
        if "fusedActivationFunction" in options:
            options["fusedActivationFunction"] = _ACTIVATIONS[options["fusedActivationFunction"]]
        ops.append(Op(name, [tensors[i] if i >= 0 else None for i in op.inputs],
                      [tensors[i] for i in op.outputs], options))
    return Graph(tensors, ops, [tensors[i] for i in graph.inputs], [tensors[i] for i in graph.outputs])


def _tensor(index: int, t, buffers, tflite: bytes) -> Tensor:
    dtype = np.dtype(_DTYPES.get(t.type, np.float32))
    shape = tuple(int(d) for d in (t.shape if t.shape is not None else ()))
    q = t.quantization
    scale = zero_point = None
    axis = 0
    if q is not None and q.scale is not None and len(q.scale) and np.issubdtype(dtype, np.integer):
        scale = np.asarray(q.scale, np.float32)
        zero_point = np.asarray(q.zeroPoint, np.int64)
        axis = int(q.quantizedDimension)
    data = None
    buffer = buffers[t.buffer] if t.buffer < len(buffers) else None
    if buffer is not None:
        raw = None
        if buffer.data is not None and len(buffer.data):
            raw = np.asarray(buffer.data, np.uint8).tobytes()
        elif buffer.offset > 1:  # large models keep buffers after the flatbuffer
            raw = tflite[buffer.offset:buffer.offset + buffer.size]
        if raw is not None and t.type == schema.TensorType.INT4:  # two a byte, low nibble first
            packed = np.frombuffer(raw, np.uint8)
            nibbles = np.stack([packed & 0xF, packed >> 4], axis=-1).reshape(-1)[:int(np.prod(shape))]
            data = (nibbles.astype(np.int8) ^ 8) - 8
            data = data.reshape(shape)
        elif raw is not None:
            data = np.frombuffer(raw, dtype).reshape(shape)
    name = t.name.decode() if isinstance(t.name, bytes) else str(t.name)
    return Tensor(index, name, shape, dtype, scale, zero_point, axis, data)
