"""`LiteRTModel.report` and `shloq report`: the per-tensor quality report points at the layer whose
own quantization is wrong, not at the layers after it that inherit its error."""
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq
from conftest import sqnr_db
from shloq import cli

RULES = [shloq.QuantizationRule()]


def _detector_mlp():
    """Four dense layers. Unit 0 of the second ("planted") fires only when input 0 exceeds 1.2,
    with a gain of 1000, and the layers after it ignore it: one calibration sample with input 0 at
    1.5 sets that layer's range to [0, 300], and its ordinary values (up to ~3) keep a few steps."""
    rng = np.random.default_rng(0)

    def normal(*shape, scale=0.3):
        return (rng.normal(size=shape) * scale).astype(np.float32)

    params = {"w1": normal(16, 32), "b1": normal(32, scale=0.1), "w2": normal(32, 32), "b2": normal(32, scale=0.1),
              "w3": normal(32, 32), "b3": normal(32, scale=0.1), "w4": normal(32, 4), "b4": normal(4, scale=0.1)}
    params["w1"][:, 0], params["w1"][0, 0], params["b1"][0] = 0.0, 1.0, 0.0        # h1[0] = relu(x[0])
    params["w2"][:, 0], params["w2"][0, 0], params["b2"][0] = 0.0, 1000.0, -1200.0  # h2[0] = relu(1000 (h1[0] - 1.2))
    params["w3"][0, :] = 0.0

    def f(p, x):
        h = jax.nn.relu(x @ p["w1"] + p["b1"])
        with jax.named_scope("planted"):
            h = jax.nn.relu(h @ p["w2"] + p["b2"])
        h = jax.nn.relu(h @ p["w3"] + p["b3"])
        return h @ p["w4"] + p["b4"]

    def batch():
        return rng.uniform(-1, 1, (8, 16)).astype(np.float32)

    calibration = [(batch(),) for _ in range(8)]
    outlier = batch()
    outlier[0, 0] = 1.5
    # Reported on a calibration batch, which the minmax ranges cover: nothing else is clipped.
    return types.SimpleNamespace(f=f, params=params, exported=jax.export.export(jax.jit(f))(params, batch()),
                                 calibration=calibration, outlier=outlier, test=calibration[0][0])


@pytest.fixture(scope="module")
def planted():
    m = _detector_mlp()
    for name, batches in (("clean", m.calibration), ("spiked", m.calibration + [(m.outlier,)])):
        stats = shloq.calibrate(m.exported, RULES, m.params, batches, method="minmax", progress=False)
        setattr(m, f"{name}_stats", stats)
        setattr(m, name, shloq.convert(m.exported, RULES, m.params, stats))
    return m


def _planted_row(report):
    [row] = [r for r in report.rows if "planted/" in r.location and r.kind == "activation"]
    return row


def test_report_finds_the_planted_outlier_layer(planted):
    report = planted.spiked.report(planted.test)
    culprit = _planted_row(report)
    assert [r.index for r in report.worst(1)] == [culprit.index]
    assert culprit.grid[1] > 250 and culprit.values[1] < 10  # the range the outlier left, and what is there
    assert culprit.own_sqnr_db < 15
    assert all(r.own_sqnr_db > 30 for r in report.rows if r is not culprit)
    # End to end, the layers after it are worse still: ranking by that would blame them.
    end_to_end_worst = min(report.rows, key=lambda r: r.sqnr_db)
    assert end_to_end_worst.index > culprit.index and end_to_end_worst.sqnr_db < culprit.sqnr_db


def test_report_without_the_outlier_flags_nothing(planted):
    report = planted.clean.report(planted.test)
    assert _planted_row(report).own_sqnr_db > 40
    assert [r.index for r in report.worst(1)] != [_planted_row(report).index]


def test_report_rows_agree_with_the_model(planted):
    """Rows are in graph order, the output tensor's SQNR is `emulate`'s, and LiteRT's activations
    are found and agree with the emulation."""
    model = planted.spiked
    report = model.report(planted.test)
    assert [r.index for r in report.rows] == list(range(len(report.rows)))
    output = report.rows[-1]
    assert output.sqnr_db == pytest.approx(sqnr_db(planted.f(planted.params, planted.test),
                                                   model.emulate(planted.test)), abs=1e-3)
    activations = [r for r in report.rows if r.kind == "activation"]
    assert len(activations) == 5  # the input and four layers
    assert all(r.litert_matches >= 1 and r.litert_agreement >= 0.99 for r in activations)
    assert {r.location for r in report.rows if r.kind == "weight"} == {f"p['w{i}']" for i in range(1, 5)}
    # LiteRT stores the [in, out] dense weights as [out, in]: compared in that layout.
    assert all(r.litert_matches == 1 and r.litert_agreement > 0.99 for r in report.rows if r.kind == "weight")
    assert output.scale == pytest.approx(model.output_steps[0])


