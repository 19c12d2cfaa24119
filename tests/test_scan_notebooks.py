"""Notebooks: code cells scanned as Python, findings placed by cell (as ruff places them), in every format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from routecheck.cli import main
from scan.helpers import FIXTURES, scan

NOTEBOOKS = FIXTURES / "notebooks"


def located(paths: list[Path], **options: object) -> list[tuple[str, int | None, str, int, int]]:
    return [(f.path, f.cell, f.code, f.line, f.column) for f in scan(paths, FIXTURES, **options).findings]  # type: ignore[arg-type]


def test_cells_magics_and_cross_cell_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Markdown cells count in the numbering; magics and shell escapes are no errors; a `%%bash` cell is
    left out, a `%%time` one and a `%time` line are Python; TASK from cell 2 resolves in cell 5."""
    monkeypatch.chdir(FIXTURES)
    nb = "notebooks/experiments.ipynb"
    assert located([NOTEBOOKS / "experiments.ipynb"], strict=True) == [
        (nb, 2, "RC201", 5, 9), (nb, 3, "RC202", 5, 9), (nb, 5, "RC203", 2, 17), (nb, 7, "RC201", 2, 10),
        (nb, 7, "RC203", 5, 19),
    ]


def test_a_broken_cell_is_a_note_and_the_others_are_scanned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = scan([NOTEBOOKS / "broken_cell.ipynb"], FIXTURES)
    assert [(f.cell, f.code, f.line, f.column) for f in result.findings] == [(1, "RC201", 1, 9), (3, "RC202", 1, 1)]
    assert [(n.cell, n.line, n.column, n.message) for n in result.notes] == [
        (2, 1, 31, "syntax error: '(' was never closed; skipped")]


def test_malformed_and_foreign_notebooks_are_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = scan([NOTEBOOKS / "malformed.ipynb", NOTEBOOKS / "r_kernel.ipynb"], FIXTURES)
    assert result.findings == ()
    assert [(n.path, n.line, n.column, n.message) for n in result.notes] == [
        ("notebooks/malformed.ipynb", 2, 1, "not a valid notebook (invalid JSON: Expecting ',' delimiter); skipped"),
        ("notebooks/r_kernel.ipynb", 1, 1, "notebook language 'R', not Python; skipped"),
    ]


@pytest.mark.parametrize("document", [
    b"", b"[]", b'{"cells": {}}', b'{"cells": [{"cell_type": "code", "source": 3}]}', b"\xff\xfe",
    b'{"cells": [{"cell_type": "code", "source": ["x = (\\n"]}]}', b"[" * 100_000,
])
def test_hostile_notebooks_never_crash(document: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nb.ipynb").write_bytes(document + b' "claude-opus-4-6"')
    result = scan([tmp_path / "nb.ipynb"], tmp_path)
    assert result.findings == ()
    assert [n.path for n in result.notes] == ["nb.ipynb"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(FIXTURES / "policy.toml", tmp_path / "routing.toml")
    (tmp_path / "pyproject.toml").write_text('[tool.routecheck]\npolicy = "routing.toml"\n')
    shutil.copy(NOTEBOOKS / "experiments.ipynb", tmp_path / "experiments.ipynb")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_text_output_reads_as_ruff_prints_notebooks(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "scan", "--no-cache", "--select", "RC201,RC202")
    assert (code, out) == (1, (
        "experiments.ipynb:cell 2:5:9: RC201 [error] hardcoded model id 'claude-sonnet-4-6'; route the call "
        "through a task type so the policy picks the model\n"
        "experiments.ipynb:cell 3:5:9: RC202 [error] direct SDK call client.messages.create() bypasses the routing "
        "policy; call the generated client (router.create(task, ...)) instead\n"
        "experiments.ipynb:cell 7:2:10: RC201 [error] hardcoded model id 'claude-haiku-4-5'; route the call "
        "through a task type so the policy picks the model\n"
        "Found 3 errors, 0 warnings, 0 infos in 2 files.\n"))


def test_json_sarif_and_github_point_at_the_notebook(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(capsys, "scan", "--no-cache", "--select", "RC202", "--format", "json")
    assert json.loads(out)["findings"] == [{
        "code": "RC202", "name": "direct-sdk-call", "severity": "error", "path": "experiments.ipynb", "line": 5,
        "column": 9, "cell": 3, "message": "direct SDK call client.messages.create() bypasses the routing policy; "
        "call the generated client (router.create(task, ...)) instead"}]
    _, out = run(capsys, "scan", "--no-cache", "--select", "RC202", "--format", "sarif")
    result = json.loads(out)["runs"][0]["results"][0]
    assert (result["locations"], result["properties"], result["message"]["text"][:31]) == (
        [{"physicalLocation": {"artifactLocation": {"uri": "experiments.ipynb", "uriBaseId": "%SRCROOT%"},
                               "region": {"startLine": 5, "startColumn": 9}}}],
        {"cell": 3}, "cell 3: direct SDK call client.")
    _, out = run(capsys, "scan", "--no-cache", "--select", "RC202", "--format", "github")
    assert out == ("::error file=experiments.ipynb,line=5,col=9,title=RC202 direct-sdk-call::cell 3: RC202 direct SDK "
                   "call client.messages.create() bypasses the routing policy; call the generated client "
                   "(router.create(task, ...)) instead\n")


def test_baseline_accepts_notebook_findings_and_survives_moving_cells(project: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "scan", "--no-cache", "--write-baseline", "baseline.json") == (
        0, "Wrote 8 findings to baseline.json.\n")  # 5 in the notebook, 3 RC206
    notebook = json.loads((project / "experiments.ipynb").read_text())
    notebook["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": ["# moved down\n"]})
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                              "source": ["NEW = \"gpt-4.1\"\n"]})
    (project / "experiments.ipynb").write_text(json.dumps(notebook))
    assert run(capsys, "scan", "--no-cache", "--quiet", "--baseline", "baseline.json") == (
        1, "experiments.ipynb:cell 9:1:7: RC201 [error] hardcoded model id 'gpt-4.1'; route the call through a "
           "task type so the policy picks the model\n")
