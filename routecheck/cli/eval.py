"""routecheck eval: run a task's samples on a candidate and a reference tier, grade, gate, write evidence."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from routecheck.cli.common import add_policy_option

if TYPE_CHECKING:
    from routecheck.config import Project
    from routecheck.evaluate.plan import EvalPlan
    from routecheck.policy.loader import PolicyFile

HELP = "verify a tier change on real samples: error rate, gate verdict, saving; write evidence"


def configure(parser: argparse.ArgumentParser) -> None:
    add_policy_option(parser)
    parser.add_argument("task", metavar="TASK", help="the task type to evaluate")
    parser.add_argument("--samples", type=Path, required=True, metavar="FILE",
                        help="samples.jsonl: one {\"input\": ..., \"expected\": ...} object a line")
    parser.add_argument("--candidate", metavar="TIER", help="the tier to verify (default: the cheapest tier)")
    parser.add_argument("--reference", metavar="TIER", help="the tier to compare with (default: default_tier)")
    parser.add_argument("--grader", default="expected", metavar="GRADER",
                        help="expected | agreement | llm[:TIER] (default: expected; llm's default TIER: the top tier)")
    parser.add_argument("--system-file", type=Path, metavar="FILE", help="the task's system prompt, from a file")
    parser.add_argument("--max-tokens", type=int, metavar="N",
                        help="output cap per call (default and ceiling: the task's max_tokens)")
    parser.add_argument("--concurrency", type=int, default=4, metavar="N", help="calls in flight (default: 4)")
    parser.add_argument("--batch", action="store_true", help="send through the Message Batches API (half price)")
    parser.add_argument("--poll-interval", type=float, default=15.0, metavar="SECONDS",
                        help="--batch: seconds between status polls (default: 15)")
    parser.add_argument("--batch-wait", type=float, default=24 * 3600.0, metavar="SECONDS",
                        help="--batch: stop waiting after this long; the next run collects the batch (default: 24 h)")
    parser.add_argument("--dry-run", action="store_true", help="print the calls and estimated cost; send nothing")
    parser.add_argument("--write", action="store_true", help="write the evidence file")
    parser.add_argument("--results", type=Path, metavar="FILE",
                        help="the resumable results file (default: .routecheck_cache/eval/TASK.jsonl)")
    parser.add_argument("--fresh", action="store_true", help="discard earlier results of this run and start over")
    parser.add_argument("--show", type=int, default=10, metavar="N", help="disagreements to print (default: 10)")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run each sample N times per tier; a sample passes only if all N runs do (default: 1)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text; json for CI, versioned)")


def build_plan(args: argparse.Namespace, source: PolicyFile) -> EvalPlan:
    """The run the arguments ask for; UsageError or SamplesError for anything that cannot be run."""
    from routecheck.errors import UsageError
    from routecheck.evaluate.graders import GraderSpec, comparison_for
    from routecheck.evaluate.plan import EvalPlan
    from routecheck.evaluate.samples import read_samples

    policy = source.policy
    if args.task not in policy.tasks:
        raise UsageError(f"task '{args.task}' is not in {source.display} (tasks: {', '.join(sorted(policy.tasks))})")
    task = policy.tasks[args.task]
    candidate = args.candidate or policy.cheapest_tier
    reference = args.reference or policy.default_tier
    try:
        grader = GraderSpec.parse(args.grader)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    for option, tier in (("--candidate", candidate), ("--reference", reference), ("--grader llm:", grader.tier)):
        if tier is not None and tier not in policy.tiers:
            raise UsageError(f"{option} {tier}: not a tier of the policy (tiers: {', '.join(policy.tiers)})")
    if candidate == reference:
        raise UsageError(f"candidate and reference are both '{candidate}': pick two different tiers")
    if args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if args.repeat < 1:
        raise UsageError("--repeat must be at least 1")
    max_tokens = task.max_tokens if args.max_tokens is None else args.max_tokens
    if not 1 <= max_tokens <= task.max_tokens:
        raise UsageError(f"--max-tokens {max_tokens}: must be between 1 and the task's max_tokens ({task.max_tokens})")
    system = None
    if args.system_file is not None:
        try:
            system = args.system_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--system-file {args.system_file}: cannot read it ({exc})") from None
    samples = read_samples(args.samples, need_expected=grader.kind == "expected")
    return EvalPlan(policy, args.task, candidate, reference, grader, comparison_for(task.output), system,
                    max_tokens, samples, args.today, batch=args.batch, repeat=args.repeat)


def results_path(args: argparse.Namespace, project: Project) -> Path:
    if args.results is not None:
        return Path(args.results)
    return project.root / ".routecheck_cache" / "eval" / f"{args.task}.jsonl"


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    import time
    from datetime import UTC, datetime

    from routecheck.cli.common import load_project
    from routecheck.errors import UsageError
    from routecheck.evaluate import evidence_writer, render
    from routecheck.evaluate.journal import Journal
    from routecheck.evaluate.plan import estimate
    from routecheck.evaluate.runner import Progress, Runner
    from routecheck.evaluate.tally import gate_verdict, projected_saving, tally

    project, source = load_project(args)
    plan = build_plan(args, source)
    path = results_path(args, project)
    if args.dry_run:
        journal = Journal(path, plan.fingerprint(), fresh=args.fresh, write=False)
        est = estimate(plan, journal)
        sys.stdout.write(render.dry_run_json(plan, est) if args.format == "json" else render.dry_run(plan, est))
        return 0

    import anthropic

    from routecheck.cost.book import require_prices
    from routecheck.evaluate.calls import client_judge, router_ask
    from routecheck.runtime import Router, RuntimePolicy
    from routecheck.runtime.ledger import LEDGER_ENV, open_ledger

    client = anthropic.Anthropic()
    if client.api_key is None and client.auth_token is None:
        raise UsageError("no API credentials: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN); --dry-run needs none")
    prices = require_prices(source, args.today)
    # One ledger for the Router's calls and the llm grader's, both recorded with purpose "eval".
    ledger = open_ledger(os.environ[LEDGER_ENV]) if os.environ.get(LEDGER_ENV) else None
    router = Router(RuntimePolicy.from_policy(source.policy, prices), client=client,
                    ledger=ledger)
    with Journal(path, plan.fingerprint(), fresh=args.fresh) as journal:
        runner = Runner(plan, journal, ask=router_ask(plan, router),
                        judge=client_judge(plan, client, ledger) if plan.grader.kind == "llm" else None,
                        failures=(anthropic.APIError,))
        todo = runner.todo()
        total = 2 * len(plan.samples.samples) * plan.repeat
        sys.stderr.write(f"eval: {len(todo)} calls to send, {total - len(todo)} "
                         f"already recorded in {render_path(path)}\n")
        if args.batch:
            from routecheck.evaluate.batch import run_batch

            run_batch(runner, client, sleep=time.sleep, clock=time.monotonic, stream=sys.stderr,
                      poll_interval=args.poll_interval, max_wait=args.batch_wait)
            runner.run(args.concurrency, Progress(0), send=False)
        else:
            runner.run(args.concurrency, Progress(len(todo)))
        result = tally(plan, journal, runner.texts)
    if ledger is not None:
        ledger.close()
    verdict = gate_verdict(result, source.policy.gate)
    written: str | None = None
    edits: list[evidence_writer.PolicyEdit] = []
    if args.write and result.graded:
        target, ref = evidence_writer.evidence_path(source, plan)
        evidence_writer.write_evidence(target, evidence_writer.evidence_values(plan, result, datetime.now(UTC)))
        written = render_path(target)
        edits = evidence_writer.policy_edits(source, plan, ref, gate_passed=verdict.passed)
    saving = projected_saving(plan)
    if args.format == "json":
        sys.stdout.write(render.to_json(plan, result, verdict, saving, evidence=written, edits=edits))
    else:
        notes = ["evidence: not written: no sample could be graded"] if args.write and written is None else []
        if written is not None:
            notes.append(f"evidence: wrote {written}")
        notes.extend(f"policy: {edit}" for edit in edits)
        sys.stdout.write(render.outcome(plan, result, verdict, saving, show=args.show, notes=notes,
                                        terminal=sys.stdout.isatty()))
    return 0 if verdict.passed else 1


def render_path(path: Path) -> str:
    from routecheck.paths import display_path

    return display_path(path)
