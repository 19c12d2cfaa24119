"""Writing an evidence file (DESIGN.md §2) atomically, and saying what to change in the policy.

The policy is hand-written TOML with comments; routecheck never rewrites it. It prints the exact
line to add or change instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from routecheck.atomic import write_atomically
from routecheck.evaluate.plan import EvalPlan
from routecheck.evaluate.tally import Tally
from routecheck.paths import display_path
from routecheck.policy.loader import PolicyFile

HEADER = ("# Written by `routecheck eval`: what the candidate model scored on the task's samples.\n"
          "# Read back by `routecheck lint` (RC108). Holds counts and hashes only, never prompts or answers.\n")


@dataclass(frozen=True)
class PolicyEdit:
    """One line to add or change in the policy, and where: `FILE:LINE: what to do`."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def evidence_values(plan: EvalPlan, result: Tally, created: datetime) -> dict[str, object]:
    """The evidence file's keys, in DESIGN.md §2 order (`created` in UTC, to the second).

    The paired figures follow the absolute ones: `regression_upper_95` is the upper bound of Newcombe's
    (1998, method 10) 95% interval of the candidate's error rate minus the reference's.
    """
    errors, paired = result.errors, result.paired
    return {
        "task": plan.task_name,
        "candidate_model": plan.model("candidate"),
        "reference_model": plan.model("reference"),
        "grader": plan.grader_label,
        "samples": errors.trials,
        "errors": errors.successes,
        "error_rate": round(errors.rate, 4),
        "error_rate_upper_95": round(errors.high, 4),
        "infrastructure_failures": len(result.ungraded),
        **({"repeat": result.repeat} if result.repeat > 1 else {}),
        "paired_samples": paired.samples,
        "reference_errors": paired.reference_errors,
        "candidate_only_errors": paired.candidate_only,
        "reference_only_errors": paired.reference_only,
        "regression": round(paired.estimate, 4),
        "regression_upper_95": round(paired.high, 4),
        "mcnemar_p": round(paired.p_value, 4),
        "samples_sha256": plan.samples.sha256,
        "created": created.astimezone(UTC).replace(microsecond=0),
    }


def evidence_path(source: PolicyFile, plan: EvalPlan) -> tuple[Path, str]:
    """Where the evidence goes: the task's `evidence` if set, else evidence/<task>.toml; and the reference."""
    ref = plan.task.evidence or f"evidence/{plan.task_name}.toml"
    return source.path.parent / ref, ref


def write_evidence(path: Path, values: dict[str, object], *, header: str = HEADER) -> None:
    """Write the evidence file atomically."""
    import tomli_w  # lazy: only writing evidence needs it

    plain = {k: v for k, v in values.items() if not isinstance(v, datetime)}
    # tomli-w writes `2026-11-24 10:00:00+00:00`; DESIGN.md §2 spells a UTC time `2026-11-24T10:00:00Z`.
    stamps = "".join(f"{k} = {v.isoformat().replace('+00:00', 'Z')}\n" for k, v in values.items()
                     if isinstance(v, datetime))
    write_atomically(path, header + tomli_w.dumps(plain) + stamps)


def policy_edits(source: PolicyFile, plan: EvalPlan, ref: str, *, gate_passed: bool) -> list[PolicyEdit]:
    """The lines the user should add or change in the policy for this evidence to count."""
    edits = []
    name, task = plan.task_name, plan.task
    if task.evidence is None:
        line, _ = source.locate(("tasks", name))
        edits.append(PolicyEdit(f"{source.display}:{line}", f'add to [tasks.{name}]: evidence = "{ref}"'))
    if gate_passed and task.tier != plan.candidate:
        line, _ = source.locate(("tasks", name, "tier"))
        edits.append(PolicyEdit(f"{source.display}:{line}",
                                f'in [tasks.{name}] change tier = "{task.tier}" to tier = "{plan.candidate}"'))
    return edits


def shown(path: Path) -> str:
    return display_path(path)
