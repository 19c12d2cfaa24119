"""What a scan needs of the project and its loaded policy, as plain data.

Plain so that it can be cached: a run whose policy, evidence, config and client did not change takes
it from the snapshot (`routecheck.snapshot`) and never imports pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from routecheck.scan.settings import ScanSettings

if TYPE_CHECKING:
    from routecheck.config import Project
    from routecheck.policy.loader import PolicyFile


@dataclass(frozen=True)
class ScanTarget:
    root: Path
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    client: str | None
    task_calls: tuple[str, ...]
    model_patterns: tuple[str, ...]
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...]
    policy_path: Path
    policy_display: str
    evidence_paths: tuple[Path, ...]
    tier_models: tuple[str, ...]
    #: Each task with the (line, column) of its table in the policy, in policy order.
    tasks: tuple[tuple[str, int, int], ...]

    @classmethod
    def of(cls, project: Project, source: PolicyFile) -> ScanTarget:
        config, policy = project.config, source.policy
        return cls(
            root=project.root,
            include=tuple(config.include),
            exclude=tuple(config.exclude),
            client=config.client,
            task_calls=tuple(config.task_calls),
            model_patterns=tuple(config.model_patterns),
            per_file_ignores=tuple((glob, tuple(codes)) for glob, codes in config.per_file_ignores.items()),
            policy_path=source.path,
            policy_display=source.display,
            evidence_paths=tuple(e.path for e in source.evidence.values()),
            tier_models=tuple(sorted({tier.model for tier in policy.tiers.values()})),
            tasks=tuple((name, *source.locate(("tasks", name))) for name in policy.tasks),
        )

    @property
    def task_names(self) -> tuple[str, ...]:
        return tuple(name for name, _, _ in self.tasks)

    def settings(self, *, whole_project: bool) -> ScanSettings:
        return ScanSettings(
            known_models=self.tier_models,
            model_patterns=self.model_patterns,
            task_names=tuple(sorted(self.task_names)),
            task_calls=self.task_calls,
            task_usage=whole_project,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "root": str(self.root), "include": self.include, "exclude": self.exclude, "client": self.client,
            "task_calls": self.task_calls, "model_patterns": self.model_patterns,
            "per_file_ignores": self.per_file_ignores, "policy_path": str(self.policy_path),
            "policy_display": self.policy_display, "evidence_paths": [str(p) for p in self.evidence_paths],
            "tier_models": self.tier_models, "tasks": self.tasks,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScanTarget:
        return cls(
            root=Path(data["root"]),
            include=tuple(data["include"]),
            exclude=tuple(data["exclude"]),
            client=data["client"],
            task_calls=tuple(data["task_calls"]),
            model_patterns=tuple(data["model_patterns"]),
            per_file_ignores=tuple((glob, tuple(codes)) for glob, codes in data["per_file_ignores"]),
            policy_path=Path(data["policy_path"]),
            policy_display=data["policy_display"],
            evidence_paths=tuple(Path(p) for p in data["evidence_paths"]),
            tier_models=tuple(data["tier_models"]),
            tasks=tuple((name, line, column) for name, line, column in data["tasks"]),
        )
