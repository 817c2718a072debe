"""Output files written whole or not at all, shared by every writer (and by the CLI for ``parse -o``).

What a target path is decides how it is written:

- a regular file, or nothing yet: a temporary file ``.geomap-<random>.tmp`` in the same directory is
  written, flushed to disk, then renamed onto the target (and the directory is flushed too).  The fixed,
  short temporary name works for any target name the file system accepts (255 bytes);
- a symbolic link: the file it points to is written that way, and the link is kept;
- a character device (``/dev/stdout``, ``/dev/null``), a FIFO or an open file reached through
  ``/proc`` (``/dev/stdout`` redirected to a file): written straight through, appended to, never
  replaced by a regular file;
- anything else (a directory, a socket, a block device): refused with :class:`OutputError`.

On any failure, including ``SystemExit`` or ``KeyboardInterrupt`` raised by a signal handler, the
temporary file is removed and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["OutputError", "atomic_open", "atomic_path", "atomic_write_text", "is_stream"]

#: Files SQLite (GDAL's GeoPackage driver) may leave beside a database it was writing.
_SIDECARS = ("-journal", "-wal", "-shm")

#: Symbolic links this deep are a loop (Linux gives up at 40).
_MAX_LINKS = 40


class OutputError(OSError):
    """An output file could not be written.

    ``filename`` is the target path and ``strerror`` the reason, so ``str(exc)`` names both; the
    command line maps every :class:`OSError` raised by a writer to exit code 6.
    """


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def _links_into_proc(path: Path) -> bool:
    """Whether ``path`` is (a chain of symbolic links ending in) a link under ``/proc``.

    ``/dev/stdout`` is a link to ``/proc/self/fd/1``, which names an open file: writing it must go
    through that open file, not replace the file it happens to be.
    """
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        if current == "/proc" or current.startswith("/proc/"):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
    return False


def is_stream(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is written straight through (a device, a FIFO, an open file under ``/proc``)
    rather than replaced atomically.

    Raises
    ------
    OutputError
        If ``path`` exists and is neither a regular file nor a stream (a directory, a socket).
    """
    target = Path(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return False
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return True
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(
            errno.EISDIR if stat.S_ISDIR(st.st_mode) else errno.EINVAL,
            f"{_kind(st.st_mode)}, not a file that can be written",
            str(path),
        )
    return _links_into_proc(target)


def _fsync_path(path: Path, *, directory: bool = False) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if directory else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some file systems cannot flush a directory; the rename is then as durable as they allow.
        if not (directory and exc.errno in (errno.EINVAL, errno.ENOTSUP)):
            raise
    finally:
        os.close(fd)


def _remove(tmp: Path) -> None:
    for name in (tmp.name, *(tmp.name + s for s in _SIDECARS)):
        with contextlib.suppress(FileNotFoundError):
            (tmp.parent / name).unlink()


@contextlib.contextmanager
def _through_temp_dir(target: Path, suffix: str) -> Iterator[Path]:
    """For a writer that needs a real file (GDAL) and a stream target: write in a private temporary
    directory, then copy the bytes to the stream."""
    with tempfile.TemporaryDirectory(prefix="geomap-") as tmpdir:
        tmp = Path(tmpdir) / f"out{suffix}"
        tmp.touch()
        yield tmp
        with open(tmp, "rb") as src, open(target, "ab") as dst:
            shutil.copyfileobj(src, dst)


@contextlib.contextmanager
def atomic_path(
    path: str | os.PathLike[str], *, suffix: str = ".tmp", needs_file: bool = False
) -> Iterator[Path]:
    """Yield the path the caller writes; the target gets it whole, or is left untouched.

    For a regular target (or a symbolic link to one, or nothing yet) the yielded path is an empty
    temporary file beside the real target, named ``.geomap-<random><suffix>``; when the block
    succeeds it is flushed to disk, given the old target's permissions, renamed onto the target and
    the directory is flushed.  For a stream target (see :func:`is_stream`) the target itself is
    yielded, to be opened for appending, unless ``needs_file`` (a writer that seeks, such as GDAL):
    then the caller writes a temporary file elsewhere whose bytes are copied to the stream.

    Raises
    ------
    OutputError
        If the target is a directory, a socket or another thing that is not a file.
    OSError
        If writing fails; the temporary file is removed first.
    """
    target = Path(path)
    if is_stream(target):
        if needs_file:
            with _through_temp_dir(target, suffix) as tmp:
                yield tmp
        else:
            yield target
        return
    real = Path(os.path.realpath(target))
    tmp = real.parent / f".geomap-{secrets.token_hex(6)}{suffix}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        os.close(fd)
        yield tmp
        _fsync_path(tmp)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(real).st_mode))
        os.replace(tmp, real)
    except BaseException:
        _remove(tmp)
        raise
    _fsync_path(real.parent, directory=True)


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], *, newline: str | None = "\n") -> Iterator[TextIO]:
    """Open ``path`` for writing UTF-8 text through :func:`atomic_path`."""
    if is_stream(path):
        with open(path, "a", encoding="utf-8", newline=newline) as fh:
            yield fh
        return
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline=newline) as fh:
        yield fh


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all (see :func:`atomic_path`)."""
    with atomic_open(path) as fh:
        fh.write(text)
