"""The eval use case: plan a run from its options, price it or send it, tally, gate, write evidence.

The command line only parses options into `EvalOptions`, calls `run_eval` and renders what it returns.
anthropic is imported only when calls are sent (a dry run needs neither it nor credentials).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from routecheck.errors import UsageError
from routecheck.evaluate import evidence_writer
from routecheck.evaluate.graders import GraderSpec, comparison_for
from routecheck.evaluate.journal import Journal
from routecheck.evaluate.plan import Estimate, EvalPlan, estimate
from routecheck.evaluate.samples import read_samples
from routecheck.evaluate.tally import GateVerdict, Saving, Tally, gate_verdict, projected_saving, tally
from routecheck.paths import display_path
from routecheck.policy.loader import PolicyFile

if TYPE_CHECKING:
    import anthropic

    from routecheck.evaluate.evidence_writer import PolicyEdit


@dataclass(frozen=True)
class EvalOptions:
    """What a run is asked to do: the options of `routecheck eval`, parsed."""

    task: str
    samples: Path
    #: The resumable results file of the run.
    results: Path
    candidate: str | None = None  # default: the cheapest tier
    reference: str | None = None  # default: default_tier
    grader: str = "expected"
    system_file: Path | None = None
    max_tokens: int | None = None  # default and ceiling: the task's max_tokens
    concurrency: int = 4
    batch: bool = False
    poll_interval: float = 15.0
    batch_wait: float = 24 * 3600.0
    dry_run: bool = False
    write: bool = False
    fresh: bool = False
    repeat: int = 1


@dataclass(frozen=True)
class DryRun:
    """A run that sent nothing: its plan and the calls still to send, priced."""

    plan: EvalPlan
    estimate: Estimate


@dataclass(frozen=True)
class EvalOutcome:
    """A finished run: the figures, the gate's verdict, the saving, and the evidence written (if asked and any)."""

    plan: EvalPlan
    result: Tally
    verdict: GateVerdict
    saving: Saving | None
    write: bool
    evidence: Path | None
    edits: tuple[PolicyEdit, ...]


def plan_eval(source: PolicyFile, options: EvalOptions, *, today: date) -> EvalPlan:
    """The run the options ask for, on `today`; UsageError or SamplesError for anything that cannot be run."""
    policy = source.policy
    if options.task not in policy.tasks:
        raise UsageError(f"task '{options.task}' is not in {source.display} (tasks: {', '.join(sorted(policy.tasks))})")
    task = policy.tasks[options.task]
    candidate = options.candidate or policy.cheapest_tier
    reference = options.reference or policy.default_tier
    try:
        grader = GraderSpec.parse(options.grader)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    for option, tier in (("--candidate", candidate), ("--reference", reference), ("--grader llm:", grader.tier)):
        if tier is not None and tier not in policy.tiers:
            raise UsageError(f"{option} {tier}: not a tier of the policy (tiers: {', '.join(policy.tiers)})")
    if candidate == reference:
        raise UsageError(f"candidate and reference are both '{candidate}': pick two different tiers")
    if options.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if options.repeat < 1:
        raise UsageError("--repeat must be at least 1")
    max_tokens = task.max_tokens if options.max_tokens is None else options.max_tokens
    if not 1 <= max_tokens <= task.max_tokens:
        raise UsageError(f"--max-tokens {max_tokens}: must be between 1 and the task's max_tokens ({task.max_tokens})")
    system = None
    if options.system_file is not None:
        try:
            system = options.system_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--system-file {options.system_file}: cannot read it ({exc})") from None
    samples = read_samples(options.samples, need_expected=grader.kind == "expected")
    return EvalPlan(policy, options.task, candidate, reference, grader, comparison_for(task.output), system,
                    max_tokens, samples, today, batch=options.batch, repeat=options.repeat)


def run_eval(
    source: PolicyFile,
    options: EvalOptions,
    *,
    today: date,
    stream: TextIO,
    client: anthropic.Anthropic | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DryRun | EvalOutcome:
    """Run `options` against `source`'s policy: progress goes to `stream`, the figures come back.

    `client` defaults to `anthropic.Anthropic()` (credentials and base URL from the environment); the
    ledger is the one ROUTECHECK_LEDGER names, if any; `now` stamps the evidence file.
    """
    plan = plan_eval(source, options, today=today)
    if options.dry_run:
        journal = Journal(options.results, plan.fingerprint(), fresh=options.fresh, write=False)
        return DryRun(plan, estimate(plan, journal))

    import anthropic  # lazy: only a run that sends calls needs the SDK

    from routecheck.cost.book import require_prices
    from routecheck.evaluate.calls import client_judge, router_ask
    from routecheck.evaluate.runner import Progress, Runner
    from routecheck.runtime import Router, RuntimePolicy
    from routecheck.runtime.ledger import LEDGER_ENV, open_ledger

    if client is None:
        client = anthropic.Anthropic()
    if client.api_key is None and client.auth_token is None:
        raise UsageError("no API credentials: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN); --dry-run needs none")
    prices = require_prices(source, today)
    # One ledger for the Router's calls and the llm grader's, both recorded with purpose "eval".
    ledger = open_ledger(os.environ[LEDGER_ENV]) if os.environ.get(LEDGER_ENV) else None
    router = Router(RuntimePolicy.from_policy(source.policy, prices), client=client,
                    ledger=ledger)
    try:
        with Journal(options.results, plan.fingerprint(), fresh=options.fresh) as journal:
            runner = Runner(plan, journal, ask=router_ask(plan, router),
                            judge=client_judge(plan, client, ledger) if plan.grader.kind == "llm" else None,
                            failures=(anthropic.APIError,))
            todo = runner.todo()
            total = 2 * len(plan.samples.samples) * plan.repeat
            stream.write(f"eval: {len(todo)} calls to send, {total - len(todo)} "
                         f"already recorded in {display_path(options.results)}\n")
            if options.batch:
                from routecheck.evaluate.batch import run_batch

                run_batch(runner, client, sleep=time.sleep, clock=time.monotonic, stream=stream,
                          poll_interval=options.poll_interval, max_wait=options.batch_wait)
                runner.run(options.concurrency, Progress(0, stream), send=False)
            else:
                runner.run(options.concurrency, Progress(len(todo), stream))
            result = tally(plan, journal, runner.texts)
    finally:  # the ledger's rows are flushed whatever happened to the run
        if ledger is not None:
            ledger.close()
    verdict = gate_verdict(result, source.policy.gate)
    written: Path | None = None
    edits: list[PolicyEdit] = []
    if options.write and result.graded:
        target, ref = evidence_writer.evidence_path(source, plan)
        evidence_writer.write_evidence(target, evidence_writer.evidence_values(plan, result, now()))
        written = target
        edits = evidence_writer.policy_edits(source, plan, ref, gate_passed=verdict.passed)
    return EvalOutcome(plan, result, verdict, projected_saving(plan), options.write, written, tuple(edits))
