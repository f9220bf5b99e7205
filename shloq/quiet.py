"""litert-converter's TensorFlow core logs through absl to stderr: as it loads ("All log messages
before absl::InitializeLog() ...", "oneDNN custom operations are on ...") and on every conversion
("Estimated count of arithmetic ops ..."). These lines are about the library, not the user's
model, and every command printed them; they are dropped, and any other line written to stderr
meanwhile is passed on."""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile

NOISE = ("All log messages before absl::InitializeLog()", "oneDNN custom operations are on",
         "Estimated count of arithmetic ops")


@contextlib.contextmanager
def native_logs_filtered():
    """Captures stderr at file descriptor 2 (where C++ writes) for the block, then writes back the
    lines that are not NOISE."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            for line in captured.read().decode("utf-8", errors="replace").splitlines(keepends=True):
                if not any(noise in line for noise in NOISE):
                    sys.stderr.write(line)


def import_converter() -> None:
    """Imports litert-converter's MLIR bindings, whose loading logs NOISE."""
    if "litert_converter.mlir.ir" not in sys.modules:
        with native_logs_filtered():
            import litert_converter.mlir.ir  # noqa: F401
