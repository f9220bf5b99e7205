"""Files are written whole or not at all."""
from __future__ import annotations

import os
import stat
import tempfile

from shloq.errors import InputError


def write_atomically(path: str | os.PathLike, data: bytes) -> None:
    """Writes `data` to a temporary file beside `path`, then renames it over `path`. The file gets
    the mode `open()` would give it: an existing file's own, else 0666 less the umask (mkstemp's
    temporary file is 0600)."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".shloq-", dir=directory)
    except OSError as err:
        raise InputError(f"cannot write {path}: {err.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), _new_file_mode(path))
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as err:
        os.unlink(tmp)
        raise InputError(f"cannot write {path}: {err.strerror}") from None


def _new_file_mode(path: str) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where Linux shows it (os.umask can only set it)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_bytes(path: str | os.PathLike) -> bytes:
    """The file's bytes; a file that cannot be read is an InputError naming it."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as err:
        raise InputError(f"cannot read {os.fspath(path)}: {err.strerror}") from None
