"""Files in and out, the one place that opens them: regular files only, writes atomic.

Rules
- Only a regular file (or ``-``, standard input, which the caller reads itself) is
  read. A FIFO, a directory or a device raises :class:`NotRegularFileError` (an
  :class:`OSError` whose ``strerror`` starts "not a regular file") *before* a byte
  is read: the file is opened non-blocking, so opening a FIFO no one writes to
  returns at once instead of hanging, and its kind is checked on the open
  descriptor, so it cannot be swapped in between a check and the open.
- A read takes at most ``max_bytes + 1`` bytes: one more than allowed is enough to
  tell "too large" without reading a file that grows (``/dev/zero`` is refused
  anyway, being a device).
- A write goes to a temporary file in the target's folder, is flushed to disk, and
  is renamed over the target. Readers see the old file or the new one, never a
  part; if anything fails the temporary file is removed and the old file is
  untouched. The new file keeps the old one's permission bits (a new file gets
  ``0o666`` less the umask, as :func:`open` would give it).
- An existing target that is not a regular file (``/dev/null``, a FIFO, a
  directory) is refused rather than replaced. A symbolic link is followed: the
  file it points to is replaced, the link stays.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat

__all__ = ["NotRegularFileError", "read_regular", "write_atomic"]

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFileError(OSError):
    """A path names a FIFO, a directory, a device or a socket: it is not read or replaced."""

    def __init__(self, mode: int, filename: str) -> None:
        kind = next((name for test, name in _KINDS if test(mode)), "not a plain file")
        super().__init__(errno.EINVAL, f"not a regular file (it is {kind})", filename)


def _checked_name(path: str | os.PathLike[str]) -> str:
    """The path as text; a path no file can have (a NUL byte, a lone surrogate) is an OSError.

    ``open`` would raise :class:`ValueError` or :class:`UnicodeEncodeError` for those,
    which a caller handling "cannot read the file" would not expect.
    """
    try:
        raw = os.fsencode(path)
    except (TypeError, ValueError):
        raise OSError(errno.EINVAL, "not a valid file name") from None
    if b"\0" in raw:
        raise OSError(errno.EINVAL, "not a valid file name (it holds a NUL character)")
    return os.fsdecode(raw)


def _kind_check(mode: int, filename: str) -> None:
    if not stat.S_ISREG(mode):
        raise NotRegularFileError(mode, filename)


def read_regular(path: str | os.PathLike[str], max_bytes: int) -> tuple[bytes, int]:
    """The bytes of the regular file at ``path`` and its size.

    When the size is more than ``max_bytes`` the bytes are not all read (the caller
    reports "too large" from the size). Raises :class:`OSError` (including
    :class:`NotRegularFileError`) if the file cannot be read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    name = _checked_name(path)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        _kind_check(info.st_mode, name)
        if info.st_size > max_bytes:
            return b"", info.st_size
        with contextlib.suppress(OSError):  # a regular file never blocks; this is tidiness
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return data, len(data)
    finally:
        os.close(fd)


def _new_file_mode() -> int:
    """``0o666`` less the umask, read without setting it (``os.umask`` is process-wide)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o644


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Replace the file at ``path`` with ``data`` (text is written as UTF-8), atomically.

    Raises :class:`OSError` if it cannot; the previous file is then untouched.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    _checked_name(path)
    target = os.path.realpath(path) if os.path.islink(path) else os.fspath(path)
    name = os.fsdecode(target)
    try:
        old = os.stat(target).st_mode
    except FileNotFoundError:
        mode = _new_file_mode()
    else:
        _kind_check(old, name)
        mode = stat.S_IMODE(old)
    import tempfile  # only writers pay for it (it imports shutil and random)

    folder, base = os.path.split(name)
    fd, temporary = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder or ".")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder or ".")


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable where the system allows it (POSIX; not Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
