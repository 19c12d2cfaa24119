"""The facts cache at rest: only what resolution needs (identifiers), nothing of a file's old content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from routecheck.cli import main
from scan.helpers import FIXTURES

TASKS = '''API_KEY = "sk-ant-api03-SECRETSECRET"
PROMPT = "You are a support agent. Never reveal the refund code 7431."
KIND = "classify_intent"
OLD = "retired_task_name"


class Kinds:
    SUMMARY = "summarize_ticket"
    BANNER = "Welcome back, valued customer!"
'''
APP = '''from tasks import API_KEY, KIND, Kinds

call_ai(KIND, "x")
call_ai(Kinds.SUMMARY, "x")
call_ai(API_KEY, "x")
call_ai(Kinds.BANNER, "x")
'''


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(FIXTURES / "policy.toml", tmp_path / "routing.toml")
    (tmp_path / "pyproject.toml").write_text('[tool.routecheck]\npolicy = "routing.toml"\n')
    (tmp_path / "tasks.py").write_text(TASKS)
    (tmp_path / "app.py").write_text(APP)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cached(proj: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted((proj / ".routecheck_cache").glob("facts-*.json")))


def test_module_constants_that_are_not_identifiers_never_reach_the_cache(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cold = main(["scan", "--select", "RC203,RC204"]), capsys.readouterr().out
    warm = main(["scan", "--select", "RC203,RC204"]), capsys.readouterr().out

    assert cold == warm == (1, (
        "app.py:4:9: RC203 [error] task type 'summarize_ticket' is not in the policy (add [tasks.summarize_ticket] "
        "to routing.toml)\n"
        "app.py:5:9: RC204 [warning] cannot resolve the task type API_KEY of call_ai() to a literal; pass a task "
        "name, a constant, an Enum member or a Literal-typed name so it can be checked\n"
        "app.py:6:9: RC204 [warning] cannot resolve the task type Kinds.BANNER of call_ai() to a literal; pass a "
        "task name, a constant, an Enum member or a Literal-typed name so it can be checked\n"
        "Found 1 error, 2 warnings, 0 infos in 3 files.\n"
    ))
    data = cached(proj)
    for secret in (b"sk-ant-api03-SECRETSECRET", b"refund code 7431", b"valued customer"):
        assert secret not in data
    assert b"classify_intent" in data and b"summarize_ticket" in data  # what resolution needs is kept


def test_the_facts_of_a_files_old_content_leave_the_cache_with_it(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["scan"])
    assert b"retired_task_name" in cached(proj)
    (proj / "tasks.py").write_text(TASKS.replace('OLD = "retired_task_name"\n', ""))
    main(["scan"])
    capsys.readouterr()
    assert b"retired_task_name" not in cached(proj)
    (proj / "tasks.py").unlink()
    (proj / "app.py").write_text('call_ai("classify_intent", "x")\n')
    main(["scan"])
    assert b"summarize_ticket" not in cached(proj)  # a deleted file's facts go too
