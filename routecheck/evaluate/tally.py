"""From recorded calls to the figures a run reports: errors, the interval, the gate, the saving."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from routecheck.cost.book import prices_of
from routecheck.cost.model import HALF, call_cost, monthly_cost
from routecheck.evaluate.journal import CallKey, Journal, Role
from routecheck.evaluate.plan import EvalPlan
from routecheck.evaluate.samples import Sample, canonical_json
from routecheck.evaluate.stats import Interval, PairedDifference, paired_difference, wilson
from routecheck.policy.model import Gate


@dataclass(frozen=True)
class Disagreement:
    """A sample the candidate got wrong (texts only when this process saw them; never written)."""

    sample: Sample
    truth: str | None
    candidate: str | None


@dataclass(frozen=True)
class Ungraded:
    sample: Sample
    reason: str


@dataclass(frozen=True)
class Tally:
    """The graded outcome of a run."""

    samples: int
    errors: Interval
    disagreements: tuple[Disagreement, ...]
    ungraded: tuple[Ungraded, ...]
    reference_errors: Interval | None
    calls: int
    cost_usd: Decimal
    #: Candidate against reference on the samples graded on both (agreement, llm: the reference is the truth).
    paired: PairedDifference
    repeat: int = 1

    @property
    def graded(self) -> int:
        return self.errors.trials


def tally(plan: EvalPlan, journal: Journal, texts: Mapping[CallKey, str]) -> Tally:
    """Grade every sample from what the journal recorded; calls that failed make a sample ungraded.

    With --repeat N a sample is wrong when any of its N runs is (pass^N), on either tier alike.
    """
    errors: list[Disagreement] = []
    ungraded: list[Ungraded] = []
    graded = 0
    cells = {"both": 0, "candidate_only": 0, "reference_only": 0, "neither": 0}
    expected = plan.grader.kind == "expected"
    for sample in plan.samples.samples:
        outcomes = [_grade(plan, journal, texts, sample, k) for k in range(plan.repeat)]
        reason = next((o for o in outcomes if isinstance(o, str)), None)
        if reason is not None:
            ungraded.append(Ungraded(sample, reason))
            continue
        graded += 1
        wrong = next((k for k, o in enumerate(outcomes) if o), None)
        if wrong is not None:
            truth = _shown_expected(sample) if expected else texts.get(("reference", sample.sha256, wrong))
            errors.append(Disagreement(sample, truth, texts.get(("candidate", sample.sha256, wrong))))
        reference_wrong = _reference_wrong(plan, journal, sample) if expected else False
        if reference_wrong is not None:
            cell = (("both" if reference_wrong else "candidate_only") if wrong is not None
                    else ("reference_only" if reference_wrong else "neither"))
            cells[cell] += 1
    reference_errors = None
    if expected:  # how often the reference misses the labels: a check on the labels
        answered = [w for s in plan.samples.samples if (w := _reference_wrong(plan, journal, s)) is not None]
        reference_errors = wilson(sum(answered), len(answered))
    ours = {s.sha256 for s in plan.samples.samples}
    runs = range(plan.repeat)
    calls = [r for r in journal.results.values() if r.ok and r.sample in ours and r.run in runs]
    cost = sum((_cost(plan, r.role, r.input_tokens, r.output_tokens, r.batched) for r in calls), Decimal(0))
    return Tally(len(plan.samples.samples), wilson(len(errors), graded), tuple(errors), tuple(ungraded),
                 reference_errors, len(calls), cost, paired_difference(**cells), plan.repeat)


def _reference_wrong(plan: EvalPlan, journal: Journal, sample: Sample) -> bool | None:
    """Whether any reference run missed the label; None when one of them did not answer."""
    results = [journal.get("reference", sample.sha256, k) for k in range(plan.repeat)]
    if any(r is None or not r.ok for r in results):
        return None
    return any(r is not None and r.correct is False for r in results)


def _grade(plan: EvalPlan, journal: Journal, texts: Mapping[CallKey, str], sample: Sample, run: int) -> bool | str:
    """True: the candidate is wrong; False: right; a string: why the sample could not be graded."""
    h = sample.sha256
    candidate, reference = journal.get("candidate", h, run), journal.get("reference", h, run)
    if candidate is None or not candidate.ok:
        return _why("candidate", candidate.error if candidate else None)
    if plan.grader.kind == "expected":
        return candidate.correct is not True
    if reference is None or not reference.ok:
        return _why("reference", reference.error if reference else None)
    if plan.grader.kind == "agreement":
        return candidate.answer is None or candidate.answer != reference.answer
    if candidate.answer is not None and candidate.answer == reference.answer:
        return False  # llm: identical answers pass without a grader call
    verdict = journal.get("grader", h, run)
    if verdict is not None and verdict.ok:
        return verdict.verdict is False
    if verdict is not None:
        return _why("grader", verdict.error)
    if ("candidate", h, run) in texts and ("reference", h, run) in texts:
        return "grader call not made"
    return "answers of an earlier run were not kept: run the same command again to grade it"


def _why(role: Role, error: str | None) -> str:
    if error == "no verdict":
        return "the grader gave no readable verdict"
    return f"{role} call failed ({error})" if error else f"{role} call not made"


def _shown_expected(sample: Sample) -> str:
    return sample.expected if isinstance(sample.expected, str) else canonical_json(sample.expected)


def _cost(plan: EvalPlan, role: Role, tokens_in: int, tokens_out: int, batch: bool) -> Decimal:
    """A call at the tier's base rates; a batch call at its batch rates (half price if it has none)."""
    prices = prices_of(plan.tier_name(role), plan.tier(role), plan.today)
    if batch and prices.batch is None:
        return call_cost(prices.standard, tokens_in, tokens_out) * HALF
    return call_cost(prices.batch if batch and prices.batch else prices.standard, tokens_in, tokens_out)


