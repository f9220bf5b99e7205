"""The benchmark harness (bench/run.py) in its CI smoke form: digits with every peer, a small
scaling grid; the table has a row per pipeline with numbers that make sense."""
import json
import pathlib
import subprocess
import sys

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--smoke", "--out", str(out)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((out / "results.json").read_text())
    return out, results, proc.stdout


def _row(results, pipeline):
    (row,) = [r for r in results["rows"] if r["model"] == "digits" and r["pipeline"] == pipeline]
    return row


def test_float_reference_row(smoke):
    _, results, _ = smoke
    row = _row(results, "float")
    assert row["status"] == "ok"
    assert row["accuracy"] > 80                      # float LiteRT vs float JAX: rounding only
    assert row["float_ops"] == row["ops"] > 0
    assert row["xnnpack_ms"] > 0 and row["builtin_ms"] > 0


def test_shloq_row_is_full_integer_smaller_and_close_to_float(smoke):
    _, results, _ = smoke
    row, flt = _row(results, "shloq"), _row(results, "float")
    assert row["status"] == "ok"
    assert row["float_ops"] == 0
    assert row["bytes"] < 0.7 * flt["bytes"]
    assert row["accuracy"] > 25                      # dB; ~39 measured
    assert row["calibrate_s"] > 0 and row["convert_s"] > 0
    assert 50 < row["peak_rss_mb"] < 8000
    assert row["xnnpack_ms"] > 0 and row["builtin_ms"] > 0


@pytest.mark.parametrize("pipeline", ["aeq", "qwix-digits"])
def test_peer_rows_have_numbers_or_say_how_they_failed(smoke, pipeline):
    _, results, _ = smoke
    row = _row(results, pipeline)
    if row["status"] != "ok":
        assert row["status"].strip(), "a failed peer must say how it failed"
        return
    assert row["accuracy"] > 20 and row["bytes"] > 0 and row["xnnpack_ms"] > 0 and row["peak_rss_mb"] > 20


def test_results_md_charts_and_targets(smoke):
    out, results, stdout = smoke
    md = (out / "results.md").read_text()
    for label in ("float LiteRT", "shloq", "AI Edge Quantizer", "Qwix"):
        assert f"| digits | {label} |" in md
    assert "| mlp | 2 |" in md and "| mlp | 4 |" in md
    assert all("calibrate_s" in p for p in results["scaling"]), results["scaling"]
    for png in ("peers.png", "scaling.png"):
        data = (out / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert "performance targets:" in stdout and len(results["targets"]) >= 5
    assert "MiniLM int8 .tflite at most 0.27x the float file" in md


def test_a_crashing_child_is_a_result(tmp_path):
    sys.path.insert(0, str(BENCH))
    try:
        import child
    finally:
        sys.path.remove(str(BENCH))
    script = tmp_path / "crash.py"
    script.write_text("import os\nos.abort()\n")
    run = child.run([str(script)], str(tmp_path / "log.txt"), timeout=60)
    assert not run.ok and run.status == "killed by SIGABRT"
    assert run.failure().startswith("killed by SIGABRT")
