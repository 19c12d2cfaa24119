"""`check --fix` and `check --diff` at the command line: ruff's conventions, exact output, located errors."""

from __future__ import annotations

import json
from pathlib import Path

from support import ONE_TIER, RunCli

POLICY = ONE_TIER + """\
[tasks.answer]
tier = "sonnet"
kind = "other"
output = "short_text"
stakes = "high"
max_tokens = 50
"""
BOT = """\
import anthropic

client = anthropic.Anthropic()


def answer(q):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=50, messages=q)
"""
FIXED = """\
import anthropic
from llm_routes import Router

client = anthropic.Anthropic()
router = Router(client=client)


def answer(q):
    return router.create("answer", messages=q)
"""
DIFF = "".join(line + "\n" for line in [  # context lines start with a space, blank ones too
    "--- bot.py",
    "+++ bot.py",
    "@@ -1,7 +1,9 @@",
    " import anthropic",
    "+from llm_routes import Router",
    " ",
    " client = anthropic.Anthropic()",
    "+router = Router(client=client)",
    " ",
    " ",
    " def answer(q):",
    '-    return client.messages.create(model="claude-sonnet-4-6", max_tokens=50, messages=q)',
    '+    return router.create("answer", messages=q)',
])


def project(tmp_path: Path, config: str = 'client = "llm_routes.py"\n') -> Path:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "routing.toml").write_text(POLICY)
    (tmp_path / "pyproject.toml").write_text("[tool.routecheck]\n" + config)
    (tmp_path / "bot.py").write_text(BOT)
    return tmp_path


def test_diff_prints_the_rewrite_and_changes_nothing(tmp_path: Path, run_cli: RunCli) -> None:
    project(tmp_path)
    done = run_cli("check", "--diff", cwd=tmp_path)
    assert (done.code, done.out, done.err) == (1, DIFF, "")
    assert (tmp_path / "bot.py").read_text() == BOT


def test_fix_rewrites_then_reports_what_remains_and_a_second_run_has_nothing_to_do(tmp_path: Path,
                                                                                   run_cli: RunCli) -> None:
    project(tmp_path)
    assert run_cli("generate", cwd=tmp_path).code == 0
    done = run_cli("check", "--fix", cwd=tmp_path)
    assert (done.code, done.out, done.err) == (0, "Fixed 1 file: bot.py.\nAll checks passed (3 files).\n", "")
    assert (tmp_path / "bot.py").read_text() == FIXED
    again = run_cli("check", "--fix", cwd=tmp_path)
    assert (again.code, again.out) == (0, "All checks passed (3 files).\n")
    diff = run_cli("check", "--diff", cwd=tmp_path)
    assert (diff.code, diff.out) == (0, "")


def test_fix_with_json_keeps_stdout_json(tmp_path: Path, run_cli: RunCli) -> None:
    project(tmp_path)
    assert run_cli("generate", cwd=tmp_path).code == 0
    done = run_cli("check", "--fix", "--format", "json", cwd=tmp_path)
    assert done.err == "Fixed 1 file: bot.py.\n"
    assert json.loads(done.out)["findings"] == []


def test_fix_needs_the_client_configured_and_generated(tmp_path: Path, run_cli: RunCli) -> None:
    project(tmp_path, config="")
    done = run_cli("check", "--fix", cwd=tmp_path)
    assert (done.code, done.out) == (2, "")
    assert done.err == ("routecheck: error: --fix and --diff rewrite calls onto the generated client: "
                        "[tool.routecheck] client must name it (expected client = \"app/llm_routes.py\"; "
                        "`routecheck init` sets it)\n")
    (tmp_path / "pyproject.toml").write_text('[tool.routecheck]\nclient = "llm_routes.py"\n')
    missing = run_cli("check", "--fix", cwd=tmp_path)
    assert (missing.code, missing.err) == (2, "routecheck: error: --fix rewrites calls onto the generated client, "
                                              "and llm_routes.py does not exist yet (run `routecheck generate` "
                                              "first)\n")
    assert (tmp_path / "bot.py").read_text() == BOT
    both = run_cli("check", "--fix", "--diff", cwd=tmp_path)
    assert both.code == 2
    assert both.err.endswith("error: argument --diff: not allowed with argument --fix\n")
