"""The results file: one JSON line per finished call, appended, flushed and fsync'd as it finishes.

A killed run (even kill -9) loses at most the calls in flight at that moment: on start the file is
read back and every call it holds is not sent again. Lines hold hashes, verdicts and token counts,
never prompt or answer text. The first line fingerprints the run (task, models, grader, system
prompt hash, max_tokens), so results of a different run are never mixed in.

Answers are mostly short labels, so a plain hash of one is reversed by guessing: each answer is
stored as an HMAC-SHA256 under a random key of this file alone, kept beside it (`FILE.key`, mode
0600). Two answers of one run still compare equal exactly when their keys do; without the key file
the hashes say nothing.

Format (version 1), one object a line:
    {"results": 1, "run": {...}}                                         the header
    {"role": "candidate", "sample": SHA, "model": M, "ok": true, "input_tokens": N, "output_tokens": N,
     "answer": SHA-of-normalised-answer | null, "correct": true | false | null, "verdict": null, "error": null,
     "run": 0}                                                            run: which of --repeat N (0 if absent)
    {"batch": ID, "requests": {CUSTOM_ID: [ROLE, SAMPLE_SHA, RUN], ...}}    a submitted batch
    {"batch_done": ID}                                                    its results are all recorded

A call that failed (`"ok": false`) is sent again by the next run: it produced nothing to keep.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, Literal

from routecheck.errors import UsageError
from routecheck.paths import display_path

Role = Literal["candidate", "reference", "grader"]
#: One call of a run: role, sample hash, and which of the --repeat runs (0 for the first).
CallKey = tuple[Role, str, int]
FORMAT_VERSION = 1


@dataclass(frozen=True)
class CallResult:
    """One finished call, as recorded: no text, only what grading and accounting need."""

    role: Role
    sample: str
    model: str
    ok: bool
    input_tokens: int = 0
    output_tokens: int = 0
    answer: str | None = None
    correct: bool | None = None
    verdict: bool | None = None
    error: str | None = None
    batched: bool = False
    run: int = 0

    @property
    def key(self) -> CallKey:
        return (self.role, self.sample, self.run)


@dataclass(frozen=True)
class BatchRecord:
    """A submitted Message Batch: its id and which sample each custom_id stands for."""

    batch_id: str
    requests: Mapping[str, CallKey]


def _fsync_append(file: IO[str], line: str) -> None:
    file.write(line + "\n")
    file.flush()
    os.fsync(file.fileno())


class Journal:
    """The results file of one evaluation run, opened for appending; use as a context manager."""

    def __init__(self, path: Path, run: Mapping[str, Any], *, fresh: bool = False, write: bool = True) -> None:
        """Read back `path` (unless `fresh`) and open it for appending (unless `write` is False)."""
        self.path = path
        self.results: dict[CallKey, CallResult] = {}
        self.batches: dict[str, BatchRecord] = {}
        self.finished_batches: set[str] = set()
        run = dict(run)
        self._file: IO[str] | None = None
        self._key = b""
        if fresh and write:
            path.unlink(missing_ok=True)
            key_path(path).unlink(missing_ok=True)
        existing = self._read(path, run, truncate=write) if path.exists() and not (fresh and not write) else False
        if not write:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._key = _read_key(path) if existing else _new_key(path)
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        if not existing:
            _fsync_append(self._file, json.dumps({"results": FORMAT_VERSION, "run": run}, sort_keys=True))

    def _read(self, path: Path, run: dict[str, Any], *, truncate: bool) -> bool:
        raw = path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            # The last line was cut by a kill mid-write: drop it, so the next append starts a clean line.
            raw = raw[: raw.rfind(b"\n") + 1]
        if truncate and len(raw) != path.stat().st_size:
            with open(path, "r+b") as file:
                file.truncate(len(raw))
        lines = [line for line in raw.decode("utf-8", "replace").split("\n") if line.strip()]
        if not lines:
            return False
        shown = display_path(path)
        try:
            header = json.loads(lines[0])
            if header.get("results") != FORMAT_VERSION:
                raise ValueError
        except (ValueError, AttributeError):
            raise UsageError(f"{shown} is not a routecheck results file (use --results to pick another file)") from None
        if header.get("run") != run:
            keys = sorted(k for k in run.keys() | header.get("run", {}).keys()
                          if run.get(k) != header.get("run", {}).get(k))
            raise UsageError(f"{shown} holds results of a different run (it differs in: {', '.join(keys)}); "
                             "use --fresh to start over, or --results to keep both")
        for number, line in enumerate(lines[1:], start=2):
            try:
                self._load(json.loads(line))
            except (ValueError, TypeError, KeyError):
                raise UsageError(f"{shown}:{number}: not a results line (the file was edited?)") from None
        return True

    def _load(self, obj: dict[str, Any]) -> None:
        if "batch" in obj:
            requests = {cid: (pair[0], pair[1], pair[2] if len(pair) > 2 else 0)
                        for cid, pair in obj["requests"].items()}
            self.batches[obj["batch"]] = BatchRecord(obj["batch"], requests)
        elif "batch_done" in obj:
            self.finished_batches.add(obj["batch_done"])
        else:
            result = CallResult(**obj)
            self.results[result.key] = result

    def answer_digest(self, answer_key: str | None) -> str | None:
        """What the file stores for an answer: its HMAC under this file's key (None: no answer)."""
        if answer_key is None:
            return None
        return hmac.new(self._key, answer_key.encode("utf-8"), hashlib.sha256).hexdigest()

    def done(self, role: Role, sample: str, run: int = 0) -> bool:
        """Whether this call finished with an answer (failed calls are sent again)."""
        result = self.results.get((role, sample, run))
        return result is not None and result.ok

    def get(self, role: Role, sample: str, run: int = 0) -> CallResult | None:
        return self.results.get((role, sample, run))

    def _writer(self) -> IO[str]:
        if self._file is None:
            raise RuntimeError("results file opened read-only")
        return self._file

    def record(self, result: CallResult) -> None:
        """Append one finished call, durably, before anything else happens."""
        _fsync_append(self._writer(), json.dumps(asdict(result), sort_keys=True))
        self.results[result.key] = result

    def record_batch(self, batch: BatchRecord) -> None:
        line = {"batch": batch.batch_id, "requests": {cid: list(key) for cid, key in batch.requests.items()}}
        _fsync_append(self._writer(), json.dumps(line, sort_keys=True))
        self.batches[batch.batch_id] = batch

    def record_batch_done(self, batch_id: str) -> None:
        _fsync_append(self._writer(), json.dumps({"batch_done": batch_id}))
        self.finished_batches.add(batch_id)

    def open_batches(self) -> list[BatchRecord]:
        """Batches submitted by an earlier run whose results were not all recorded."""
        return [b for b in self.batches.values() if b.batch_id not in self.finished_batches]

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def key_path(path: Path) -> Path:
    """Where the key of the results file at `path` is kept."""
    return path.with_name(path.name + ".key")


def _new_key(path: Path) -> bytes:
    key = secrets.token_bytes(32)
    target = key_path(path)
    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(key.hex().encode("ascii") + b"\n")
        file.flush()
        os.fsync(file.fileno())
    return key


def _read_key(path: Path) -> bytes:
    from routecheck.files import UnreadableFile, read_regular_file

    shown = display_path(key_path(path))
    try:
        key = bytes.fromhex(read_regular_file(key_path(path), limit=1024).decode("ascii").strip())
    except (UnreadableFile, ValueError):
        key = b""
    if len(key) != 32:
        raise UsageError(f"{shown}: the key of {display_path(path)} is missing or damaged, so its answers cannot be "
                         "compared; use --fresh to start over")
    return key
