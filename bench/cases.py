"""The benchmark's models and data: each is a `Case` that every pipeline reads from the same file.

A case holds the float export (serialized), its parameters, the calibration batches, the test
inputs and the float JAX outputs on them, so that shloq, AI Edge Quantizer, Qwix and float LiteRT
see exactly the same model and data. Cases are built once in the parent process and pickled for the
pipeline child processes (numpy arrays only; a Linen model is rebuilt in the child by `linen_module`).
"""
from __future__ import annotations

import dataclasses
import pathlib
import pickle
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
for _helpers in (ROOT / "tests", ROOT / "examples"):  # zoo.py, the oracles; minilm.py
    if str(_helpers) not in sys.path:
        sys.path.insert(0, str(_helpers))

ZOO_MODELS = ("mlp", "convnet", "einsum_block", "activations_mlp", "mobilenet_v3_block", "tiny_unet",
              "transformer_encoder", "gpt_block")
MODELS = ("digits",) + ZOO_MODELS + ("minilm",)


@dataclasses.dataclass
class Case:
    name: str
    exported: bytes                 # jax.export serialization of the float model f(params, *inputs)
    params: object                  # pytree of numpy arrays
    calibration: list               # input tuples
    tests: list                     # input tuples
    rows: list                      # real (unpadded) rows of each test batch's outputs
    reference: list                 # float JAX outputs per test batch (list of arrays each)
    metric: str                     # "sqnr" (dB) or "cosine" (mean over rows)
    shloq_method: str               # shloq's calibration method for this case (see `build`)
    qwix: tuple = ()                # `linen_module` names Qwix runs on (only Flax Linen models)

    def save(self, path) -> None:
        with open(path, "wb") as fh:
            pickle.dump(dataclasses.asdict(self), fh)

    @classmethod
    def load(cls, path) -> "Case":
        with open(path, "rb") as fh:
            return cls(**pickle.load(fh))


def linen_module(name: str, params):
    """(Flax Linen module, its variables) for a Linen case, rebuilt from code (modules do not pickle)."""
    if name == "digits":
        from shloq import demo
        return demo.digits_cnn(), params
    if name == "minilm":
        import minilm
        return minilm.MiniLM(), params
    if name == "minilm_presliced":
        return _presliced_minilm(params)
    raise ValueError(f"no Linen module named {name!r}")


def _presliced_minilm(variables):
    """MiniLM with its position and token-type tables cut to the rows it reads: the same function of
    the same weights. Qwix 0.1.8's OdmlConversionProvider fails on MiniLM as written: it fetches a
    weight by name and reshapes the whole table to the shape of the slice the model reads
    (`position[:seq]`: "cannot reshape array of shape (512, 384) ... into shape (1, 32, 384)")."""
    import flax.linen as nn
    import jax.numpy as jnp
    import minilm

    class Embeddings(nn.Module):
        @nn.compact
        def __call__(self, input_ids):
            init = nn.initializers.normal(0.02)
            word = self.param("word_embeddings", init, (30522, minilm.HIDDEN))
            position = self.param("position_embeddings", init, (minilm.SEQ_LEN, minilm.HIDDEN))
            token_type = self.param("token_type_embeddings", init, (minilm.HIDDEN,))
            x = jnp.take(word, input_ids, axis=0, mode="clip") + position[None] + token_type
            return minilm.layer_norm("LayerNorm")(x)

    class PreslicedMiniLM(nn.Module):
        @nn.compact
        def __call__(self, input_ids, attention_mask):  # minilm.MiniLM.__call__ with these embeddings
            x = Embeddings(name="embeddings")(input_ids)
            for i in range(minilm.LAYERS):
                x = minilm.Layer(name=f"layer_{i}")(x, attention_mask)
            m = attention_mask[:, :, None]
            pooled = jnp.sum(x * m, axis=1) / jnp.maximum(jnp.sum(m, axis=1), 1e-9)
            norm = jnp.sqrt(jnp.sum(pooled * pooled, axis=-1, keepdims=True))
            return pooled / jnp.maximum(norm, 1e-12)

    tables = variables["params"]["embeddings"]
    embeddings = {**tables, "position_embeddings": tables["position_embeddings"][:minilm.SEQ_LEN],
                  "token_type_embeddings": tables["token_type_embeddings"][0]}
    return PreslicedMiniLM(), {"params": {**variables["params"], "embeddings": embeddings}}


