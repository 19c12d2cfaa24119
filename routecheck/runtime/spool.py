"""The spool: rows made durable on local disk before the call returns, waiting to be shipped.

A folder of append-only segment files, one JSON array per line (the row's values in column order).
Each writing process appends to its own active segment and holds an exclusive `flock` on it; a segment
nobody holds (rotated out, or left by a process that died) may be claimed by any shipper, which locks
it, ships it and deletes it only after the database committed its rows. A crash between the commit and
the delete ships the segment again, harmlessly: inserts skip row ids already stored.

An append is one `write(2)` to a file opened with O_APPEND: it survives the process being killed the
moment the call returns (the kernel has the bytes), not a power loss (no fsync per row).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from pathlib import Path

from routecheck.runtime.ledger_schema import COLUMNS, SCHEMA_VERSION
from routecheck.runtime.record import CallRecord

log = logging.getLogger("routecheck.runtime")

SUFFIX = ".spool"
HEADER = json.dumps(["routecheck-spool", SCHEMA_VERSION]).encode() + b"\n"
#: The default bound on the spool folder's size; past it rows are dropped, counted and logged.
DEFAULT_MAX_BYTES = 1 << 30


@dataclass(frozen=True, slots=True)
class SpoolStatus:
    """What waits in a spool folder."""

    folder: Path
    segments: int
    rows: int
    bytes: int
    oldest: float | None  # when the oldest waiting segment was opened (epoch seconds)

    def lag(self, now: float) -> float:
        """Seconds the oldest waiting row has waited, at most (0 when nothing waits)."""
        return 0.0 if self.oldest is None else max(0.0, now - self.oldest)


class Segment:
    """A claimed segment: locked by this process until released."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd = fd

    def rows(self) -> tuple[list[CallRecord], int]:
        """The rows, and how many lines could not be read (a torn last line of a crashed writer)."""
        rows, bad = [], 0
        with open(self._fd, "rb", closefd=False) as stream:
            stream.seek(0)
            for line in stream:
                if line == HEADER:
                    continue
                try:
                    values = json.loads(line)
                    rows.append(CallRecord(*values))
                except (ValueError, TypeError):
                    bad += 1
        return rows, bad

    def set_aside(self) -> Path:
        """Rename the segment out of the shippers' sight (kept for a person to look at); its new path."""
        kept = self.path.with_suffix(".rejected")
        os.rename(self.path, kept)
        return kept

    def delete(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def release(self) -> None:
        os.close(self._fd)


class Spool:
    """Appends rows to this process's active segment in `folder`; safe to share between threads."""

    def __init__(self, folder: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.dropped = 0
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._pid = os.getpid()
        self._active: Path | None = None
        self._written = 0
        self._size = _folder_bytes(folder)

    def append(self, row: CallRecord) -> bool:
        """Write one row durably (before the call returns); False when it had to be dropped (counted)."""
        line = json.dumps(astuple(row), separators=(",", ":")).encode() + b"\n"
        if self._pid != os.getpid():  # a forked child: the parent's segment, its flock and our lock are not ours
            self._lock = threading.Lock()
            self._fd, self._active, self._pid, self._written = None, None, os.getpid(), 0
        with self._lock:
            if self._size + len(line) > self.max_bytes:
                return self._drop("the spool is full")
            try:
                fd = self._open() if self._fd is None else self._fd
                os.write(fd, line)
            except OSError as exc:  # disk full, folder gone: the call goes on, the drop is counted
                return self._drop(exc.strerror or type(exc).__name__)
            self._size += len(line)
            self._written += 1
        return True

    def rotate(self) -> None:
        """Close the active segment (if it holds rows) so that a shipper can claim it."""
        with self._lock:
            if self._fd is not None and self._pid == os.getpid() and self._written:
                os.close(self._fd)
                self._fd, self._active, self._written = None, None, 0

    def close(self) -> None:
        with self._lock:
            if self._fd is not None and self._pid == os.getpid():
                os.close(self._fd)
            self._fd, self._active, self._written = None, None, 0

    def claim(self) -> Iterator[Segment]:
        """Each segment no writer holds, oldest first, locked while the caller ships it."""
        self._size = _folder_bytes(self.folder)
        for path in _segments(self.folder):
            if path == self._active:
                continue
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:  # another shipper has just shipped it
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a live writer's active segment, or another shipper's
                os.close(fd)
                continue
            if not _same_file(fd, path):  # shipped and deleted between our open and our lock
                os.close(fd)
                continue
            segment = Segment(path, fd)
            try:
                yield segment
            finally:
                segment.release()

    def _open(self) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}-{os.urandom(4).hex()}"
        # locked before it gets a name a shipper looks for: else one could claim (and delete) it first
        opening = self.folder / f"{name}.opening"
        fd = os.open(opening, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, HEADER)
        path = self.folder / f"{name}{SUFFIX}"
        os.rename(opening, path)
        self._size += len(HEADER)
        self._fd, self._active = fd, path
        return fd

    def _drop(self, why: str) -> bool:
        self.dropped += 1
        if self.dropped == 1 or self.dropped % 1000 == 0:
            log.error("routecheck ledger: %s (%s); %d rows dropped so far", why, self.folder, self.dropped)
        return False


def _segments(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.name.endswith(SUFFIX))
    except FileNotFoundError:
        return []


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == path.stat().st_ino
    except FileNotFoundError:
        return False


def _folder_bytes(folder: Path) -> int:
    total = 0
    for path in _segments(folder):
        with contextlib.suppress(FileNotFoundError):
            total += path.stat().st_size
    return total


def status(folder: Path) -> SpoolStatus:
    """Segments, rows and bytes waiting in `folder`, and when the oldest was opened."""
    segments = rows = size = 0
    oldest = None
    for path in _segments(folder):
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        segments += 1
        size += len(data)
        rows += data.count(b"\n") - (1 if data.startswith(HEADER) else 0)
        opened = int(path.name.split("-", 1)[0]) / 1e9
        oldest = opened if oldest is None else min(oldest, opened)
    return SpoolStatus(folder, segments, rows, size, oldest)


assert len(COLUMNS) == len(CallRecord.__dataclass_fields__)


def oldest(folder: Path) -> float | None:
    """When the oldest waiting segment was opened (epoch seconds); None when nothing waits. Reads no file."""
    paths = _segments(folder)
    return int(paths[0].name.split("-", 1)[0]) / 1e9 if paths else None
