"""The one loader: a policy file and the evidence files it names, validated, with located errors."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from routecheck.documents import TomlDocument, about_file, in_file_order, read_toml, validate
from routecheck.errors import ConfigError, Problem
from routecheck.paths import inside
from routecheck.policy.evidence import Evidence, evidence_problems
from routecheck.policy.model import Policy
from routecheck.policy.references import reference_problems
from routecheck.toml_locate import KeyPath


@dataclass(frozen=True)
class EvidenceFile:
    path: Path
    evidence: Evidence


@dataclass(frozen=True)
class PolicyFile:
    """A loaded policy with what it was loaded from: its file, its text positions and its evidence."""

    policy: Policy
    document: TomlDocument
    evidence: Mapping[str, EvidenceFile]
    #: Tasks whose `evidence` names a file that does not exist yet (RC108 reports it; `eval --write` creates it).
    missing_evidence: Mapping[str, Path] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.document.path

    @property
    def display(self) -> str:
        return self.document.display

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.document.text.encode("utf-8")).hexdigest()

    def locate(self, key: KeyPath) -> tuple[int, int]:
        return self.document.locator.locate(key)


def load_policy(path: Path, *, known_codes: Collection[str]) -> PolicyFile:
    """Load and validate the policy at `path` and its evidence files; ConfigError lists every problem.

    `known_codes` are the rule codes a task's `ignore` may name (the rule catalogue's, which sits above
    the policy: the rules read policies).
    """
    doc = read_toml(path, what="policy file")
    policy = validate(doc, Policy, doc.data)
    problems = [doc.problem(key, message) for key, message in reference_problems(policy, known_codes)]
    evidence: dict[str, EvidenceFile] = {}
    missing: dict[str, Path] = {}
    for name, task in policy.tasks.items():
        if task.evidence is None:
            continue
        target = path.parent / task.evidence
        if not inside(target, path.parent):
            # `../.env`, `/proc/self/environ`: never read, so nothing of a foreign file reaches a message
            problems.append(doc.problem(("tasks", name, "evidence"), f"evidence file {task.evidence!r} is outside the "
                                        "policy's folder (expected a path below the folder of the policy file)"))
            continue
        if _absent(target):
            # Not an error of the file: naming the evidence before the first `eval --write` is the
            # natural order. Lint's RC108 reports it, located; eval can run and create it.
            missing[name] = target
            continue
        try:
            evidence[name] = load_evidence(target)
        except ConfigError as exc:
            problems.extend(_evidence_load_problems(doc, name, task.evidence, exc))
    if problems:
        # the policy's own problems first, top to bottom, then those inside evidence files
        raise ConfigError(sorted(problems, key=lambda p: (p.path != doc.display, *in_file_order(p))))
    return PolicyFile(policy, doc, evidence, missing)


def load_evidence(path: Path) -> EvidenceFile:
    """Load one evidence file; ConfigError on anything invalid."""
    doc = read_toml(path, what="evidence file")
    evidence = validate(doc, Evidence, doc.data)
    problems = [doc.problem(key, message) for key, message in evidence_problems(evidence)]
    if problems:
        raise ConfigError(sorted(problems, key=in_file_order))
    return EvidenceFile(path, evidence)


def _absent(path: Path) -> bool:
    """No file (nor a dangling symlink) at `path`; a name the OS refuses is left to the loader to report."""
    if "\0" in str(path):
        return False  # pathlib reports such a name as absent; the loader says why it cannot be read
    try:
        return not path.exists() and not path.is_symlink()
    except (OSError, ValueError):
        return False


def _evidence_load_problems(doc: TomlDocument, task: str, ref: str, exc: ConfigError) -> list[Problem]:
    # A missing or unreadable file is the policy's mistake: point at the key that names it.
    key = ("tasks", task, "evidence")
    return [
        p if p.line is not None else doc.problem(key, about_file("evidence file", ref, p.message)) for p in exc.problems
    ]

