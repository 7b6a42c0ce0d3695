"""output: where kg writes a file it makes (a graph, a page, an export).

`-` is standard output. A regular file, or a new one, is written to a temporary file beside
it and renamed over it, so that a failed or interrupted run leaves the older file whole; a
symbolic link is followed and its target replaced, the link kept. What is not a regular file
(a device such as /dev/stdout or /dev/null, a FIFO) is written in place and never renamed
over. The temporary file goes whatever stops the write, Ctrl-C and SIGTERM included (the
command line turns SIGTERM into an exception). An output that is one of the run's inputs is
refused before any work.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from kg.ingest import InputError

STDOUT = "-"


def check_output(path: Path, inputs: Iterable[Path | str] = ()) -> None:
    """Refuse, before any work, an output kg cannot write or must not: in a folder that does
    not exist, a folder itself, or one of the run's inputs (a graph, an article, its sidecar,
    a corpus file)."""
    if str(path) == STDOUT:
        return
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    parent = Path(os.path.realpath(path)).parent if path.is_symlink() else path.parent
    if not parent.is_dir():
        raise InputError(f"{path.parent}: no such folder for the output")
    if not path.is_file():
        return
    for source in inputs:
        try:
            same = os.path.samefile(path, source)
        except OSError:  # an input that does not exist
            continue
        if same:
            raise InputError(f"{path}: is an input of this run; kg does not write over its input "
                             f"(choose another output)")


def write_output(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write `data` (bytes, or a function that writes to a binary file) to `path`: standard
    output for `-`, in place for what is not a regular file, else atomically."""
    write = data if callable(data) else (lambda stream: stream.write(data))
    if str(path) == STDOUT:
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    if path.exists() and not path.is_file():  # a device or a FIFO
        try:
            with open(path, "wb") as stream:
                write(stream)
        except OSError as exc:
            raise InputError(f"{path}: cannot write ({exc.strerror})") from None
        return
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if not target.parent.is_dir():
        raise InputError(f"{target.parent}: no such folder for the output")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with open(fd, "wb") as stream:
            write(stream)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # a read-only file system: nothing was made either
            pass
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise

