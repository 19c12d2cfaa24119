"""Survey the project with the scanner, draft its policy, write it and the `[tool.routecheck]` table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from routecheck.adopt.draft import Draft, draft_policy
from routecheck.adopt.pyproject_table import add_config_table
from routecheck.adopt.survey import Survey, survey_files
from routecheck.atomic import write_atomically
from routecheck.config import Config, Project, find_project
from routecheck.cost.prices import Prices
from routecheck.errors import ConfigError, Problem, RoutecheckError
from routecheck.finding import Finding
from routecheck.paths import display_path

__all__ = ["InitResult", "init_project"]

DEFAULT_CLIENT = "llm_routes.py"


@dataclass(frozen=True)
class InitResult:
    draft: Draft
    policy: str  # display paths
    client: str  # relative to the project root, as [tool.routecheck] names it
    pyproject: str | None  # what was done to pyproject.toml, None when nothing was


def init_project(start: Path, policy_override: Path | None, *, force: bool, today: date) -> InitResult:
    """Write the policy the code under `start`'s project implies; never over an existing one unless `force`."""
    project = _project(start)
    policy_path = project.policy_path(policy_override)
    shown = display_path(policy_path)
    if policy_path.exists() and not force:
        raise ConfigError([Problem(shown, 1, 1, "", "policy file already exists; init never overwrites it "
                                   "(expected --force to replace it)")])
    findings = _scan(project, policy_path, today)
    survey = survey_files(findings)
    draft = draft_policy(survey, _prices(survey, today), today=today, price_source=_price_source())
    if not draft.tiers:
        raise RoutecheckError(f"no Claude model found in the code under {display_path(project.root)}; "
                              "nothing to start a policy from (write one by hand: see `routecheck schema`)")
    client = project.config.client or _client_path(project.root, [s.path for s in survey.sites])
    write_atomically(policy_path, draft.text)
    resolved, root = policy_path.resolve(), project.root.resolve()
    policy_key = resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(policy_path)
    done = add_config_table(project.root / "pyproject.toml", policy=policy_key, client=client)
    return InitResult(draft, shown, client, done)


def _project(start: Path) -> Project:
    """The folder of the nearest pyproject.toml (else `start`), with its [tool.routecheck] table if it has one."""
    project = find_project(start)
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / "pyproject.toml").is_file():
            return project if project.root == folder else Project(folder, Config(), None)
    return project if project.pyproject is None else Project(start.resolve(), Config(), None)


def _scan(project: Project, policy_path: Path, today: date) -> list[Finding]:
    from routecheck.rules import known_codes
    from routecheck.scan import scan_target
    from routecheck.scan.target import ScanTarget

    config = project.config
    target = ScanTarget(
        root=project.root, include=tuple(config.include), exclude=tuple(config.exclude), client=config.client,
        task_calls=tuple(config.task_calls), model_patterns=tuple(config.model_patterns),
        per_file_ignores=tuple((glob, tuple(codes)) for glob, codes in config.per_file_ignores.items()),
        policy_path=policy_path, policy_display=display_path(policy_path), evidence_paths=(), tier_models=(),
        tasks=(),
    )
    result = scan_target([], target, whole_project=False, today=today, use_cache=False,
                         known_codes=known_codes())
    return list(result.findings)


def _prices(survey: Survey, today: date) -> dict[str, Prices | None]:
    from routecheck.cost.source import library_prices

    models = {*survey.models, *(site.model for site in survey.sites), *(survey.fallback or ())[:1]}
    return {model: library_prices(model, today) for model in sorted(models)}


def _price_source() -> str:
    from routecheck.cost.source import SOURCE

    return SOURCE


def _client_path(root: Path, paths: list[str]) -> str:
    """`<package>/llm_routes.py` in the one top-level package the sites are in, else at the root."""
    packages = set()
    for path in paths:
        try:
            parts = Path(path).resolve().relative_to(root.resolve()).parts
        except (OSError, ValueError):
            continue
        if len(parts) > 1 and (root / parts[0] / "__init__.py").is_file():
            packages.add(parts[0])
    return f"{packages.pop()}/{DEFAULT_CLIENT}" if len(packages) == 1 else DEFAULT_CLIENT

