"""`.routecheck_cache/`: file facts keyed on content hash, scan settings and routecheck version.

One JSON file per settings key holds `{content hash: facts}` and a stat index `{path: (size, mtime,
inode, hash)}` so a warm rescan need not even read unchanged files. Facts are keyed by content, so
any copy of the file is correct: concurrent runs each write a complete file to a temporary name and
`os.replace` it (last writer wins, nothing is ever half-written). Each write keeps only the facts the
stat index points at or this run used: the facts of a file's old content go with it. Facts hold
positions, model ids, call names and identifiers, never a file's other string constants. A stat entry
is only trusted when the file's mtime is safely older than the moment the cache was written (git's
"racy" rule).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from routecheck.atomic import write_atomically
from routecheck.scan.facts import FileFacts

CACHE_FOLDER = ".routecheck_cache"
FORMAT = 5  # 2: facts no longer count lines; 3: SDK methods taken as values; 4: identifier constants only;
# 5: whether a file is a generated client
_RACY_NS = 100_000_000  # 0.1 s: coarser than any file system's mtime granularity that matters here
_STALE_AFTER_S = 7 * 24 * 3600


def content_digest(kind: str, data: bytes) -> str:
    """The key of a file's facts: its bytes and kind (the same bytes mean other facts as Python or config)."""
    return kind[0] + hashlib.blake2b(data, digest_size=16).hexdigest()


class FactsCache:
    """A content-addressed store of `FileFacts`; `folder=None` makes a cache that remembers nothing."""

    def __init__(self, folder: Path | None, key: str) -> None:
        self.folder = folder
        self.key = key
        self._stats: dict[str, list[Any]] = {}
        self._facts: dict[str, Any] = {}
        self._written_ns = 0
        self._dirty = False
        self._used: set[str] = set()  # digests whose facts this run read or stored
        self._seen: set[str] = set()  # files this run stat'ed: known to exist
        if folder is not None:
            self._load(folder / f"facts-{key[:24]}.json")

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_bytes())
            if data.get("format") != FORMAT or data.get("key") != self.key:
                return
            self._stats, self._facts, self._written_ns = data["files"], data["facts"], int(data["written_ns"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._stats, self._facts = {}, {}  # a missing or damaged cache is an empty one

    def digest_for(self, rel: str, info: os.stat_result) -> str | None:
        """The content hash recorded for `rel` if its stat is unchanged (and not racy)."""
        self._seen.add(rel)
        entry = self._stats.get(rel)
        if entry is None or entry[:3] != [info.st_size, info.st_mtime_ns, info.st_ino]:
            return None
        if info.st_mtime_ns >= self._written_ns - _RACY_NS:
            return None
        return str(entry[3])

    def facts(self, digest: str) -> FileFacts | None:
        raw = self._facts.get(digest)
        if raw is None:
            return None
        self._used.add(digest)
        try:
            return FileFacts.from_json(raw)
        except (ValueError, TypeError, IndexError):
            return None

    def store(self, rel: str, info: os.stat_result | None, digest: str, facts: FileFacts, *,
              encoded: list[Any] | None = None) -> None:
        """Remember `facts` of content `digest` (and, given `info`, that `rel` has it); `encoded` is their
        `to_json()` when the caller has it already."""
        if self.folder is None:
            return
        if info is not None:
            self._seen.add(rel)
            entry = [info.st_size, info.st_mtime_ns, info.st_ino, digest]
            if self._stats.get(rel) != entry:
                self._stats[rel] = entry
                self._dirty = True
        self._used.add(digest)
        # a file first cached without its symbols gains them once another module imports from it
        if digest not in self._facts or (facts.symbols is not None and self._facts[digest][-1] is None):
            self._facts[digest] = facts.to_json() if encoded is None else encoded
            self._dirty = True

    def save(self) -> str | None:
        """Write the cache atomically if anything changed; a message if it could not be written."""
        if self.folder is None or not self._dirty:
            return None
        root = self.folder.parent
        # a file gone since it was indexed takes its facts with it (only checked on a write: a warm run writes nothing)
        self._stats = {rel: entry for rel, entry in self._stats.items()
                       if rel in self._seen or os.path.lexists(os.path.join(root, rel))}
        live = {entry[3] for entry in self._stats.values()} | self._used
        self._facts = {k: v for k, v in self._facts.items() if k in live}
        target = self.folder / f"facts-{self.key[:24]}.json"
        document = {"format": FORMAT, "key": self.key, "written_ns": time.time_ns(),
                    "files": self._stats, "facts": self._facts}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_marker(self.folder / "CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                          "# This file is a cache directory tag created by routecheck.\n")
            _write_marker(self.folder / ".gitignore", "# Created by routecheck\n*\n")
            write_atomically(target, json.dumps(document, separators=(",", ":")), durable=False)
            stale = time.time() - _STALE_AFTER_S
            for old in self.folder.glob("facts-*.json"):  # caches of settings no run used for a week
                with contextlib.suppress(OSError):
                    if old != target and old.stat().st_mtime < stale:
                        old.unlink()
        except OSError as exc:
            return f"cache not written: {exc.strerror or exc}"
        self._dirty = False
        return None


def _write_marker(path: Path, text: str) -> None:
    if not path.exists():
        path.write_text(text, encoding="utf-8")