@dataclass(frozen=True)
class GateVerdict:
    """Whether the run passes the gate, why, and (when the paired gate decides) what the absolute one says."""

    passed: bool
    reason: str
    absolute: str | None = None


def gate_verdict(result: Tally, gate: Gate) -> GateVerdict:
    """The same test RC108 applies to the evidence.

    Without `max_regression`: enough graded samples, error rate within `max_error_rate`. With it,
    the paired gate decides: enough samples graded on both tiers, and the upper 95% bound of the
    candidate's error rate minus the reference's (Newcombe's interval) at most `max_regression`.
    """
    absolute = _absolute(result, gate)
    if gate.max_regression is None:
        return absolute
    paired, limit = result.paired, gate.max_regression
    side = f"absolute gate (not deciding, max_regression is set): {'pass' if absolute.passed else 'fail'}"
    side += f": {absolute.reason}"
    if paired.samples < gate.min_samples:
        return GateVerdict(False, f"{paired.samples} samples graded on both tiers, the paired gate needs at least "
                                  f"{gate.min_samples}", side)
    if paired.high > limit:
        return GateVerdict(False, f"the candidate's error rate may exceed the reference's by up to {paired.high:.1%} "
                                  f"(upper 95% bound), above the gate's max_regression {limit:.1%}", side)
    return GateVerdict(True, f"the candidate's error rate exceeds the reference's by at most {paired.high:.1%} "
                             f"(upper 95% bound), within max_regression {limit:.1%} on {paired.samples} paired "
                             f"samples (min_samples {gate.min_samples})", side)


def _absolute(result: Tally, gate: Gate) -> GateVerdict:
    rate = result.errors.rate
    if result.graded < gate.min_samples:
        return GateVerdict(False, f"{result.graded} graded samples, the gate needs at least {gate.min_samples}")
    if rate > gate.max_error_rate:
        return GateVerdict(False, f"error rate {rate:.1%} is above the gate's max_error_rate {gate.max_error_rate:.1%}")
    return GateVerdict(True, f"error rate {rate:.1%} is within max_error_rate {gate.max_error_rate:.1%} "
                             f"on {result.graded} samples (min_samples {gate.min_samples})")


@dataclass(frozen=True)
class Saving:
    candidate_usd: Decimal
    reference_usd: Decimal

    @property
    def monthly(self) -> Decimal:
        return self.reference_usd - self.candidate_usd


def projected_saving(plan: EvalPlan) -> Saving | None:
    """Monthly cost of the task on the candidate tier against the reference tier (None: no volume)."""
    candidate = monthly_cost(plan.task, prices_of(plan.tier_name("candidate"), plan.tier("candidate"), plan.today))
    reference = monthly_cost(plan.task, prices_of(plan.tier_name("reference"), plan.tier("reference"), plan.today))
    if candidate is None or reference is None:
        return None
    return Saving(candidate, reference)
