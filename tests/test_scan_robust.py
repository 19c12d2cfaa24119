"""Any bytes in, findings or notes out: never a traceback. Also the interpreter's own standard library."""

from __future__ import annotations

import re
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routecheck.scan.analyze import Analyzer
from routecheck.scan.facts import FileFacts
from routecheck.scan.settings import ScanSettings
from tests.scan.helpers import fixture_policy, project

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
    """The stdlib holds deliberately broken files: each gives a note, the scan finishes, no traceback."""
    from routecheck.scan import scan_paths

    lib = Path(sysconfig.get_paths()["stdlib"])
    monkeypatch.chdir(lib)
    result = scan_paths([lib], project=project(tmp_path), source=fixture_policy(), whole_project=False,
                        use_cache=False)
    assert result.files_scanned > 1000
    assert all(not n.path.startswith("/") for n in result.notes)
    kinds = ("syntax error: ", "cannot parse", "unknown encoding", "byte 0x", "binary file", "larger than",
             "UTF-8 byte order mark", "nested too deeply", "symbolic link", "broken symbolic link", "cannot read",
             "not a regular file")
    assert [n for n in result.notes if not n.message.startswith(kinds)] == []
    by_path = {n.path: n.message for n in result.notes}
    if (lib / "test" / "bad_coding.py").is_file():
        assert by_path["test/bad_coding.py"] == "unknown encoding 'uft-8' in the coding cookie; skipped"
    if (lib / "test" / "bad_coding2.py").is_file():
        assert by_path["test/bad_coding2.py"] == "UTF-8 byte order mark but coding cookie 'latin1'; skipped"
    assert all(f.path and f.line >= 1 and f.column >= 1 for f in result.findings)


def test_process_pool_gives_the_same_facts() -> None:
    from routecheck.scan.analyze import ParseJob
    from routecheck.scan.pool import parse_all

    texts = [b'M = "claude-sonnet-4-6"\n', b'x = "claude-opus-4-6"\ndef f(:\n', b"client.messages.create()\n",
             b'call_ai("nope")\n']
    jobs = [job for job in map(ANALYZER.triage, texts) if isinstance(job, ParseJob)]
    assert len(jobs) == 4
    assert parse_all(ANALYZER, jobs, workers=2, min_chars=0) == parse_all(ANALYZER, jobs, workers=1)
