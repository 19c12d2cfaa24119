"""Reading a file routecheck was told to read: only a regular file, and only up to a bounded size.

A policy, evidence file, pyproject or client named as /dev/zero, /dev/urandom or a FIFO would grow
without end or block forever; every such name is refused before a byte is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Far above any real policy, evidence file, pyproject or generated client.
MAX_FILE_BYTES = 16 * 1024 * 1024


class UnreadableFile(Exception):
    """Why a file cannot be read, in words that follow its kind: `{what} is a directory, not a file`."""

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing

    def about(self, what: str) -> str:
        """The reason with `what` (such as "policy file") as its subject."""
        return self.reason.format(what=what)


def read_regular_file(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed); UnreadableFile for anything else."""
    try:
        # O_NONBLOCK: opening a FIFO for reading must not wait for a writer; regular files ignore it
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UnreadableFile("{what} not found", missing=True) from None
    except IsADirectoryError:
        raise UnreadableFile("{what} is a directory, not a file") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read {{what}}: {exc.strerror}") from None
    except ValueError:  # the OS cannot even name the file: a NUL character in the path
        raise UnreadableFile("cannot read {what}: its name contains a NUL character") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("{what} is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("{what} is not a regular file (a device, FIFO or socket)")
        if info.st_size > limit:
            raise UnreadableFile(f"{{what}} is larger than {limit // (1024 * 1024)} MiB")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # the file may grow after fstat: never read more than the limit allows
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnreadableFile(f"{{what}} is larger than {limit // (1024 * 1024)} MiB")
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot read {{what}}: {exc.strerror}") from None
    finally:
        os.close(fd)
