"""A property over generated hostile file trees and path values (issue 11): devices, FIFOs, symbolic link
loops and escapes, odd names, paths in pyproject.toml and the policy that point anywhere.

Whatever the tree, every command ends (within a time bound) with exit 0, 1 or 2 and no traceback, and
opens nothing outside the project: an audit hook records every file opened and folder listed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routecheck.cli import main
from support import ONE_TIER_POLICY as POLICY
from support import ONE_TIER_WHERE as WHERE

SECRET = "sk-ant-api03-CANARY"
#: What the audit hook saw while a command ran: (event, path).
_SEEN: list[tuple[str, str]] = []
_RECORDING: list[bool] = []


def _hook(event: str, args: tuple[object, ...]) -> None:
    if _RECORDING and event in ("open", "os.scandir", "os.listdir") and args and isinstance(args[0], str | bytes):
        _SEEN.append((event, os.fsdecode(args[0])))


sys.addaudithook(_hook)  # an audit hook cannot be removed; it records only while _RECORDING holds a value

NAMES = st.binary(min_size=1, max_size=10).map(lambda b: b.replace(b"/", b"_").replace(b"\0", b"_")).filter(
    lambda b: b not in (b".", b"..")).map(os.fsdecode)
ODD = st.sampled_from(["bad\udcff.py", "nl\nx.py", "esc\x1b[31m.py", ".env", "a.toml", "m.py", "n.ipynb", "c.yaml"])
LINK_TARGETS = st.sampled_from([
    "..", "../..", ".", "/dev/zero", "/dev/urandom", "/proc/self/environ", "/etc/passwd", "/nonexistent",
    "OUTSIDE", "OUTSIDE/secret.py", "SELF",
])
ENTRIES = st.lists(st.tuples(
    st.sampled_from(["sub", "sub/deeper", ""]),
    st.one_of(NAMES, ODD),
    st.sampled_from(["file", "binary", "fifo", "dir", "link"]),
    LINK_TARGETS,
), max_size=12)
PATH_VALUES = st.one_of(st.none(), st.sampled_from([
    "../outside/secret.toml", "/dev/zero", "/proc/self/environ", "/etc/passwd", "fifo", "sub", "..",
    "sub/link", "routing.toml", "a\nb", "evidence/../../../outside/secret.toml", "../../../../../etc/hosts",
]))
COMMANDS = [["scan"], ["check"], ["lint"], ["generate", "--check"], ["scan", "--format", "sarif", "sub"],
            ["scan", "--format", "json"], ["cost"]]


@contextlib.contextmanager
def _time_bound(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"no answer in {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _build(top: Path, entries: list[tuple[str, str, str, str]], policy: str | None, client: str | None,
           evidence: str | None) -> Path:
    outside = top / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(f'KEY = "{SECRET}"\nMODEL = "claude-opus-4-6"\n')
    (outside / "secret.toml").write_text(f'task = "{SECRET}"\n')
    project = top / "proj"
    (project / "policies").mkdir(parents=True)
    (project / WHERE).write_text(POLICY + (f"evidence = {json.dumps(evidence)}\n" if evidence is not None else ""))
    table = "".join(f"{key} = {json.dumps(value)}\n" for key, value in (("policy", policy), ("client", client))
                    if value is not None)
    (project / "pyproject.toml").write_text(f"[tool.routecheck]\n{table}")
    for folder, name, kind, target in entries:
        base = project / folder
        base.mkdir(parents=True, exist_ok=True)
        path = os.path.join(os.fsencode(base), os.fsencode(name))
        if os.path.lexists(path):
            continue
        if kind == "file":
            Path(os.fsdecode(path)).write_bytes(b'X = "claude-haiku-4-5"\ncall_ai("t", "x")\n')
        elif kind == "binary":
            Path(os.fsdecode(path)).write_bytes(b"\xff\xfe\0\x1b[2J" * 10)
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "dir":
            os.mkdir(path)
        else:
            link = {"OUTSIDE": str(outside), "OUTSIDE/secret.py": str(outside / "secret.py"),
                    "SELF": os.fsdecode(path)}.get(target, target)
            os.symlink(link, path)
    return project


def _forbidden(path: str, project: Path, top: Path) -> bool:
    real = os.path.realpath(path)
    if real.startswith(str(top / "outside")) or real in ("/dev/zero", "/dev/urandom", "/etc/passwd", "/etc/hosts"):
        return True
    return real.startswith("/proc/") and real.endswith("/environ")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None, max_examples=40)
@given(entries=ENTRIES, policy=PATH_VALUES, client=PATH_VALUES, evidence=PATH_VALUES,
       command=st.sampled_from(COMMANDS))
def test_hostile_trees_never_crash_hang_or_read_outside(
    entries: list[tuple[str, str, str, str]], policy: str | None, client: str | None, evidence: str | None,
    command: list[str],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        top = Path(os.path.realpath(folder))
        project = _build(top, entries, policy, client, evidence)
        out, err = io.StringIO(), io.StringIO()
        _SEEN.clear()
        _RECORDING.append(True)
        try:
            with contextlib.chdir(project), _time_bound(20), contextlib.redirect_stdout(out), \
                    contextlib.redirect_stderr(err):
                code = main(command)
        finally:
            _RECORDING.clear()
        assert code in (0, 1, 2), (code, err.getvalue())
        assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue(), err.getvalue()
        assert SECRET not in out.getvalue() + err.getvalue()
        assert [seen for seen in _SEEN if _forbidden(seen[1], project, top)] == []
        out.getvalue().encode("utf-8")  # every name rendered as valid UTF-8
        if "--format" in command and code != 2:
            json.loads(out.getvalue())
