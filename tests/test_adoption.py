"""Adopting a legacy app end to end, as a new user would: `init`, `generate`, `check --fix`, a baseline,
and the real pre-commit with the config `init` prints, in a temporary git repository.

The app (tests/fixtures/adopt/helpdesk) has a MODEL_REGISTRY with a hand-written call_ai, call_ai
callers in another module, two direct `messages.create` calls the policy can route and one it cannot
(a client passed in). The expected policy, pyproject and rewritten sources are files beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from routecheck.cost.source import SOURCE
from support import FIXTURES, RunCli

APP = FIXTURES / "adopt" / "helpdesk"
EXPECTED = FIXTURES / "adopt" / "expected"
POLICY = (EXPECTED / "routing.toml").read_text().replace("genai-prices 0.2.3", SOURCE)

INIT_OUT = """\
wrote policies/routing.toml: 3 tiers (haiku, sonnet, opus), 6 tasks, each on the model the code uses today; \
check the lines marked `# review:`
added [tool.routecheck] to pyproject.toml

next:
  routecheck generate                      # write the typed client (helpdesk/llm_routes.py)
  routecheck check --fix                   # route the calls whose task is known through it
  routecheck check --write-baseline .routecheck-baseline.json   # accept what remains; only new findings fail

then add to .pre-commit-config.yaml (routecheck must be installed where `git commit` runs):

"""
PRE_COMMIT = """\
repos:
  - repo: local
    hooks:
      - id: routecheck
        name: routecheck
        entry: routecheck check --baseline .routecheck-baseline.json
        language: system
        files: '\\.(py|ipynb|ya?ml|json|toml|ini|cfg|env)$|(^|/)\\.env(\\.[^/]*)?$'
        require_serial: true
"""
_MODEL = "route the call through a task type so the policy picks the model"
_RC108 = ("policies/routing.toml:{line}:1: RC108 [error] task '{task}' runs on 'haiku' below default_tier 'sonnet' "
          "without evidence (run `routecheck eval {task} --samples FILE --write`)")
LINT = [_RC108.format(line=34, task="classify_intent"), _RC108.format(line=52, task="extract_entities"),
        _RC108.format(line=60, task="headline"), _RC108.format(line=77, task="summarize_thread")]
REMAINING = [
    f"helpdesk/registry.py:7:24: RC201 [error] hardcoded model id 'claude-haiku-4-5-20251001'; {_MODEL}",
    f"helpdesk/registry.py:8:25: RC201 [error] hardcoded model id 'claude-haiku-4-5-20251001'; {_MODEL}",
    f"helpdesk/registry.py:9:20: RC201 [error] hardcoded model id 'claude-sonnet-4-6'; {_MODEL}",
    f"helpdesk/tickets.py:10:18: RC201 [error] hardcoded model id 'claude-haiku-4-5-20251001'; {_MODEL}",
    "helpdesk/tickets.py:40:13: RC202 [error] direct SDK call llm.messages.create() bypasses the routing policy; "
    "call the generated client (router.create(task, ...)) instead",
    *LINT[:2],
    "policies/routing.toml:58:1: RC206 [info] task type 'headline' is in the policy but no scanned code uses it",
    *LINT[2:],
    "Found 9 errors, 0 warnings, 1 info in 5 files.",
]


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env)


def lines(text: str) -> list[str]:
    return text.splitlines()


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The legacy app committed in a fresh git repository."""
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(name, "routecheck tests")
    for name in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(name, "tests@example.com")
    target = tmp_path / "app"
    shutil.copytree(APP, target)
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "the legacy app")):
        assert git(target, *args).returncode == 0
    return target


def test_init_writes_the_policy_the_code_implies_and_never_overwrites_it(app: Path, run_cli: RunCli) -> None:
    done = run_cli("init", cwd=app)
    assert (done.code, done.err) == (0, "")
    assert done.out == INIT_OUT + PRE_COMMIT
    assert (app / "policies" / "routing.toml").read_text() == POLICY
    assert (app / "pyproject.toml").read_text() == (EXPECTED / "pyproject.toml").read_text()
    linted = run_cli("lint", cwd=app)
    assert (linted.code, lines(linted.out)) == (1, [*LINT, "Found 4 errors, 0 warnings, 0 infos in 1 file."])

    again = run_cli("init", cwd=app)
    assert (again.code, again.out) == (2, "")
    assert again.err == ("policies/routing.toml:1:1: policy file already exists; init never overwrites it "
                         "(expected --force to replace it)\n")
    (app / "policies" / "routing.toml").write_text("# mine\n")
    forced = run_cli("init", "--force", cwd=app)
    assert forced.code == 0
    assert forced.out == INIT_OUT.replace("added [tool.routecheck] to pyproject.toml\n", "") + PRE_COMMIT
    assert (app / "policies" / "routing.toml").read_text() == POLICY
    assert (app / "pyproject.toml").read_text() == (EXPECTED / "pyproject.toml").read_text()  # not added twice


