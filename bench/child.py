"""Runs one benchmark job in a child Python process: its own peak memory, and a crash is a result.

Peak memory is the child's VmHWM (peak resident set) read from /proc while it runs. The child's
`ru_maxrss` would not do: Linux carries the resident set of the process that forked it across
exec, so every child would report at least the harness's own size.
"""
from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time


@dataclasses.dataclass
class ChildRun:
    status: str            # "ok", "exit N", "killed by SIGxxx", "timeout"
    wall_s: float
    peak_rss_mb: float
    log: str               # the child's stdout and stderr

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def failure(self) -> str:
        """One line saying how the child failed: its last error line, or the signal that killed it."""
        lines = [line.strip() for line in self.log.splitlines() if line.strip()]
        errors = [line for line in lines if "Error" in line or "error:" in line or "Exception" in line]
        last = (errors or lines or [""])[-1]
        return f"{self.status}: {last}"[:300] if last else self.status


def run(args: list[str], log_path: str, timeout: float) -> ChildRun:
    """`python *args` with stdout/stderr into `log_path`; waits at most `timeout` seconds."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "TQDM_DISABLE": "1", "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, *args], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env)
        status, peak_kib = _wait(proc, timeout)
    with open(log_path, errors="replace") as fh:
        text = fh.read()
    return ChildRun(status=status, wall_s=time.perf_counter() - started, peak_rss_mb=peak_kib / 1024, log=text)


def _wait(proc: subprocess.Popen, timeout: float) -> tuple[str, int]:
    """Waits for the child, sampling its VmHWM every 10 ms (the peak is monotonic, so the last
    sample misses only growth in the child's last 10 ms, during interpreter shutdown)."""
    deadline = time.monotonic() + timeout
    peak_kib, timed_out = 0, False
    while proc.poll() is None:
        peak_kib = max(peak_kib, _vm_hwm_kib(proc.pid))
        if time.monotonic() > deadline and not timed_out:
            proc.kill()
            timed_out = True
        time.sleep(0.01)
    if timed_out:
        return f"timeout after {timeout:.0f} s", peak_kib
    if proc.returncode < 0:
        try:
            name = signal.Signals(-proc.returncode).name
        except ValueError:
            name = f"signal {-proc.returncode}"
        return f"killed by {name}", peak_kib
    return ("ok" if proc.returncode == 0 else f"exit {proc.returncode}"), peak_kib


def _vm_hwm_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:  # exited between poll() and here
        pass
    return 0