def _numpy_tree(tree):
    import jax
    return jax.tree.map(np.asarray, tree)


def _finish(name, exported, params, calibration, tests, rows, metric, shloq_method, qwix=()) -> Case:
    """Computes the float JAX reference outputs with the export itself and packs the case."""
    reference = [[np.asarray(y) for y in _as_list(exported.call(params, *x))] for x in tests]
    return Case(name=name, exported=bytes(exported.serialize()), params=_numpy_tree(params),
                calibration=[tuple(np.asarray(a) for a in b) for b in calibration],
                tests=[tuple(np.asarray(a) for a in x) for x in tests], rows=list(rows), reference=reference,
                metric=metric, shloq_method=shloq_method, qwix=tuple(qwix))


def _as_list(outputs) -> list:
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def build(name: str, quick: bool = False) -> Case:
    """The case for `name` (one of MODELS). `quick` calibrates and tests on less data and leaves the
    digits CNN untrained (CI smoke).

    shloq calibrates with `average_minmax` (as Qwix does) on digits and MiniLM (batches of 64 and 8
    samples). On the zoo it uses `minmax`, as tests/test_aeq.py does: the zoo's calibration sets are
    16 batches of 2-8 random samples, whose averaged batch extremes clip the test data."""
    import jax

    if name == "digits":
        from shloq import demo
        x_train, _, x_test, _ = demo.digits_data()
        if quick:  # untrained: training's compile alone would take longer than the whole smoke's work
            model = demo.digits_cnn()
            variables = model.init(jax.random.PRNGKey(0), x_train[:demo.BATCH])
            x_train, x_test = x_train[:4 * demo.BATCH], x_test[:2 * demo.BATCH]
        else:
            model, variables = demo.train_digits()
            x_train = x_train[:640]
        exported = jax.export.export(jax.jit(lambda v, x: model.apply(v, x)))(variables, x_test[:demo.BATCH])
        tests = [(b,) for b in demo.batched(x_test)]
        rows = [min(demo.BATCH, len(x_test) - i * demo.BATCH) for i in range(len(tests))]
        return _finish(name, exported, variables, [(b,) for b in demo.batched(x_train)], tests, rows,
                       "sqnr", "average_minmax", qwix=("digits",))
    if name == "minilm":
        import minilm
        variables = minilm.load_params()
        exported = minilm.export(variables, batch=8)
        calibration = minilm.read_sentences("calibration")[:16 if quick else None]
        held_out = minilm.read_sentences("held_out")[:8 if quick else None]
        calib = [(ids, mask) for ids, mask, _ in minilm.batches(calibration, 8)]
        tests, rows = [], []
        for ids, mask, n in minilm.batches(held_out, 8):
            tests.append((ids, mask))
            rows.append(n)
        return _finish(name, exported, variables, calib, tests, rows, "cosine", "average_minmax",
                       qwix=("minilm", "minilm_presliced"))
    if name in ZOO_MODELS:
        import zoo
        _, params, exported, calibration, tests = zoo.build(name)
        tests = [(x,) for x in tests]
        return _finish(name, exported, params, calibration, tests, [len(x[0]) for x in tests], "sqnr", "minmax")
    raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")


def accuracy(case: Case, outputs: list) -> float:
    """SQNR in dB (or mean cosine) of `outputs` (per test batch, a list of arrays) vs the float reference."""
    ref = [np.concatenate([np.ravel(y[:n]) for y in ys]) for ys, n in zip(case.reference, case.rows)]
    got = [np.concatenate([np.ravel(np.asarray(y)[:n]) for y in ys]) for ys, n in zip(outputs, case.rows)]
    if case.metric == "sqnr":
        ref, got = np.concatenate(ref).astype(np.float64), np.concatenate(got).astype(np.float64)
        return float(10 * np.log10(np.sum(ref ** 2) / max(np.sum((ref - got) ** 2), 1e-30)))
    dim = case.reference[0][0].shape[-1]
    ref = np.concatenate(ref).reshape(-1, dim).astype(np.float64)
    got = np.concatenate(got).reshape(-1, dim).astype(np.float64)
    cosine = np.sum(ref * got, -1) / np.maximum(np.linalg.norm(ref, axis=-1) * np.linalg.norm(got, axis=-1), 1e-12)
    return float(np.mean(cosine))
