"""Files are written whole or not at all."""
from __future__ import annotations

import os
import tempfile

from shloq.errors import InputError


def write_atomically(path: str | os.PathLike, data: bytes) -> None:
    """Writes `data` to a temporary file beside `path`, then renames it over `path`."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".shloq-", dir=directory)
    except OSError as err:
        raise InputError(f"cannot write {path}: {err.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as err:
        os.unlink(tmp)
        raise InputError(f"cannot write {path}: {err.strerror}") from None
