"""bench/tool_speed.py in its smoke form (the zoo MLP, two calibration batches): both pipelines run
in one process and the report has each phase, the verdict line and its JSON."""
import json
import pathlib
import subprocess
import sys

BENCH = pathlib.Path(__file__).resolve().parents[1] / "bench"


def test_tool_speed_reports_both_pipelines_and_a_verdict(tmp_path):
    proc = subprocess.run([sys.executable, str(BENCH / "tool_speed.py"), "--model", "mlp", "--quick", "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = (tmp_path / "tool_speed_mlp_quick.txt").read_text()
    assert text.strip() in proc.stdout
    for line in ("shloq: best", "AI Edge Quantizer: best", "  calibrate", "  convert", "  float .tflite",
                 "  quantize", "XLA compile", "LiteRT converter", "load average before"):
        assert line in text, line
    verdict = [line for line in text.splitlines() if "shloq export+calibrate+convert <= AEQ" in line]
    assert len(verdict) == 1 and verdict[0][:6] in ("[PASS]", "[FAIL]")
    report = json.loads((tmp_path / "tool_speed_mlp_quick.json").read_text())
    assert {r["pipeline"] for r in report["runs"]} == {"shloq", "AI Edge Quantizer"}
    for run in report["runs"]:
        assert run["total_s"] > 0 and run["tflite_bytes"] > 0
        assert abs(sum(run["phases"].values()) - run["total_s"]) < 1e-6
    assert report["passed"] == verdict[0].startswith("[PASS]")
