"""Shared test helpers: write a policy into a temporary project, run the CLI in-process."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from routecheck.cli import main
from support import TODAY, Run, RunCli, WritePolicy


@pytest.fixture
def write_policy(tmp_path: Path) -> WritePolicy:
    """`write_policy(text, name="routing.toml")` writes a file under tmp_path (folders created); returns its path."""

    def write(text: str | bytes, name: str = "routing.toml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")
        return path

    return write


@contextlib.contextmanager
def _cwd(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


@pytest.fixture
def run_cli(tmp_path: Path) -> RunCli:
    """`run_cli(*argv, cwd=tmp_path)`: `routecheck.cli.main(argv, today=TODAY)` in `cwd`; exit code and output."""

    def run(*argv: str, cwd: Path | None = None) -> Run:
        out, err = io.StringIO(), io.StringIO()
        with _cwd(cwd or tmp_path), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv), today=TODAY)
        return Run(code, out.getvalue(), err.getvalue())

    return run
