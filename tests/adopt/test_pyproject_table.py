"""Adding [tool.routecheck] to a pyproject.toml: the user's text kept byte for byte, the result valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from routecheck.adopt.pyproject_table import add_config_table
from routecheck.errors import ConfigError

TABLE = '[tool.routecheck]\npolicy = "policies/routing.toml"\nclient = "app/llm_routes.py"\n'


def add(tmp_path: Path, text: str | None) -> tuple[str | None, str]:
    path = tmp_path / "pyproject.toml"
    if text is not None:
        path.write_bytes(text.encode())
    done = add_config_table(path, policy="policies/routing.toml", client="app/llm_routes.py")
    return done, path.read_bytes().decode()


@pytest.mark.parametrize(("before", "after"), [
    ('[project]\nname = "x"  # ours\n', '[project]\nname = "x"  # ours\n\n' + TABLE),
    ('[project]\nname = "x"', '[project]\nname = "x"\n\n' + TABLE),
    ('[project]\r\nname = "x"\r\n', '[project]\r\nname = "x"\r\n\r\n' + TABLE.replace("\n", "\r\n")),
    ("", TABLE),
])
def test_the_table_is_appended_and_the_rest_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: str,
                                                 after: str) -> None:
    monkeypatch.chdir(tmp_path)
    assert add(tmp_path, before) == ("added [tool.routecheck] to pyproject.toml" if before else
                                     "wrote pyproject.toml with [tool.routecheck]", after)


def test_a_missing_file_is_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert add(tmp_path, None) == ("wrote pyproject.toml with [tool.routecheck]", TABLE)


def test_a_table_without_client_gains_it_and_a_complete_one_is_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                    ) -> None:
    monkeypatch.chdir(tmp_path)
    before = '[tool.routecheck]   # routing\nexclude = ["vendor"]\n\n[tool.ruff]\nline-length = 99\n'
    done, text = add(tmp_path, before)
    assert done == "added client to [tool.routecheck] in pyproject.toml"
    assert text == ('[tool.routecheck]   # routing\nclient = "app/llm_routes.py"\nexclude = ["vendor"]\n\n'
                    '[tool.ruff]\nline-length = 99\n')
    assert add(tmp_path, text) == (None, text)


def test_a_file_it_cannot_extend_is_an_error_and_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = 'tool = { ruff = { line-length = 99 } }\n'
    with pytest.raises(ConfigError) as caught:
        add(tmp_path, before)
    assert str(caught.value).startswith("pyproject.toml: cannot add [tool.routecheck]: invalid TOML (")
    assert (tmp_path / "pyproject.toml").read_text() == before