def test_report_html_is_written(planted, tmp_path):
    path = tmp_path / "report.html"
    planted.spiked.report(planted.test).to_html(path, top=3)
    html = path.read_text()
    assert html.startswith("<!DOCTYPE html>") and "worst 3 by own SQNR" in html and "planted" in html


def test_report_command(planted, tmp_path, capsys):
    module, stats, inputs, params = (tmp_path / name for name in ("f.jax", "stats.json", "x.npz", "p.npz"))
    module.write_bytes(planted.exported.serialize())
    planted.spiked_stats.save(stats)
    np.savez(inputs, x=planted.test)
    np.savez(params, **{f"['{k}']": v for k, v in planted.params.items()})
    html = tmp_path / "report.html"
    code = cli.main(["report", str(module), "--stats", str(stats), "--inputs", str(inputs), "--params", str(params),
                     "--top", "1", "--html", str(html)])
    worst = capsys.readouterr().out.split("worst 1 by own SQNR")[1]
    assert code == 0 and "planted" in worst and html.exists()

    code = cli.main(["report", str(module), "--stats", str(tmp_path / "missing.json"), "--inputs", str(inputs),
                     "--params", str(params)])
    assert code == 1 and capsys.readouterr().err.startswith("shloq: error: cannot read stats from")


def test_report_compares_a_transposed_weight_in_litert_layout():
    """A conv's HWIO kernel 3x3x3x3 is stored by LiteRT as OHWI, the same shape: the report
    compares it in LiteRT's layout (in the kernel's own it agreed on ~12% of the elements), and the
    emulated kernel, put back in the site's order, is the site's own grid."""
    rng = np.random.default_rng(0)
    params = {"w": (rng.normal(size=(3, 3, 3, 3)) * 0.3).astype(np.float32)}

    def conv(p, x):
        return jax.nn.relu(jax.lax.conv_general_dilated(x, p["w"], (1, 1), "SAME",
                                                        dimension_numbers=("NHWC", "HWIO", "NHWC")))

    x = rng.normal(size=(1, 8, 8, 3)).astype(np.float32)
    exported = jax.export.export(jax.jit(conv))(params, x)
    stats = shloq.calibrate(exported, RULES, params, [(x,)], progress=False)
    report = shloq.convert(exported, RULES, params, stats).report(x)
    [kernel] = [r for r in report.rows if r.kind == "weight"]
    assert kernel.shape == (3, 3, 3, 3) and kernel.litert_matches == 1 and kernel.litert_agreement > 0.99
    assert kernel.sqnr_db == pytest.approx(kernel.own_sqnr_db)


def test_report_leaves_by_design_saturation_out():
    """A mask fill (-1e9 in `jnp.where`) saturates to the scores' range by design: its elements
    are left out of the SQNRs, and worst() ranks the layers, not the fill at 0 dB."""
    rng = np.random.default_rng(0)
    params = {"wq": (rng.normal(size=(8, 8)) * 0.3).astype(np.float32)}

    def attention(p, x):
        scores = jnp.where(jnp.tril(jnp.ones((4, 4), bool)), (x @ p["wq"]) @ x.T, -1e9)
        return jax.nn.softmax(scores, axis=-1) @ x

    x = rng.normal(size=(4, 8)).astype(np.float32)
    exported = jax.export.export(jax.jit(attention))(params, x)
    stats = shloq.calibrate(exported, RULES, params, [(x,)], progress=False)
    report = shloq.convert(exported, RULES, params, stats).report(x)
    [fill] = [r for r in report.rows if r.op == "constant:clamped"]
    [masked] = [r for r in report.rows if r.op == "select"]
    assert np.isnan(fill.own_sqnr_db) and masked.own_sqnr_db > 30 and masked.sqnr_db > 25
    worst = report.worst(len(report.rows))
    assert all(r.op != "constant:clamped" for r in worst) and worst[0].own_sqnr_db > 30  # was the fill, 0.0 dB
