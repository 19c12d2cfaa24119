"""routecheck eval: run a task's samples on a candidate and a reference tier, grade, gate, write evidence."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from routecheck.cli.common import add_policy_option

if TYPE_CHECKING:
    from routecheck.config import Project
    from routecheck.evaluate.run import EvalOptions

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


def options(args: argparse.Namespace, project: Project) -> EvalOptions:
    """The run the arguments ask for; the results file defaults to .routecheck_cache/eval/TASK.jsonl."""
    from routecheck.evaluate.run import EvalOptions

    results = Path(args.results) if args.results is not None else (
        project.root / ".routecheck_cache" / "eval" / f"{args.task}.jsonl")
    return EvalOptions(
        task=args.task, samples=args.samples, results=results, candidate=args.candidate, reference=args.reference,
        grader=args.grader, system_file=args.system_file, max_tokens=args.max_tokens, concurrency=args.concurrency,
        batch=args.batch, poll_interval=args.poll_interval, batch_wait=args.batch_wait, dry_run=args.dry_run,
        write=args.write, fresh=args.fresh, repeat=args.repeat,
    )


def run(args: argparse.Namespace) -> int:
    import sys

    from routecheck.cli.common import load_project
    from routecheck.evaluate import render
    from routecheck.evaluate.run import DryRun, run_eval
    from routecheck.paths import display_path

    project, source = load_project(args)
    done = run_eval(source, options(args, project), today=args.today, stream=sys.stderr)
    if isinstance(done, DryRun):
        sys.stdout.write(render.dry_run_json(done.plan, done.estimate) if args.format == "json"
                         else render.dry_run(done.plan, done.estimate))
        return 0
    written = None if done.evidence is None else display_path(done.evidence)
    if args.format == "json":
        sys.stdout.write(render.to_json(done.plan, done.result, done.verdict, done.saving, evidence=written,
                                        edits=done.edits))
    else:
        notes = ["evidence: not written: no sample could be graded"] if done.write and written is None else []
        if written is not None:
            notes.append(f"evidence: wrote {written}")
        notes.extend(f"policy: {edit}" for edit in done.edits)
        sys.stdout.write(render.outcome(done.plan, done.result, done.verdict, done.saving, show=args.show,
                                        notes=notes, terminal=sys.stdout.isatty()))
    return 0 if done.verdict.passed else 1
