"""The README's code runs as written: every ```python block, in order, in one namespace (a fresh
process in a scratch directory), and the shloq-opt command it shows."""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

RUNNER = r"""
import sys, traceback
blocks = {blocks!r}
namespace = {{"__name__": "__readme__"}}
for i, block in enumerate(blocks):
    try:
        exec(compile(block, f"README.md python block {{i + 1}}", "exec"), namespace)
    except Exception:
        traceback.print_exc()
        print(f"README python block {{i + 1}} failed:\n{{block}}", file=sys.stderr)
        sys.exit(1)
print("ran", len(blocks), "blocks")
"""


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_python_blocks_run_in_order(tmp_path):
    blocks = python_blocks(README)
    assert len(blocks) >= 4
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", RUNNER.format(blocks=blocks)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-4000:]
    assert f"ran {len(blocks)} blocks" in run.stdout
    assert (tmp_path / "mlp.tflite").read_bytes()[4:8] == b"TFL3"
    assert (tmp_path / "report.html").exists()


def test_list_passes_names_every_pass_of_the_table():
    assert "    shloq-opt --list-passes\n" in README
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "shloq-opt"), "--list-passes"], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    in_table = set(re.findall(r"^\| `(shloq-[a-z-]+)", README, flags=re.M))
    assert in_table and in_table <= set(re.findall(r"shloq-[a-z-]+", run.stdout))