def test_init_without_a_pyproject_creates_one_and_with_no_model_says_so(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "bot.py").write_text('import anthropic\n\n\ndef answer(q):\n    return anthropic.Anthropic()'
                                     '.messages.create(model="claude-sonnet-4-6", max_tokens=50, messages=q)\n')
    done = run_cli("init", cwd=tmp_path)
    assert done.code == 0, done.err
    assert (tmp_path / "pyproject.toml").read_text() == ('[tool.routecheck]\npolicy = "policies/routing.toml"\n'
                                                         'client = "llm_routes.py"\n')
    assert "[tasks.answer]\n# answer(): anthropic.Anthropic().messages.create() (bot.py:5)\n" in (
        tmp_path / "policies" / "routing.toml").read_text()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "pyproject.toml").write_text('[project]\nname = "x"\n')
    nothing = run_cli("init", cwd=empty)
    assert (nothing.code, nothing.out) == (2, "")
    assert nothing.err == ("routecheck: error: no Claude model found in the code under .; nothing to start a "
                           "policy from (write one by hand: see `routecheck schema`)\n")
    assert not (empty / "policies").exists()
    assert (empty / "pyproject.toml").read_text() == '[project]\nname = "x"\n'


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_legacy_app_adopted_in_three_commands_then_guarded_by_pre_commit(app: Path, run_cli: RunCli) -> None:
    init = run_cli("init", cwd=app)
    assert init.code == 0, init.err
    assert run_cli("generate", cwd=app).out == "wrote helpdesk/llm_routes.py\n"

    diff = run_cli("check", "--diff", cwd=app)
    assert diff.code == 1
    assert diff.out.startswith("--- helpdesk/registry.py\n+++ helpdesk/registry.py\n@@ -1,6 +1,7 @@\n")
    assert (app / "helpdesk" / "registry.py").read_text() == (APP / "helpdesk" / "registry.py").read_text()

    fixed = run_cli("check", "--fix", cwd=app)
    assert fixed.code == 1
    assert lines(fixed.out) == ["Fixed 2 files: helpdesk/registry.py, helpdesk/tickets.py.", *REMAINING]
    for name in ("registry.py", "tickets.py"):
        assert (app / "helpdesk" / name).read_text() == (EXPECTED / name).read_text()
    again = run_cli("check", "--fix", cwd=app)  # idempotent: nothing left to rewrite, the same findings
    assert (again.code, lines(again.out)) == (1, REMAINING)
    assert run_cli("check", "--diff", cwd=app).code == 0
    imported = subprocess.run([sys.executable, "-c", "import helpdesk.tickets"], cwd=app, capture_output=True,
                              text=True, check=False, env={**os.environ, "ANTHROPIC_API_KEY": "unused"})
    assert imported.returncode == 0, imported.stderr  # the rewritten app imports with the generated client

    baseline = run_cli("check", "--write-baseline", ".routecheck-baseline.json", cwd=app)
    assert (baseline.code, baseline.out) == (0, "Wrote 10 findings to .routecheck-baseline.json.\n")
    assert run_cli("check", "--baseline", ".routecheck-baseline.json", cwd=app).code == 0

    (app / ".pre-commit-config.yaml").write_text(init.out.split("runs):\n\n", 1)[1])
    env = {**os.environ, "PRE_COMMIT_HOME": str(app.parent / "pre-commit-home"),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    env.pop("PYTHONPATH", None)
    install = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=app, env=env,
                             capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stdout + install.stderr

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        git(app, "add", "-A")
        return git(app, "commit", "-q", "-m", message, env=env)

    adopted = commit("adopt routecheck")
    assert adopted.returncode == 0, adopted.stdout + adopted.stderr
    (app / "helpdesk" / "escalate.py").write_text('ESCALATION_MODEL = "claude-opus-4-6"\n')
    blocked = commit("a new hardcoded model")
    assert blocked.returncode == 1
    assert (f"helpdesk/escalate.py:1:20: RC201 [error] hardcoded model id 'claude-opus-4-6'; {_MODEL}\n"
            "Found 1 error, 0 warnings, 0 infos in 2 files.\n") in blocked.stdout + blocked.stderr
    assert git(app, "log", "--format=%s").stdout == "adopt routecheck\nthe legacy app\n"
