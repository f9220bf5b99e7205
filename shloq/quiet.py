"""litert-converter's TensorFlow core logs through absl as it loads ("All log messages before
absl::InitializeLog() ...", "oneDNN custom operations are on ..."): lines about the library's
build, not about the user's model, printed by every command. They are dropped at import; any other
line written to stderr meanwhile is passed on."""
from __future__ import annotations

import os
import sys
import tempfile

NOISE = ("All log messages before absl::InitializeLog()", "oneDNN custom operations are on")


def import_converter() -> None:
    """Imports litert-converter's MLIR bindings with stderr (file descriptor 2, where C++ writes)
    captured, then writes back what is not NOISE."""
    if "litert_converter.mlir.ir" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import litert_converter.mlir.ir  # noqa: F401
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            for line in captured.read().decode("utf-8", errors="replace").splitlines(keepends=True):
                if not any(noise in line for noise in NOISE):
                    sys.stderr.write(line)
