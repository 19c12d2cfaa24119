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
    repeat: int = Field(default=1, ge=1, description="Runs per sample and tier; a sample counts as an error "
                        "when any of its runs is wrong (pass^N).")
    paired_samples: int | None = Field(default=None, ge=0, description="Samples graded on both tiers.")
    reference_errors: int | None = Field(default=None, ge=0, description="Of the paired samples, those the "
                                         "reference got wrong.")
    candidate_only_errors: int | None = Field(default=None, ge=0, description="Paired samples only the candidate "
                                              "got wrong.")
    reference_only_errors: int | None = Field(default=None, ge=0, description="Paired samples only the reference "
                                              "got wrong.")
    regression: float | None = Field(default=None, ge=-1, le=1, allow_inf_nan=False,
                                     description="Candidate error rate minus the reference's, on the paired samples.")
    regression_upper_95: float | None = Field(
        default=None, ge=-1, le=1, allow_inf_nan=False,
        description="Upper bound of the paired difference: Newcombe (1998) method 10 hybrid score interval.",
    )
    mcnemar_p: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False,
                                    description="McNemar's exact test (two-sided) on the discordant pairs.")
    samples_sha256: Sha256
    created: datetime

    @property
    def has_paired(self) -> bool:
        """Whether the file holds the paired figures (files written before they existed do not)."""
        return None not in (self.paired_samples, self.reference_errors, self.candidate_only_errors,
                            self.reference_only_errors, self.regression_upper_95)


PAIRED_KEYS = ("paired_samples", "reference_errors", "candidate_only_errors", "reference_only_errors",
               "regression", "regression_upper_95", "mcnemar_p")


def evidence_problems(evidence: Evidence) -> list[tuple[tuple[str, ...], str]]:
    """Inconsistencies between an evidence file's own figures, as (key path, message)."""
    if evidence.errors > evidence.samples:
        return [(("errors",), f"errors ({evidence.errors}) exceed samples ({evidence.samples})")]
    if evidence.samples and abs(evidence.error_rate - evidence.errors / evidence.samples) > 5e-4:
        expected = evidence.errors / evidence.samples
        return [(("error_rate",), f"{evidence.error_rate} does not match errors / samples = {expected:.4f}")]
    return _paired_problems(evidence)


def _paired_problems(ev: Evidence) -> list[tuple[tuple[str, ...], str]]:
    given = [k for k in PAIRED_KEYS if getattr(ev, k) is not None]
    if not given:
        return []
    if len(given) != len(PAIRED_KEYS):
        missing = ", ".join(k for k in PAIRED_KEYS if k not in given)
        return [((given[0],), f"the paired figures go together (missing: {missing})")]
    n, ref = ev.paired_samples, ev.reference_errors
    cand_only, ref_only = ev.candidate_only_errors, ev.reference_only_errors
    assert n is not None and ref is not None and cand_only is not None and ref_only is not None  # all given
    if ref_only > ref:
        return [(("reference_only_errors",), f"reference_only_errors ({ref_only}) exceed reference_errors ({ref})")]
    if ref + cand_only > n:
        return [(("candidate_only_errors",), f"reference_errors + candidate_only_errors ({ref + cand_only}) exceed "
                 f"paired_samples ({n})")]
    if n > ev.samples:
        return [(("paired_samples",), f"paired_samples ({n}) exceed samples ({ev.samples})")]
    if n and ev.regression is not None and abs(ev.regression - (cand_only - ref_only) / n) > 5e-4:
        expected = (cand_only - ref_only) / n
        return [(("regression",), f"{ev.regression} does not match (candidate_only_errors - reference_only_errors) "
                 f"/ paired_samples = {expected:.4f}")]
    return []
