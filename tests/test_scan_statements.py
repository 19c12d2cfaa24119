"""Reading a file statement by statement finds exactly what parsing it whole finds.

The scanner parses only the statements around candidates (`Analyzer._statements`) and decides whether a
string is documentation from the code around it; the whole-file `ast` path (`Analyzer._whole`) is the
reference. A broad `model-patterns` entry and `task-calls` make nearly every string and many calls
candidates, so the comparison covers far more than the ids real code holds.
"""

from __future__ import annotations

import ast
import sysconfig
import warnings
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routecheck.scan.analyze import Analyzer, ParseJob
from routecheck.scan.facts import FileFacts
from routecheck.scan.lexer import Positions, token_spans
from routecheck.scan.settings import ScanSettings
from scan.helpers import FIXTURES

BROAD = Analyzer(ScanSettings(model_patterns=(r"[a-z]+_[a-z]+", "utf-8"),
                              task_calls=("*.startswith", "*.endswith", "*.get", "*.split", "*.route")))


def both(text: str) -> tuple[FileFacts | None, FileFacts]:
    job = ParseJob(text, (), (), symbols=False)
    spans, positions = token_spans(text), Positions(text)
    return BROAD._statements(job, spans, positions), BROAD._whole(job, spans, positions)


def differences(text: str) -> dict[str, tuple[Counter[object], Counter[object]]]:
    fast, whole = both(text)
    if fast is None:  # the statements alone could not decide: the scanner parses the file whole
        return {}
    out = {}
    for kind in ("models", "sdk_calls", "route_calls"):
        a, b = Counter(getattr(fast, kind)), Counter(getattr(whole, kind))
        if a != b:
            out[kind] = (a - b, b - a)
    return out


def parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


@pytest.mark.parametrize("path", sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*.py")))
def test_fixture_cases(path: str) -> None:
    assert differences((FIXTURES / path).read_text(encoding="utf-8")) == {}


def test_the_reading_by_statements_is_what_the_scanner_uses() -> None:
    fast, _ = both('MODEL = "claude-opus-4-6"\n"""claude-sonnet-4-6 as documentation"""\nr = c.messages.create()\n')
    assert fast is not None
    assert [(h.line, h.column) for h in fast.models] == [(1, 9)]
    assert [(c.line, c.column) for c in fast.sdk_calls] == [(3, 5)]


PIECES = st.sampled_from([
    '"claude_x"', "'a_b'", '"""doc_x"""', "f'{a_b}'", "x = ", "(", ")", "[", "]", "{", "}", ":", ",", "\n", "    ",
    "\\\n", "def f():\n", "class C:\n", "if a:\n", "lambda: ", "d.get(", "s.split('a_b')", "c.messages.create(",
    "; ", "# c_d\n", "return ", "@d.route('p_q')\n", "for a in b: ", "else: ", " + ", ".format(x)",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=30).map("".join))
def test_generated_python_agrees(text: str) -> None:
    if parses(text):
        assert differences(text) == {}


@pytest.mark.slow
def test_standard_library_agrees() -> None:
    lib = Path(sysconfig.get_paths()["stdlib"])
    disagree = {}
    for path in sorted(lib.rglob("*.py")):
        if "site-packages" in path.parts or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if parses(text) and (found := differences(text)):
            disagree[path.relative_to(lib).as_posix()] = found
    assert disagree == {}
