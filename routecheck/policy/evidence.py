"""Evidence files: what `routecheck eval` measured for a task, read back by the RC108 gate."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from routecheck.policy.model import Grader, ModelId, Name, Sha256, _Strict


class Evidence(_Strict):
    """The result of running a task's samples on a candidate tier against a reference."""

    model_config = ConfigDict(title="routecheck evidence file")

    task: Name
    candidate_model: ModelId
    reference_model: ModelId
    grader: Grader
    samples: int = Field(ge=0)
    errors: int = Field(ge=0)
    error_rate: float = Field(ge=0, le=1, allow_inf_nan=False)
    error_rate_upper_95: float = Field(ge=0, le=1, allow_inf_nan=False, description="Wilson score upper bound.")
    infrastructure_failures: int = Field(
        default=0, ge=0, description="Samples left ungraded because a call still failed after retries."
    )
    samples_sha256: Sha256
    created: datetime


def evidence_problems(evidence: Evidence) -> list[tuple[tuple[str, ...], str]]:
    """Inconsistencies between an evidence file's own figures, as (key path, message)."""
    if evidence.errors > evidence.samples:
        return [(("errors",), f"errors ({evidence.errors}) exceed samples ({evidence.samples})")]
    if evidence.samples and abs(evidence.error_rate - evidence.errors / evidence.samples) > 5e-4:
        expected = evidence.errors / evidence.samples
        return [(("error_rate",), f"{evidence.error_rate} does not match errors / samples = {expected:.4f}")]
    return []
