"""The policy as committed at a git revision, read with `git show` (no checkout) and loaded by the one loader."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Collection
from pathlib import Path, PurePosixPath

from routecheck.documents import read_toml
from routecheck.errors import ConfigError, Problem, UsageError
from routecheck.paths import display_path
from routecheck.policy.loader import PolicyFile, load_policy


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("--base needs git, and no `git` command was found") from None


def repository_root(folder: Path) -> Path:
    """The top folder of the git work tree around `folder`; UsageError when there is none."""
    result = _git(folder, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        said = result.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in said or not said:
            raise UsageError(f"--base needs a git repository, and {folder.as_posix()} is not in one")
        raise UsageError(f"--base: git cannot read the repository at {folder.as_posix()}: {said.splitlines()[0]}")
    return Path(result.stdout.decode("utf-8").strip())


def resolve_revision(root: Path, ref: str) -> str:
    """The commit `ref` names; UsageError for anything git does not know as a commit."""
    if ref.startswith("-"):
        raise UsageError(f"unknown git revision '{ref}'")
    result = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if result.returncode != 0:
        raise UsageError(f"unknown git revision '{ref}' (not a branch, tag or commit of this repository)")
    return result.stdout.decode("ascii").strip()


def _show(root: Path, commit: str, path: PurePosixPath) -> bytes | None:
    result = _git(root, "show", f"{commit}:{path.as_posix()}")
    return result.stdout if result.returncode == 0 else None


def load_policy_at(ref: str, policy: Path, *, known_codes: Collection[str]) -> tuple[PolicyFile, str]:
    """The policy at `policy` (a working-tree path) as committed at `ref`, and its label `REF:path`.

    The policy and the evidence files it names are copied out of git into a temporary folder laid out
    like the repository, so that the loader reads them exactly as it reads files on disk. Problems in
    them name the revision (`REF:policies/routing.toml:3:1: ...`), not the temporary folder.
    """
    absolute = policy.resolve()
    root = repository_root(absolute.parent if absolute.parent.is_dir() else Path.cwd()).resolve()
    try:
        relative = PurePosixPath(absolute.relative_to(root).as_posix())
    except ValueError:
        raise UsageError(f"policy file {policy.as_posix()} is outside the git repository {root.as_posix()}") from None
    commit = resolve_revision(root, ref)
    label = f"{ref}:{relative}"
    text = _show(root, commit, relative)
    if text is None:
        raise UsageError(f"policy file {relative} does not exist at revision '{ref}'")
    with tempfile.TemporaryDirectory(prefix="routecheck-base-") as tmp:
        mirror = Path(tmp)
        target = mirror / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text)
        try:
            data = read_toml(target, what="policy file").data
            for ref_path in _evidence_paths(data):
                _copy_evidence(root, commit, relative, ref_path, mirror)
            return load_policy(target, known_codes=known_codes), label
        except ConfigError as exc:
            raise ConfigError(_at_revision(p, mirror, ref) for p in exc.problems) from None


def _evidence_paths(data: dict[str, object]) -> list[str]:
    tasks = data.get("tasks")
    if not isinstance(tasks, dict):
        return []
    return [t["evidence"] for t in tasks.values() if isinstance(t, dict) and isinstance(t.get("evidence"), str)]


def _copy_evidence(root: Path, commit: str, policy: PurePosixPath, ref_path: str, mirror: Path) -> None:
    joined = os.path.normpath(os.path.join(policy.parent.as_posix(), ref_path))
    if joined.startswith("..") or os.path.isabs(joined):
        return  # outside the repository: git has no revision of it, and the loader reports it missing
    text = _show(root, commit, PurePosixPath(joined))
    if text is not None:
        target = mirror / joined
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text)


def _at_revision(problem: Problem, mirror: Path, ref: str) -> Problem:
    """`problem` with the temporary copy's path replaced by `REF:path-in-repository`."""
    shown = display_path(mirror)
    if problem.path == shown or problem.path.startswith(shown + "/"):
        inside = problem.path[len(shown) + 1:]
        return Problem(f"{ref}:{inside}", problem.line, problem.column, problem.key, problem.message)
    return problem
