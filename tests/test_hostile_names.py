"""File names that are not UTF-8, or hold newlines or ANSI escapes (issue 11, item 5): every format renders
them safely (one line, no escape reaching the terminal) and validly (UTF-8, JSON, URIs), baselines too."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from routecheck.cli import main
from routecheck.paths import shown_path
from scan.helpers import FIXTURES

NAMES = [b"bad\xff.py", b"nl\nx.py:1:1: RC999 [error] forged.py", b"esc\x1b[31mred.py"]
HIT = "1:5: RC201 [error] hardcoded model id 'claude-opus-4-6'; route the call through a task type so the policy " \
    "picks the model"


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(FIXTURES / "policy.toml", tmp_path / "routing.toml")
    (tmp_path / "pyproject.toml").write_text('[tool.routecheck]\npolicy = "routing.toml"\n')
    for name in NAMES:
        with open(os.path.join(os.fsencode(tmp_path), name), "wb") as file:
            file.write(b'M = "claude-opus-4-6"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> bytes:
    main(["scan", "--select", "RC201", *argv])
    return capsysbinary.readouterr().out


def test_text_output_escapes_names(proj: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert scan(capsysbinary).decode("utf-8") == (
        f"bad\\xff.py:{HIT}\n"
        f"esc\\x1b[31mred.py:{HIT}\n"
        f"nl\\nx.py:1:1: RC999 [error] forged.py:{HIT}\n"
        "Found 3 errors, 0 warnings, 0 infos in 4 files.\n"  # and the policy
    )


def test_json_output_is_valid_utf8_json(proj: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    document = json.loads(scan(capsysbinary, "--format", "json").decode("utf-8"))
    assert [f["path"] for f in document["findings"]] == [
        "bad\\xff.py", "esc\\x1b[31mred.py", "nl\\nx.py:1:1: RC999 [error] forged.py"]


def test_sarif_uris_encode_the_names_bytes(proj: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    document = json.loads(scan(capsysbinary, "--format", "sarif").decode("utf-8"))
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]]
    assert uris == ["bad%FF.py", "esc%1B%5B31mred.py", "nl%0Ax.py%3A1%3A1%3A%20RC999%20%5Berror%5D%20forged.py"]


def test_github_annotations_stay_one_line_each(proj: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    out = scan(capsysbinary, "--format", "github").decode("utf-8")
    assert [line.split(",")[0] for line in out.splitlines()] == [
        "::error file=bad\\xff.py", "::error file=esc\\x1b[31mred.py",
        "::error file=nl\\nx.py%3A1%3A1%3A RC999 [error] forged.py"]
    assert "\x1b" not in out


def test_a_baseline_is_written_and_read_back(proj: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert scan(capsysbinary, "--write-baseline", "base.json") == b"Wrote 3 findings to base.json.\n"
    written = (proj / "base.json").read_bytes()
    assert [f["path"] for f in json.loads(written.decode("utf-8"))["findings"]] == [
        "bad\\xff.py", "esc\\x1b[31mred.py", "nl\\nx.py:1:1: RC999 [error] forged.py"]
    assert scan(capsysbinary, "--baseline", "base.json") == b"All checks passed (5 files).\n"  # base.json too


@pytest.mark.parametrize(("name", "shown"), [
    ("plain/ascii.py", "plain/ascii.py"), ("caf\u00e9.py", "caf\u00e9.py"), ("tab\tname.py", "tab\\tname.py"),
    ("cr\rname.py", "cr\\rname.py"), ("del\x7f.py", "del\\x7f.py"), ("rtl\u202eyp.exe", "rtl\\u202eyp.exe"),
    (os.fsdecode(b"\xc3("), "\\xc3("),
])
def test_shown_path(name: str, shown: str) -> None:
    assert shown_path(name) == shown
