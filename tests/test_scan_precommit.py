"""The real pre-commit, installed in a throwaway git repository, using this repository's hooks.

pre-commit clones the hook repository and pip-installs it into its own virtualenv (PyPI must be
reachable, or pip's cache warm): the first run takes a while, so the test is marked `slow` (it still
runs by default). The hook repository is a snapshot of this checkout, uncommitted work included.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README_REPO = "https://github.com/<owner>/routecheck"


def readme_snippet() -> str:
    """The README's .pre-commit-config.yaml, as a user copies it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```yaml\n# .pre-commit-config.yaml\n") + len("```yaml\n")
    return readme[start:readme.index("```", start)]


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def snapshot(target: Path) -> str:
    """This checkout's files (tracked and untracked, not ignored) committed to a new repository at `target`."""
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    assert listed.returncode == 0, listed.stderr
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file() and not name.startswith(("tests/", "benchmarks/")):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "snapshot")):
        assert git(target, *args).returncode == 0
    return git(target, "rev-parse", "HEAD").stdout.strip()


def commit_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A git identity for the test's commits, and the environment pre-commit runs in: its own home, and
    no PYTHONPATH (the hook must run the routecheck pre-commit installed, not this checkout)."""
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(name, "routecheck tests")
    for name in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(name, "tests@example.com")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    return env


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a checkout")
def test_pre_commit_blocks_a_hardcoded_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hooks, app = tmp_path / "hooks", tmp_path / "app"
    hooks.mkdir()
    app.mkdir()
    env = commit_env(tmp_path, monkeypatch)
    rev = snapshot(hooks)
    shutil.copy(ROOT / "examples" / "routed_app" / "routing.toml", app / "routing.toml")
    (app / "pyproject.toml").write_text('[tool.routecheck]\npolicy = "routing.toml"\n')
    # the README's snippet, then the step it names: `pre-commit autoupdate` pins `rev: main` to a commit
    assert git(app, "init", "-q").returncode == 0
    snippet = readme_snippet().replace(README_REPO, str(hooks))
    (app / ".pre-commit-config.yaml").write_text(snippet)
    autoupdate = subprocess.run([sys.executable, "-m", "pre_commit", "autoupdate"], cwd=app, env=env,
                                capture_output=True, text=True, check=False)
    mutable = (f"[WARNING] The 'rev' field of repo '{hooks}' appears to be a mutable reference (moving tag / "
               "branch).  Mutable references are never updated after first install and are not supported.  See "
               "https://pre-commit.com/#using-the-latest-version-for-a-repository for more details.  Hint: "
               "`pre-commit autoupdate` often fixes this.\n")
    assert (autoupdate.returncode, autoupdate.stdout) == (0, f"{mutable}[{hooks}] updating main -> {rev}\n")
    assert (app / ".pre-commit-config.yaml").read_text() == snippet.replace("rev: main", f"rev: {rev}")
    install = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=app, env=env,
                             capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stdout + install.stderr

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        git(app, "add", "-A")
        return subprocess.run(["git", "commit", "-q", "-m", message], cwd=app, env=env, capture_output=True,
                              text=True, check=False, timeout=900)

    (app / "summarize.py").write_text('import anthropic\n\nMODEL = "claude-sonnet-4-6"\n')
    blocked = commit("hardcoded model")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert ("summarize.py:3:9: RC201 [error] hardcoded model id 'claude-sonnet-4-6'; route the call through a "
            "task type so the policy picks the model") in output
    assert git(app, "rev-parse", "--verify", "-q", "HEAD").returncode != 0  # nothing was committed

    (app / "summarize.py").write_text('from app.llm_routes import call_ai\n\nLABEL = call_ai("classify_intent", "x")\n')
    passed = commit("routed call")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert git(app, "log", "--format=%s").stdout == "routed call\n"

    notebook = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Trying models\n"]},
                          {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": ["!pip install anthropic\n", "MODEL = \"claude-opus-4-6\"\n"]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (app / "explore.ipynb").write_text(json.dumps(notebook, indent=1))
    blocked = commit("a notebook")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert ("explore.ipynb:cell 2:2:9: RC201 [error] hardcoded model id 'claude-opus-4-6'; route the call "
            "through a task type so the policy picks the model") in output
