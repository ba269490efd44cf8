"""Reading a file a user named: only a regular file, within a size bound, never blocking.

A scenario, a moves file or a session log is named on the command line, so it may be
anything: a FIFO (whose ``open`` blocks until a writer comes), ``/dev/zero`` (endless),
a folder, a dangling or looping link, a path through a folder we may not search, or a
name longer than the system allows. Each is one sentence, raised as :class:`FileProblem`,
within a second: the file is opened without blocking and checked with ``fstat`` before a
byte is read, and reading stops one byte past the bound.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | \
    getattr(os, "O_CLOEXEC", 0)

_ERRNO_WORDS = {
    errno.ENOENT: "no such file",
    errno.EACCES: "permission denied: it cannot be read",
    errno.EPERM: "permission denied: it cannot be read",
    errno.ELOOP: "a link that loops back on itself",
    errno.ENAMETOOLONG: "the name is too long for this system",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "this is a folder, not a file",
    errno.ENXIO: "this is a device or socket, not a file",
}


class FileProblem(Exception):
    """A named path that cannot be read as a file; the message is one sentence."""


def _kind(mode: int) -> str | None:
    """Why a file of this mode is not one we read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "this is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "this is a pipe (FIFO), not a file; save the content to a file first"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "this is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "this is a socket, not a file"
    return "this is not a regular file"


def describe_os_error(exc: OSError, path: str | Path | None = None) -> str:
    """An OS error in words a user can act on (no errno numbers, no traceback)."""
    if exc.errno == errno.ENOENT and path is not None and os.path.islink(path):
        return "a link to something that does not exist"
    words = _ERRNO_WORDS.get(exc.errno or -1)
    if words:
        return words
    return (exc.strerror or str(exc)).lower() if exc.strerror else str(exc)


def read_input(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Raises:
        FileProblem: when ``path`` is missing, not a regular file, unreadable or too large.
    """
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        raise FileProblem(describe_os_error(exc, path)) from None
    try:
        info = os.fstat(fd)
        why = _kind(info.st_mode)
        if why:
            raise FileProblem(why)
        if info.st_size > limit:
            raise FileProblem(f"the file is {info.st_size:,} bytes; the limit is {limit:,}")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while we read it
                raise FileProblem(f"the file is more than {limit:,} bytes; the limit is "
                                  f"{limit:,}")
        return b"".join(chunks)
    except OSError as exc:
        raise FileProblem(describe_os_error(exc, path)) from None
    finally:
        os.close(fd)


def write_output(path: str | Path, text: str | bytes, *, mode: int = 0o600) -> None:
    """Write a file the user asked for (a report, a schema, a spreadsheet; text is written as
    UTF-8, bytes as they are): whole or not at all, and
    private (0600) unless ``mode`` says otherwise.

    A regular file (or a new name) is written to a temporary file beside it, fsynced and
    renamed over it, so a crash or a full disk never leaves half a report. Anything else
    (``/dev/stdout``, a pipe a reader holds open) is written directly; a pipe with no
    reader is refused at once rather than waited on.

    Raises:
        FileProblem: the file cannot be written.
    """
    target = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise FileProblem(describe_os_error(exc, target)) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise FileProblem("this is a folder, not a file")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_special(target, data)
        return
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise FileProblem(describe_os_error(exc, target)) from None


def _write_special(target: Path, data: bytes) -> None:
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) |
                     getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise FileProblem("this is a pipe with no reader at the other end") from None
        raise FileProblem(describe_os_error(exc, target)) from None
    try:
        os.set_blocking(fd, True)  # the reader is there: wait for it to take the data
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise FileProblem(describe_os_error(exc, target)) from None
    finally:
        os.close(fd)
