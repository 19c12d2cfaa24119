"""Sending the calls: bounded concurrency, every finished call recorded before the next is looked at.

The calls themselves are injected (`Ask`, `Judge`), so this module knows nothing of HTTP: the CLI
passes functions that go through `routecheck.runtime.Router.create_on_tier` (the same path as the
generated client) and the SDK. Rate limits (429) and overload (529) are retried by the SDK itself;
a call that still fails is an infrastructure failure: recorded, not graded, and sent again next run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, TextIO

from routecheck.evaluate.graders import answer_key, expected_key, parse_verdict
from routecheck.evaluate.journal import CallKey, CallResult, Journal, Role
from routecheck.evaluate.plan import EvalPlan
from routecheck.evaluate.samples import Sample


@dataclass(frozen=True)
class Answer:
    """What a call returned: its text, its token counts and (for the grader) its content blocks."""

    text: str
    input_tokens: int
    output_tokens: int
    blocks: tuple[Mapping[str, Any], ...] = ()


Ask = Callable[[Role, Sample], Answer]
"""Run a sample on the candidate or reference tier."""
Judge = Callable[[Sample, str, str], Answer]
"""Ask the grader model about (sample, reference answer, candidate answer)."""


class Progress:
    """A bar redrawn in place on a terminal; plain lines (every 10%) otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None, *, tty: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.total = total
        self.done = 0
        self._last_tenth = -1

    def grow(self, extra: int) -> None:
        self.total += extra

    def advance(self) -> None:
        self.done += 1
        if self.tty:
            width = 30
            filled = width * self.done // max(self.total, 1)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} calls")
            if self.done >= self.total:
                self.stream.write("\n")
        else:
            tenth = 10 * self.done // max(self.total, 1)
            if tenth != self._last_tenth or self.done >= self.total:
                self._last_tenth = tenth
                self.stream.write(f"eval: {self.done}/{self.total} calls done\n")
        self.stream.flush()


def make_result(
    plan: EvalPlan, role: Role, sample: Sample, answer: Answer, digest: Callable[[str | None], str | None], *,
    batch: bool = False, run: int = 0,
) -> CallResult:
    """The record of one answered call: hashes and verdicts, no text; `digest` keys the answer's hash."""
    if role == "grader":
        verdict = parse_verdict(answer.blocks)
        return CallResult(role, sample.sha256, plan.model(role), verdict is not None, answer.input_tokens,
                          answer.output_tokens, verdict=verdict, error=None if verdict is not None else "no verdict",
                          run=run)
    key = answer_key(answer.text, plan.comparison)
    correct = None
    if plan.grader.kind == "expected" and sample.has_expected:
        correct = key is not None and key == expected_key(sample.expected, plan.comparison)
    return CallResult(role, sample.sha256, plan.model(role), True, answer.input_tokens, answer.output_tokens,
                      answer=digest(key), correct=correct, batched=batch, run=run)


def failed_result(plan: EvalPlan, role: Role, sample: Sample, error: BaseException, run: int = 0) -> CallResult:
    return CallResult(role, sample.sha256, plan.model(role), False, error=type(error).__name__, run=run)


Call = tuple[Role, Sample, int]
"""One call to send: the role, the sample and which of its --repeat runs."""


class Runner:
    """Sends what the journal does not hold yet; keeps answers in memory for the terminal report."""

    def __init__(
        self,
        plan: EvalPlan,
        journal: Journal,
        *,
        ask: Ask,
        judge: Judge | None,
        failures: tuple[type[BaseException], ...],
    ) -> None:
        self.plan = plan
        self.journal = journal
        self.ask = ask
        self.judge = judge
        self.failures = failures
        #: Answers of this run, by (role, sample hash, run): shown as disagreements and judged, never written.
        self.texts: dict[CallKey, str] = {}
        self._judging: set[tuple[str, int]] = set()

    def todo(self) -> list[Call]:
        """The candidate and reference calls still to send, in file order (each sample's runs together).

        An llm grader needs both answers' text, which routecheck never writes down: an answer an earlier
        run recorded is asked again while its sample may still need a verdict (not judged yet, and the
        other answer missing or different), so one plain rerun grades every sample after any kill.
        """
        return [(role, s, k) for s in self.plan.samples.samples for k in range(self.plan.repeat)
                for role in ("reference", "candidate")
                if not self.journal.done(role, s.sha256, k) or self._answer_lost(role, s, k)]

    def _answer_lost(self, role: Role, sample: Sample, run: int) -> bool:
        h = sample.sha256
        if self.judge is None or (role, h, run) in self.texts or self.journal.done("grader", h, run):
            return False
        reference, candidate = self.journal.get("reference", h, run), self.journal.get("candidate", h, run)
        if reference is not None and candidate is not None and reference.ok and candidate.ok:
            return candidate.answer != reference.answer  # identical answers pass without a grader call
        return True  # the other answer is still to come, and may differ

    def run(self, concurrency: int, progress: Progress, *, send: bool = True) -> None:
        """Send every outstanding call (`send=False`: only llm verdicts), `concurrency` at a time."""
        with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="routecheck-eval") as pool:
            futures: dict[Future[Answer], Call] = {}
            for role, sample, k in self.todo() if send else ():
                futures[pool.submit(self.ask, role, sample)] = (role, sample, k)
            for sample in self.plan.samples.samples:
                for k in range(self.plan.repeat):
                    self._maybe_judge(pool, futures, sample, k, progress)
            try:
                while futures:
                    finished, _ = wait(futures, return_when=FIRST_COMPLETED)
                    for future in finished:
                        role, sample, k = futures.pop(future)
                        self._finish(role, sample, k, future)
                        progress.advance()
                        self._maybe_judge(pool, futures, sample, k, progress)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def record_answer(
        self, role: Role, sample: Sample, answer: Answer, *, batch: bool = False, run: int = 0
    ) -> None:
        """Keep (in memory) and record one answer; used by the batch path too."""
        if role != "grader":
            self.texts[(role, sample.sha256, run)] = answer.text
        result = make_result(self.plan, role, sample, answer, self.journal.answer_digest, batch=batch, run=run)
        self.journal.record(result)

    def _finish(self, role: Role, sample: Sample, run: int, future: Future[Answer]) -> None:
        try:
            answer = future.result()
        except self.failures as exc:
            self.journal.record(failed_result(self.plan, role, sample, exc, run))
            return
        self.record_answer(role, sample, answer, run=run)

    def needs_judging(self, sample: Sample, run: int = 0) -> bool:
        if self.plan.grader.kind != "llm" or self.journal.done("grader", sample.sha256, run):
            return False
        reference = self.journal.get("reference", sample.sha256, run)
        candidate = self.journal.get("candidate", sample.sha256, run)
        if reference is None or candidate is None or not (reference.ok and candidate.ok):
            return False
        return candidate.answer != reference.answer  # identical answers pass without a grader call

    def _maybe_judge(
        self,
        pool: ThreadPoolExecutor,
        futures: dict[Future[Answer], Call],
        sample: Sample,
        run: int,
        progress: Progress,
    ) -> None:
        if self.judge is None or not self.needs_judging(sample, run):
            return
        if (sample.sha256, run) in self._judging:
            return
        reference = self.texts.get(("reference", sample.sha256, run))
        candidate = self.texts.get(("candidate", sample.sha256, run))
        if reference is None or candidate is None:
            return  # the other answer is still on its way
        futures[pool.submit(self.judge, sample, reference, candidate)] = ("grader", sample, run)
        self._judging.add((sample.sha256, run))
        progress.grow(1)
