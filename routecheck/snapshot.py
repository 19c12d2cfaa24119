"""A cached result of loading and linting the policy: an unchanged `check` or `scan` never imports pydantic.

Loading the policy through pydantic costs about 0.25 s, most of a pre-commit run's budget. What a run
needs after loading is plain data: the lint and RC207 findings and the scan's inputs (`ScanTarget`).
This module keeps that data in `.routecheck_cache/`, keyed on everything it depends on: routecheck's
version, the date (RC113), the current folder (display paths), `--policy`, the pyproject, policy,
client and evidence files' bytes and the installed SDK's model ids. It caches the one loader's result;
it never parses a policy itself. A snapshot that is missing, stale, corrupt or of another format is
ignored, and a run that fails to load is never cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from routecheck import __version__
from routecheck.atomic import write_atomically
from routecheck.errors import ConfigError
from routecheck.files import UnreadableFile, read_regular_file
from routecheck.finding import Finding, Severity
from routecheck.model_ids import sdk_model_ids
from routecheck.paths import inside
from routecheck.pyproject import DEFAULT_POLICY, find_config_table
from routecheck.scan.cache import CACHE_FOLDER
from routecheck.scan.target import ScanTarget

FORMAT = 2  # 2: findings stored as rows of their own, not in the JSON output format


@dataclass(frozen=True)
class Snapshot:
    """What `check` and `scan` need once the policy is loaded and linted."""

    target: ScanTarget
    #: The lint and RC207 findings; each None where the command that made the snapshot did not ask for it
    #: (`scan` asks for neither, `check --no-lint` for RC207 only): a command that finds None computes it
    #: and stores the fuller snapshot.
    lint: tuple[Finding, ...] | None
    stale_client: tuple[Finding, ...] | None
    #: The policy file and its evidence files: what `files_scanned` counts for them.
    policy_files: int
    #: Evidence files the policy names that do not exist yet: the snapshot is stale once one appears.
    missing_evidence: tuple[Path, ...] = ()


@dataclass(frozen=True)
class SnapshotKey:
    file: Path
    digest: str


def snapshot_key(cwd: Path, policy_override: Path | None, today: date) -> SnapshotKey | None:
    """Where the snapshot of this run would be, or None when the inputs cannot be read cheaply."""
    try:
        found = find_config_table(cwd)
    except ConfigError:
        return None  # the full path reports it
    table = found.table if isinstance(found.table, dict) else {}
    policy_ref, client_ref = table.get("policy", DEFAULT_POLICY), table.get("client")
    if not isinstance(policy_ref, str) or not (client_ref is None or isinstance(client_ref, str)):
        return None
    policy = policy_override if policy_override is not None else found.root / policy_ref
    client = found.root / client_ref if client_ref is not None else None
    if (policy_override is None and not inside(policy, found.root)) or (client and not inside(client, found.root)):
        return None  # the loader refuses a path that leaves the project; nothing outside it is read here
    material = [
        str(FORMAT), __version__, today.isoformat(), str(cwd.resolve()), str(policy_override),
        str(found.root), _file_digest(found.pyproject), str(policy), _file_digest(policy),
        str(client), _file_digest(client), *sorted(sdk_model_ids()), _prices_stamp(),
    ]
    digest = hashlib.sha256("\0".join(material).encode()).hexdigest()
    return SnapshotKey(found.root / CACHE_FOLDER / f"snapshot-{digest[:24]}.json", digest)


def _prices_stamp() -> str:
    """Which genai-prices data the lint's price rules read (RC114, RC113's dates): its data file's path,
    size and mtime, found without importing the package (an upgrade makes a new snapshot)."""

    spec = importlib.util.find_spec("genai_prices")
    if spec is None or spec.origin is None:
        return "no genai-prices"
    data = Path(spec.origin).with_name("data.py")
    try:
        info = data.stat()
    except OSError:
        return str(data)
    return f"{data}:{info.st_size}:{info.st_mtime_ns}"


def read_snapshot(key: SnapshotKey) -> Snapshot | None:
    """The snapshot stored under `key` if its evidence files are unchanged too; None otherwise."""
    try:
        document = json.loads(key.file.read_text(encoding="utf-8"))
        if document["format"] != FORMAT or document["key"] != key.digest:
            return None
        for path, digest in document["evidence"]:
            if _file_digest(Path(path)) != digest:
                return None
        return Snapshot(
            target=ScanTarget.from_json(document["target"]),
            lint=None if document["lint"] is None else tuple(_finding(row) for row in document["lint"]),
            stale_client=None if document["stale_client"] is None else tuple(
                _finding(row) for row in document["stale_client"]),
            policy_files=int(document["policy_files"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_snapshot(key: SnapshotKey, snapshot: Snapshot) -> None:
    """Store `snapshot`; a cache that cannot be written is only a slower next run."""
    document = {
        "format": FORMAT,
        "key": key.digest,
        "evidence": [[str(p), _file_digest(p)] for p in (*snapshot.target.evidence_paths, *snapshot.missing_evidence)],
        "target": snapshot.target.to_json(),
        "lint": None if snapshot.lint is None else [_row(f) for f in snapshot.lint],
        "stale_client": None if snapshot.stale_client is None else [_row(f) for f in snapshot.stale_client],
        "policy_files": snapshot.policy_files,
    }
    with contextlib.suppress(OSError):
        write_atomically(key.file, json.dumps(document), durable=False)


def _file_digest(path: Path | None) -> str:
    if path is None:
        return "none"
    try:
        return hashlib.sha256(read_regular_file(path)).hexdigest()
    except UnreadableFile:
        return "unreadable"


def _row(finding: Finding) -> list[Any]:
    """A finding as the cache stores it: every field, in order (the cache's own format, not the
    `--format json` output, which may change for its readers without invalidating caches, and back)."""
    f = finding
    return [f.code, f.name, f.severity.value, f.path, f.line, f.column, f.message, f.task, f.model, f.cell]


def _finding(row: list[Any]) -> Finding:
    code, name, severity, path, line, column, message, task, model, cell = row
    return Finding(code, name, Severity(severity), path, line, column, message, task=task, model=model, cell=cell)
