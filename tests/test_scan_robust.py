"""Any bytes in, findings or notes out: never a traceback. Also the interpreter's own standard library."""

from __future__ import annotations

import ast
import os
import re
import sysconfig
import time
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routecheck.scan.analyze import Analyzer
from routecheck.scan.facts import FileFacts
from routecheck.scan.settings import ScanSettings
from tests.scan.helpers import scan

ANALYZER = Analyzer(ScanSettings(known_models=("claude-sonnet-4-6",), task_names=("classify_intent",),
                                 task_calls=("*.route",)))

FRAGMENTS = st.sampled_from([
    '"claude-sonnet-4-6"', "'claude-opus-4-6'", 'f"{x}claude-haiku-4-5"', '"""doc claude-sonnet-4-6"""', "# claude",
    "client.messages.create(", "router.call(", "call_ai(", "TASK", "Task.A", "class Task(Enum):\n    A = 'x'\n",
    "def f(task: Literal['a']):\n", "(", ")", "[", "]", "{", "}", ":", "\n", "    ", "\\\n", "'", '"', "'''", "#",
    "# -*- coding: latin-1 -*-\n", "\ufeff", "\x00", "\r", "\t", "lambda", "from . import x\n", "import a.b as c\n",
    "x = ", "f'{", "}'", "b'claude-3'", "rb'\\x'", "\\N{DASH}", "async ", "await ", "with ", " as s:\n",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    assert isinstance(ANALYZER.python(b"claude-sonnet-4-6 messages.create " + data), FileFacts)
    assert isinstance(ANALYZER.python(data, symbols=True), FileFacts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=40).map("".join))
def test_random_python_text_never_raises(text: str) -> None:
    facts = ANALYZER.python(text.encode("utf-8", "surrogatepass"), symbols=True)
    lines = len(re.split(r"\r\n|\r|\n", text))
    for hit in (*facts.models, *facts.sdk_calls, *facts.route_calls, *facts.notes):
        assert 1 <= hit.line <= lines + 1 and hit.column >= 1


def test_standard_library_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole stdlib, deliberately broken files included: the scan finishes, every note is a known kind."""
    lib = Path(sysconfig.get_paths()["stdlib"])
    monkeypatch.chdir(lib)
    result = scan([lib], tmp_path)
    assert result.files_scanned > 1000
    assert all(not n.path.startswith("/") for n in result.notes)
    kinds = ("syntax error: ", "cannot parse", "unknown encoding", "byte 0x", "binary file", "larger than",
             "UTF-8 byte order mark", "nested too deeply", "symbolic link", "broken symbolic link", "cannot read",
             "not a regular file")
    assert [n for n in result.notes if not n.message.startswith(kinds)] == []
    assert all(f.path and f.line >= 1 and f.column >= 1 for f in result.findings)


# A routing call naming a constant: only the module's scopes resolve it, so the scanner parses the file whole.
PLANTED = b'\nLABEL = call_ai(TASK, "x")\n'


def _python_rejects(path: Path) -> tuple[Path, SyntaxError | ValueError | None]:
    """What Python's own parser says of `path` with the planted line (ValueError: NUL bytes)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(path.read_bytes() + PLANTED)
    except (SyntaxError, ValueError) as exc:
        return path, exc
    return path, None


@pytest.mark.slow
def test_standard_library_broken_files_each_get_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stdlib's deliberately broken files, each given a routing call that makes the scanner parse it whole:
    every file Python itself rejects gets one note (syntax errors where Python puts them), and nothing else does."""
    from concurrent.futures import ProcessPoolExecutor

    lib = Path(sysconfig.get_paths()["stdlib"])
    sources = [p for p in sorted(lib.rglob("*.py")) if "site-packages" not in p.parts and p.is_file()]
    rejected: dict[str, SyntaxError | ValueError] = {}
    with ProcessPoolExecutor() as pool:  # parsing ~860k lines takes seconds on one core
        for path, exc in pool.map(_python_rejects, sources, chunksize=64):
            if exc is not None:
                rel = path.relative_to(lib).as_posix()
                rejected[rel] = exc
                (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
                (tmp_path / rel).write_bytes(path.read_bytes() + PLANTED)
    assert len(rejected) >= 5, "the standard library ships deliberately broken files"
    (tmp_path / "control.py").write_bytes((lib / "ast.py").read_bytes() + PLANTED)
    monkeypatch.chdir(tmp_path)
    result = scan([tmp_path], tmp_path)
    control_lines = (lib / "ast.py").read_bytes().count(b"\n") + 2
    assert [(f.code, f.path, f.line, f.column) for f in result.findings] == [
        ("RC204", "control.py", control_lines, 17)]
    assert sorted(n.path for n in result.notes) == sorted(rejected)
    for note in result.notes:
        exc = rejected[note.path]
        if note.message.startswith("syntax error: "):
            assert isinstance(exc, SyntaxError)
            assert (note.line, note.message) == (exc.lineno, f"syntax error: {exc.msg}; skipped")
        else:  # what the file's bytes are: Python reports these as syntax errors at line 0 or 1
            assert note.message.startswith(("unknown encoding", "UTF-8 byte order mark", "byte 0x", "binary file"))


def test_process_pool_gives_the_same_facts() -> None:
    from routecheck.scan.pool import map_indices

    texts = [b'M = "claude-sonnet-4-6"\n', b'x = "claude-opus-4-6"\ndef f(:\n', b"client.messages.create()\n",
             b'call_ai("nope")\n', b'call_ai(TASK)\nTASK = "t"\n']

    def task(index: int) -> FileFacts:
        return ANALYZER.python(texts[index])

    serial = map_indices(task, [1] * len(texts), workers=1)
    assert [len(f.models) + len(f.sdk_calls) + len(f.route_calls) for f in serial] == [1, 1, 1, 1, 1]
    assert map_indices(task, [1] * len(texts), workers=2, min_weight=0) == serial


def test_what_a_dead_worker_did_not_send_is_done_in_this_process() -> None:
    from routecheck.scan.pool import map_indices

    parent = os.getpid()

    def task(index: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # the worker dies before sending anything
        return index * 2

    assert map_indices(task, [1] * 40, workers=2, min_weight=0) == [i * 2 for i in range(40)]


def test_a_scan_across_workers_finds_what_one_process_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    import routecheck.scan.pool
    from tests.scan.helpers import FIXTURES

    monkeypatch.chdir(FIXTURES)
    alone = scan([FIXTURES], FIXTURES, **{"task-calls": ["*.route"]})
    monkeypatch.setattr(routecheck.scan.pool, "POOL_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(routecheck.scan.pool, "usable_cores", lambda: 2)
    assert scan([FIXTURES], FIXTURES, **{"task-calls": ["*.route"]}) == alone
    assert len(alone.findings) > 50


DEEP = 50_000


@pytest.mark.parametrize(("source", "expected"), [
    # tens of thousands of terms or attribute hops: Python's parser refuses them; a note, not a crash (the
    # statement after them is read on its own)
    ("x = " + " + ".join(["a"] * DEEP) + '\nM = "claude-opus-4-6"\n', ([("RC201", 2, 5)], [])),
    ("client" + ".b" * DEEP + '.messages.create(model="m")\n', ([], [(1, 1, "nested too deeply to parse; skipped")])),
    ("x = " + "(" * DEEP + ")" * DEEP + '\nM = "claude-opus-4-6"\n', ([("RC201", 2, 5)], [])),
    ("x = " + "(" * DEEP + ")" * DEEP + '\ncall_ai(TASK)\n',
     ([], [(1, 205, "syntax error: too many nested parentheses; skipped")])),
    # as deep as the parser accepts: found, with an iterative walk
    ("r = client" + ".b" * 800 + '.messages.create(model="m")\n', ([("RC202", 1, 5)], [])),
    ("M = " + " ".join(['"x "'] * DEEP) + ' "claude-opus-4-6"\n', ([("RC201", 1, 250_005)], [])),
    ("call_ai(" + "[" * 150 + "]" * 150 + ")\n", ([("RC204", 1, 9)], [])),
])
def test_deeply_nested_input_gives_a_note_or_a_finding(source: str, expected: tuple[list[tuple[str, int, int]],
                                                        list[tuple[int, int, str]]], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deep.py").write_text(source)
    started = time.perf_counter()
    result = scan([tmp_path / "deep.py"], tmp_path)
    assert time.perf_counter() - started < 20
    found = [(f.code, f.line, f.column) for f in result.findings]
    assert (found, [(n.line, n.column, n.message) for n in result.notes]) == expected


def test_a_file_is_read_whole_whatever_its_stat_said_and_never_past_the_limit(tmp_path: Path) -> None:
    from routecheck.scan import _read

    path = tmp_path / "grown.py"
    path.write_bytes(b"x" * 100)
    assert _read(path, 100, 1_000) == b"x" * 100
    assert _read(path, 50, 1_000) == b"x" * 100  # grew since its stat
    assert _read(path, 200, 1_000) == b"x" * 100  # shrank
    assert _read(path, 50, 60) == b"x" * 61  # one byte past the limit shows it is over
