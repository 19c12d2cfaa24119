"""Verify a tier change before making it: run a task's samples on two tiers, grade, measure, write evidence.

Importing this package does not import anthropic; `run.run_eval` is the use case the CLI calls.
"""

from routecheck.evaluate.graders import GraderSpec, answer_key, normalise_label, parse_verdict
from routecheck.evaluate.journal import CallResult, Journal
from routecheck.evaluate.plan import Estimate, EvalPlan, estimate
from routecheck.evaluate.run import DryRun, EvalOptions, EvalOutcome, plan_eval, run_eval
from routecheck.evaluate.runner import Answer, Progress, Runner
from routecheck.evaluate.samples import Sample, SamplesError, SampleSet, read_samples
from routecheck.evaluate.stats import Interval, wilson
from routecheck.evaluate.tally import GateVerdict, Tally, gate_verdict, projected_saving, tally

__all__ = [
    "Answer",
    "CallResult",
    "DryRun",
    "Estimate",
    "EvalOptions",
    "EvalOutcome",
    "EvalPlan",
    "GateVerdict",
    "GraderSpec",
    "Interval",
    "Journal",
    "Progress",
    "Runner",
    "Sample",
    "SampleSet",
    "SamplesError",
    "Tally",
    "answer_key",
    "estimate",
    "gate_verdict",
    "normalise_label",
    "parse_verdict",
    "plan_eval",
    "projected_saving",
    "read_samples",
    "run_eval",
    "tally",
    "wilson",
]
