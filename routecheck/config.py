"""Project configuration: `[tool.routecheck]` in the nearest pyproject.toml that has one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from routecheck.documents import TomlDocument, about_file, validate
from routecheck.errors import ConfigError, Problem
from routecheck.paths import inside
from routecheck.policy.model import RuleCode
from routecheck.pyproject import DEFAULT_POLICY, find_config_table


class Config(BaseModel):
    """The `[tool.routecheck]` table. Paths are relative to the pyproject.toml that holds it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    policy: str = DEFAULT_POLICY
    client: str | None = None
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    task_calls: list[str] = Field(default_factory=list, alias="task-calls")
    model_patterns: list[str] = Field(default_factory=list, alias="model-patterns")
    per_file_ignores: dict[str, list[RuleCode]] = Field(default_factory=dict, alias="per-file-ignores")

    @field_validator("model_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)  # Python's message for a syntax error is the familiar one
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        if patterns:
            from routecheck.user_regex import compile_user  # lazy: RE2 only for a project that has patterns

            for pattern in patterns:
                compile_user(pattern)
        return patterns


@dataclass(frozen=True)
class Project:
    """Where the project is (the folder of its pyproject.toml, or the start folder) and its config."""

    root: Path
    config: Config
    pyproject: Path | None
    document: TomlDocument | None = field(default=None, compare=False, repr=False)

    def policy_path(self, override: Path | None = None) -> Path:
        """`--policy` wins (relative to cwd), then `[tool.routecheck] policy` (relative to the root, and
        inside it: a ConfigError at the key otherwise)."""
        return override if override is not None else self.configured_path("policy", "--policy FILE")

    def configured_path(self, key: str, option: str) -> Path:
        """The path `[tool.routecheck] key` names, below the root; one that leaves the project (`..`, an
        absolute path, a symlink out) is refused at its key: only the command line (`option`) may."""
        path: Path = self.root / str(getattr(self.config, key))
        if self.sets(key) and not inside(path, self.root):
            assert self.document is not None
            raise ConfigError([self.document.problem(
                ("tool", "routecheck", key),
                f"the path leaves the project folder (expected a path inside it; pass {option} to use another)")])
        return path

    def sets(self, key: str) -> bool:
        """Whether pyproject.toml's `[tool.routecheck]` table gives `key` (a path the user chose there)."""
        return self.document is not None and key in self.config.model_fields_set

    def file_error(self, key: str, subject: str, problems: tuple[Problem, ...]) -> ConfigError:
        """`problems` of reading the file that `[tool.routecheck] key` names, those without a line moved onto
        that key: `pyproject.toml:2:1: tool.routecheck.policy: policy file 'p.toml' not found`."""
        assert self.document is not None
        value, where = str(getattr(self.config, key)), ("tool", "routecheck", key)
        return ConfigError(
            p if p.line is not None else self.document.problem(where, about_file(subject, value, p.message))
            for p in problems
        )



def find_project(start: Path) -> Project:
    """Walk up from `start` to the nearest pyproject.toml with a [tool.routecheck] table; validate it."""
    found = find_config_table(start)
    if found.document is None:
        return Project(found.root, Config(), None)
    config = validate(found.document, Config, found.table, at=("tool", "routecheck"))
    return Project(found.root, config, found.pyproject, found.document)
