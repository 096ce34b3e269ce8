"""Standard output and error that can fail without a traceback: the CLI's Unix manners.

Rules
- While a command runs, ``sys.stdout`` and ``sys.stderr`` are guards around the real
  streams. A write that fails (a closed descriptor, ``EPIPE`` from a reader that
  stopped, ``ENOSPC`` from ``/dev/full``) marks the stream failed; later writes to it
  are dropped. A stream Python could not open at start-up (``>&-`` makes it ``None``)
  counts as failed at the first write.
- Once a real descriptor has failed, ``/dev/null`` is put in its place, so the
  interpreter's own flush at exit has nowhere to fail and prints nothing.
- Closed descriptors 0, 1 and 2 are reopened on ``/dev/null`` first, so a file the
  command opens never lands on descriptor 1 and receives its output by mistake.
- :func:`main` (``stretchkit.cli``) decides what a failure means for the exit code.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import sys
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["Guard", "Streams", "current", "guarded_streams", "read_stdin"]


class Guard:
    """A text stream that never raises on write or flush; it remembers that it failed."""

    def __init__(self, stream: IO[str] | None) -> None:
        self._stream = stream
        self.failed = False
        self.reason = ""

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:
        return getattr(self._stream, "errors", None) or "strict"

    def isatty(self) -> bool:
        if self._stream is None or self.failed:
            return False
        try:
            return self._stream.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self._stream is None:
            raise OSError(errno.EBADF, "the stream is closed")
        return self._stream.fileno()

    def writable(self) -> bool:
        return True

    def _fail(self, exc: BaseException) -> None:
        self.failed = True
        self.reason = getattr(exc, "strerror", None) or (
            "the stream is closed" if self._stream is None else type(exc).__name__
        )
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            fd = stream.fileno()
        except (OSError, ValueError, AttributeError):
            return
        if fd in (1, 2):
            # The real stream may still hold bytes it failed to write; give them a sink.
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, fd)
                os.close(null)

    def write(self, text: str) -> int:
        if self.failed:
            return len(text)
        if self._stream is None:
            self._fail(OSError(errno.EBADF, "the stream is closed"))
            return len(text)
        try:
            self._stream.write(text)
        except (OSError, ValueError) as exc:
            self._fail(exc)
        return len(text)

    def flush(self) -> None:
        if self.failed or self._stream is None:
            return
        try:
            self._stream.flush()
        except (OSError, ValueError) as exc:
            self._fail(exc)

    def __getattr__(self, name: str) -> Any:
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


class Streams:
    """The two guards of one command run, and what the command said about its output."""

    def __init__(self, stdout: Guard, stderr: Guard) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.output_is_result = True

    @property
    def stdout_failed(self) -> bool:
        return self.stdout.failed

    @property
    def stdout_reason(self) -> str:
        return self.stdout.reason

    def flush(self) -> None:
        self.stdout.flush()
        self.stderr.flush()

    def note(self, message: str) -> None:
        """A last word on standard error, unless the reader of the output simply stopped."""
        if self.stdout.reason != os.strerror(errno.EPIPE):
            self.stderr.write(message + "\n")
            self.stderr.flush()


_CURRENT: contextvars.ContextVar[Streams | None] = contextvars.ContextVar(
    "stretchkit_cli_streams", default=None
)


def current() -> Streams:
    """The streams of the command running now (a fresh pair outside :func:`main`)."""
    streams = _CURRENT.get()
    return streams if streams is not None else Streams(Guard(sys.stdout), Guard(sys.stderr))


def _reopen_closed_descriptors() -> None:
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_RDWR)
                if null != fd:  # a lower descriptor was free too: move it into place
                    os.dup2(null, fd)
                    os.close(null)


@contextlib.contextmanager
def guarded_streams() -> Iterator[Streams]:
    """Guard ``sys.stdout`` and ``sys.stderr`` for one command; restore them after."""
    _reopen_closed_descriptors()
    real_out, real_err = sys.stdout, sys.stderr
    streams = Streams(Guard(real_out), Guard(real_err))
    token = _CURRENT.set(streams)
    sys.stdout, sys.stderr = streams.stdout, streams.stderr
    try:
        yield streams
    finally:
        streams.flush()
        sys.stdout, sys.stderr = real_out, real_err
        _CURRENT.reset(token)


def read_stdin(max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of standard input (one more tells "too large").

    Raises :class:`OSError` when there is no standard input to read (``<&-``).
    """
    stdin = sys.stdin
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        raise OSError(errno.EBADF, "standard input is closed")
    data: bytes = buffer.read(max_bytes + 1)
    return data
