"""Real trees: every odd file gives a finding or a located note, never a traceback, and the scan goes on."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.scan.helpers import FIXTURES, scan, triples

MODEL_LINE = 'MODEL = "claude-sonnet-4-6"\n'


def notes(result: object) -> list[tuple[str, int, int, str]]:
    return [(n.path, n.line, n.column, n.message) for n in result.notes]  # type: ignore[attr-defined]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.py").write_text(MODEL_LINE)
    return tmp_path


def test_syntax_error_is_a_located_note(tree: Path) -> None:
    """A file the scanner must parse whole (a routing call names a constant: the module's scopes resolve it)
    gets Python's own message where Python puts it, and no finding."""
    (tree / "broken.py").write_text('x = "claude-opus-4-6"\ndef f(:\n    pass\nLABEL = call_ai(TASK, "t")\n')
    result = scan([tree], tree)
    assert [(f.path, f.code, f.line, f.column) for f in result.findings] == [("good.py", "RC201", 1, 9)]
    assert notes(result) == [("broken.py", 2, 7, "syntax error: invalid syntax; skipped")]


def test_a_syntax_error_elsewhere_does_not_hide_a_finding(tree: Path) -> None:
    """Read statement by statement, a file keeps the findings of the statements that parse (as ruff does)."""
    (tree / "broken.py").write_text('x = "claude-opus-4-6"\ndef f(x)\n    pass\nclient.messages.create(model=x)\n')
    result = scan([tree], tree)
    assert [(f.path, f.code, f.line, f.column) for f in result.findings] == [
        ("broken.py", "RC201", 1, 5), ("broken.py", "RC202", 4, 1), ("good.py", "RC201", 1, 9)]
    assert notes(result) == []


def test_pep263_cookie_is_honoured(tree: Path) -> None:
    (tree / "latin.py").write_bytes(b'# -*- coding: latin-1 -*-\nNAME = "caf\xe9"\nM = "claude-opus-4-6"\n')
    result = scan([tree], tree)
    assert [(f.path, f.code, f.line, f.column) for f in result.findings] == [
        ("good.py", "RC201", 1, 9), ("latin.py", "RC201", 3, 5)]
    assert result.notes == ()


def test_bad_encoding_unknown_cookie_and_bom_conflict(tree: Path) -> None:
    (tree / "bad_utf8.py").write_bytes(b'x = 1\ny = "\xff claude-opus-4-6"\n')
    (tree / "bad_cookie.py").write_bytes(b'# coding: uft-8\nM = "claude-opus-4-6"\n')
    (tree / "bom_latin.py").write_bytes(b'\xef\xbb\xbf# coding: latin-1\nM = "claude-opus-4-6"\n')
    (tree / "bom_utf8.py").write_bytes(b'\xef\xbb\xbf# coding: utf8\nM = "claude-opus-4-6"\n')  # Python refuses it too
    (tree / "bom_utf_8.py").write_bytes(b'\xef\xbb\xbf# coding: UTF_8\nM = "claude-opus-4-6"\n')  # and takes this
    result = scan([tree], tree)
    assert [(f.path, f.code, f.line, f.column) for f in result.findings] == [
        ("bom_utf_8.py", "RC201", 2, 5), ("good.py", "RC201", 1, 9)]
    accepts = "(Python accepts only 'utf-8' beside one); skipped"
    assert notes(result) == [
        ("bad_cookie.py", 1, 1, "unknown encoding 'uft-8' in the coding cookie; skipped"),
        ("bad_utf8.py", 2, 6, "byte 0xff is not valid utf-8; skipped"),
        ("bom_latin.py", 1, 1, f"UTF-8 byte order mark but coding cookie 'latin-1' {accepts}"),
        ("bom_utf8.py", 1, 1, f"UTF-8 byte order mark but coding cookie 'utf8' {accepts}"),
    ]


def test_binary_and_huge_files(tree: Path) -> None:
    (tree / "blob.py").write_bytes(b"\x00\x01claude-opus-4-6\x00")
    (tree / "huge.py").write_text(MODEL_LINE * 100_000)
    result = scan([tree], tree)
    assert triples(result.findings) == [("RC201", 1, 9)]
    assert notes(result) == [
        ("blob.py", 1, 1, "binary file (NUL bytes); skipped"),
        ("huge.py", 1, 1, "larger than 2,000,000 bytes (2,800,000); skipped"),
    ]


def test_symlink_loops(tree: Path) -> None:
    (tree / "sub").mkdir()
    (tree / "sub" / "loop").symlink_to(tree, target_is_directory=True)
    (tree / "self.py").symlink_to(tree / "self.py")
    (tree / "dangling.py").symlink_to(tree / "missing.py")
    result = scan([tree], tree)
    assert triples(result.findings) == [("RC201", 1, 9)]
    assert notes(result) == [
        ("dangling.py", 1, 1, "broken symbolic link; skipped"),
        ("self.py", 1, 1, "symbolic link loop; skipped"),
        ("sub/loop", 1, 1, "symbolic link loop (folder already scanned); skipped"),
    ]


def test_not_a_regular_file(tree: Path) -> None:
    os.mkfifo(tree / "pipe.py")  # reading it would block forever: it must be skipped unread
    result = scan([tree], tree)
    assert notes(result) == [("pipe.py", 1, 1, "not a regular file; skipped")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode; no unreadable file exists")
def test_unreadable_file(tree: Path) -> None:
    secret = tree / "secret.py"
    secret.write_text(MODEL_LINE)
    secret.chmod(0)
    result = scan([tree], tree)
    assert notes(result) == [("secret.py", 1, 1, "cannot read file: Permission denied; skipped")]


def test_include_exclude_and_default_skips(tree: Path) -> None:
    for rel in ("app/a.py", "app/fixtures/b.py", "scripts/c.py", "other/d.py", ".venv/lib/e.py", "app/cfg.yaml"):
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(MODEL_LINE if rel.endswith(".py") else "model: claude-opus-4-6\n")
    result = scan([tree], tree, include=["app", "scripts"], exclude=["app/fixtures/**", "*.yaml"])
    assert sorted(f.path for f in result.findings) == ["app/a.py", "scripts/c.py"]
    assert result.files_scanned == 2


def test_explicit_files_only(tree: Path) -> None:
    (tree / "other.py").write_text(MODEL_LINE)
    result = scan([Path("other.py")], tree)
    assert [f.path for f in result.findings] == ["other.py"]
    assert result.files_scanned == 1


def test_git_ignored_files_are_skipped(tree: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    (tree / ".gitignore").write_text("generated/\n")
    (tree / "generated").mkdir()
    (tree / "generated" / "out.py").write_text(MODEL_LINE)
    result = scan([tree], tree)
    assert [f.path for f in result.findings] == ["good.py"]


def test_config_files(tree: Path) -> None:
    (tree / "deploy.yaml").write_text("# model: claude-opus-4-6\nllm:\n  model: claude-opus-4-6  # pinned\n")
    (tree / "settings.json").write_text('{"model": "gpt-4o"}\n')
    (tree / ".env").write_text("MODEL=claude-haiku-4-5\n")
    (tree / "other_policy.toml").write_text('version = 1\ndefault_tier = "a"\n[tiers.a]\nmodel = "claude-opus-4-6"\n')
    result = scan([tree], tree)
    assert [(f.path, f.code, f.line, f.column, f.model) for f in result.findings] == [
        (".env", "RC205", 1, 7, "claude-haiku-4-5"),
        ("deploy.yaml", "RC205", 3, 10, "claude-opus-4-6"),
        ("good.py", "RC201", 1, 9, "claude-sonnet-4-6"),
        ("settings.json", "RC205", 1, 12, "gpt-4o"),
    ]


def test_policy_evidence_and_client_are_never_reported(tree: Path) -> None:
    import shutil

    from support import load_policy

    shutil.copy(FIXTURES / "policy.toml", tree / "routing.toml")
    (tree / "llm_routes.py").write_text('MODELS = {"sonnet": "claude-sonnet-4-6"}\nclient.messages.create()\n')
    result = scan([tree], tree, policy=load_policy(tree / "routing.toml"), client="llm_routes.py")
    assert [f.path for f in result.findings] == ["good.py"]


def test_per_file_ignores(tree: Path) -> None:
    (tree / "tests").mkdir()
    (tree / "tests" / "test_x.py").write_text(MODEL_LINE + "c.messages.create()\n")
    result = scan([tree], tree, **{"per-file-ignores": {"tests/**": ["RC201"]}})
    assert [(f.path, f.code) for f in sorted(result.findings, key=lambda f: f.sort_key())] == [
        ("good.py", "RC201"), ("tests/test_x.py", "RC202")]


def test_unused_task_on_whole_project_scans_only(tree: Path) -> None:
    (tree / "use.py").write_text('call_ai("classify_intent", p)\nKIND = "draft_email"\n')
    whole = scan([], tree, whole=True)
    assert [(f.path, f.code, f.line, f.column, f.task) for f in whole.findings if f.code == "RC206"] == [
        (str(FIXTURES / "policy.toml"), "RC206", 23, 1, "extract_entities")]
    assert [f for f in scan([tree / "use.py"], tree).findings if f.code == "RC206"] == []
