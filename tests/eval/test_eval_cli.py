"""routecheck eval end to end: the real SDK, through the runtime's Router, against the fake API server.

The fake models answer per sample (the sample's number is in its text), so every figure is known:
which samples the candidate gets wrong, and so the error count, the Wilson bounds and the verdict.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_anthropic import FakeAnthropic, Reply

from eval.evalkit import (
    HAIKU,
    OPUS,
    SONNET,
    label_samples,
    labeller,
    last_user_text,
    sample_index,
    ticket,
    write_samples,
)
from routecheck.cli import main
from routecheck.evaluate.graders import RUBRIC

FAIL_OUT = """\
eval classify_intent: candidate haiku (claude-haiku-4-5-20251001) against reference sonnet (claude-sonnet-4-6), \
grader expected
samples: 40 from samples.jsonl
disagreements (first 3 of 3):
  samples.jsonl:4: expected "account", candidate "billing"
  samples.jsonl:18: expected "refund", candidate "technical"
  samples.jsonl:30: expected "refund", candidate "technical"
candidate errors: 3 of 40 graded = 7.5% (Wilson 95% interval 2.6% to 19.9%)
reference errors: 1 of 40 = 2.5% (against expected)
paired: 40 samples on both tiers: both wrong 1, candidate only 2, reference only 0; candidate minus reference +5.0% \
(Newcombe 95% interval -5.3% to +17.0%), McNemar exact p = 0.500
infrastructure failures: 0 samples not graded (not counted as errors)
calls: 80 answered (this run and earlier ones), $0.0049 at the policy's prices
gate: FAIL: error rate 7.5% is above the gate's max_error_rate 5.0%
saving: haiku instead of sonnet: $15.60 instead of $46.80 a month, $31.20 saved (1,000 calls a day, the policy's volume)
"""


def test_expected_grader_counts_errors_and_fails_the_gate(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str], terminal: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROUTECHECK_LEDGER", str(project / "ledger.db"))
    label_samples(project / "samples.jsonl", 40)
    server.default_reply(HAIKU, labeller({3, 17, 29}))
    server.default_reply(SONNET, labeller({17}))

    code = main(["eval", "classify_intent", "--samples", "samples.jsonl"])

    assert (code, capsys.readouterr().out) == (1, FAIL_OUT)
    calls = server.requests(path="/v1/messages")
    assert sorted((r.model, sample_index(r.body)) for r in calls) == sorted(
        (model, i) for model in (HAIKU, SONNET) for i in range(40)
    )
    # the task's request as the runtime sends it: the policy's max_tokens cap, the sample as the user turn
    assert {(r.body["max_tokens"], len(r.body["messages"]), "system" in r.body) for r in calls} == {(16, 1, False)}
    # through the same runtime as the generated client: every call is in the ledger, as an eval call
    with sqlite3.connect(project / "ledger.db") as ledger:
        rows = ledger.execute("SELECT purpose, task, tier, COUNT(*) FROM calls GROUP BY 1, 2, 3 ORDER BY 3").fetchall()
    assert rows == [("eval", "classify_intent", "haiku", 40), ("eval", "classify_intent", "sonnet", 40)]


PASS_OUT = """\
eval classify_intent: candidate haiku (claude-haiku-4-5-20251001) against reference sonnet (claude-sonnet-4-6), \
grader expected
samples: 40 from samples.jsonl
disagreements (first 1 of 1):
  samples.jsonl:12: expected "account", candidate "billing"
candidate errors: 1 of 40 graded = 2.5% (Wilson 95% interval 0.4% to 12.9%)
reference errors: 0 of 40 = 0.0% (against expected)
paired: 40 samples on both tiers: both wrong 0, candidate only 1, reference only 0; candidate minus reference +2.5% \
(Newcombe 95% interval -6.5% to +12.9%), McNemar exact p = 1.000
infrastructure failures: 0 samples not graded (not counted as errors)
calls: 80 answered (this run and earlier ones), $0.0048 at the policy's prices
gate: PASS: error rate 2.5% is within max_error_rate 5.0% on 40 samples (min_samples 20)
saving: haiku instead of sonnet: $15.60 instead of $46.80 a month, $31.20 saved (1,000 calls a day, the policy's volume)
evidence: wrote policies/evidence/classify_intent.toml
policy: policies/routing.toml:29: add to [tasks.classify_intent]: evidence = "evidence/classify_intent.toml"
policy: policies/routing.toml:30: in [tasks.classify_intent] change tier = "sonnet" to tier = "haiku"
"""


def evidence_without_created(path: Path) -> tuple[str, datetime]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    created = [line for line in lines if line.startswith("created = ")]
    assert len(created) == 1
    moment = datetime.fromisoformat(created[0].removeprefix("created = ").strip())
    return "".join(line for line in lines if not line.startswith("created = ")), moment


def test_gate_passes_and_write_produces_the_evidence_that_lint_reads(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str], terminal: None
) -> None:
    samples = label_samples(project / "samples.jsonl", 40)
    server.default_reply(HAIKU, labeller({11}))
    server.default_reply(SONNET, labeller(set()))

    code = main(["eval", "classify_intent", "--samples", "samples.jsonl", "--write"])

    assert (code, capsys.readouterr().out) == (0, PASS_OUT)
    import hashlib

    text, created = evidence_without_created(project / "policies" / "evidence" / "classify_intent.toml")
    assert text == (
        "# Written by `routecheck eval`: what the candidate model scored on the task's samples.\n"
        "# Read back by `routecheck lint` (RC108). Holds counts and hashes only, never prompts or answers.\n"
        'task = "classify_intent"\n'
        'candidate_model = "claude-haiku-4-5-20251001"\n'
        'reference_model = "claude-sonnet-4-6"\n'
        'grader = "expected"\n'
        "samples = 40\n"
        "errors = 1\n"
        "error_rate = 0.025\n"
        "error_rate_upper_95 = 0.1288\n"
        "infrastructure_failures = 0\n"
        "paired_samples = 40\n"
        "reference_errors = 0\n"
        "candidate_only_errors = 1\n"
        "reference_only_errors = 0\n"
        "regression = 0.025\n"
        "regression_upper_95 = 0.1288\n"  # = the Wilson upper bound of 1/40: a reference without errors adds none
        "mcnemar_p = 1.0\n"
        f'samples_sha256 = "{hashlib.sha256(samples.read_bytes()).hexdigest()}"\n'
    )
    assert timedelta(0) <= datetime.now(UTC) - created < timedelta(minutes=1)
    assert not list((project / "policies" / "evidence").glob(".*tmp"))  # the temp file was renamed away

    # The change it justifies, made by hand as printed: lint's RC108 now finds the evidence and is satisfied.
    policy = project / "policies" / "routing.toml"
    text = policy.read_text(encoding="utf-8").replace(
        '[tasks.classify_intent]\ntier = "sonnet"',
        '[tasks.classify_intent]\nevidence = "evidence/classify_intent.toml"\ntier = "haiku"',
    )
    policy.write_text(text, encoding="utf-8")
    assert main(["lint", "--select", "RC108"]) == 0
    assert capsys.readouterr().out == "All checks passed (2 files).\n"


def test_failing_evidence_is_what_rc108_reports(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    label_samples(project / "samples.jsonl", 40)
    server.default_reply(HAIKU, labeller({3, 17, 29}))
    server.default_reply(SONNET, labeller({17}))
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl", "--write"]) == 1
    out = capsys.readouterr().out
    assert out.endswith(
        "evidence: wrote policies/evidence/classify_intent.toml\n"
        'policy: policies/routing.toml:29: add to [tasks.classify_intent]: evidence = "evidence/classify_intent.toml"\n'
    )  # the gate failed: no tier change is suggested
    policy = project / "policies" / "routing.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        '[tasks.classify_intent]\ntier = "sonnet"',
        '[tasks.classify_intent]\nevidence = "evidence/classify_intent.toml"\ntier = "haiku"',
    ), encoding="utf-8")
    assert main(["lint", "--select", "RC108", "--quiet"]) == 1
    assert capsys.readouterr().out == (
        "policies/routing.toml:30:1: RC108 [error] task 'classify_intent' runs below default_tier 'sonnet' but its "
        "evidence evidence/classify_intent.toml shows an error rate of 7.5%, above the gate's 5.0%\n"
    )


AGREEMENT_OUT = """\
eval classify_intent: candidate haiku (claude-haiku-4-5-20251001) against reference sonnet (claude-sonnet-4-6), \
grader agreement
samples: 30 from samples.jsonl
disagreements (first 2 of 2):
  samples.jsonl:3: reference "technical", candidate "Technical question"
  samples.jsonl:9: reference "billing", candidate "refund"
candidate errors: 2 of 30 graded = 6.7% (Wilson 95% interval 1.8% to 21.3%)
paired: 30 samples on both tiers: disagreements 2 (the agreement grader takes the reference as right); candidate \
minus reference +6.7% (Newcombe 95% interval -5.7% to +21.3%), McNemar exact p = 0.500
infrastructure failures: 0 samples not graded (not counted as errors)
"""


def test_agreement_grader_takes_the_reference_as_truth_after_normalisation(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str], terminal: None
) -> None:
    # No expected labels needed. Sample 5 is wrong on both tiers alike, so they agree; samples 0 and 1
    # differ only in case, space, quotes and a full stop, which do not count; sample 2 is another label.
    write_samples(project / "samples.jsonl", [{"input": ticket(i)} for i in range(30)])
    server.default_reply(HAIKU, lambda body: {0: "  BILLING.", 1: "`refund`", 2: "Technical question"}.get(
        sample_index(body), labeller({5, 8})(body)))
    server.default_reply(SONNET, labeller({5}))

    code = main(["eval", "classify_intent", "--samples", "samples.jsonl", "--grader", "agreement"])

    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith(AGREEMENT_OUT)
    assert "gate: FAIL: error rate 6.7% is above the gate's max_error_rate 5.0%\n" in out


INVOICES = [
    {"vendor": "Acme GmbH", "total": 120.5, "currency": "EUR"},
    {"vendor": "Globex", "total": 99, "currency": "USD"},
    {"vendor": "Initech", "total": 15.0, "currency": "USD"},
    {"vendor": "Umbrella", "total": 42.25, "currency": "GBP"},
]


def invoice_text(i: int) -> str:
    inv = INVOICES[i % 4]
    return f"Invoice {i:03d} from {inv['vendor']}: amount due {inv['total']} {inv['currency']}."


def invoice_index(body: dict[str, Any]) -> int:
    return int(last_user_text(body)[8:11])


def test_expected_grader_compares_json_field_by_field(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str], terminal: None
) -> None:
    write_samples(project / "samples.jsonl", [
        {"input": invoice_text(i), "expected": INVOICES[i % 4] if i % 2 else json.dumps(INVOICES[i % 4])}
        for i in range(24)
    ])

    def candidate(body: dict[str, Any]) -> str | Reply:
        i = invoice_index(body)
        inv = dict(INVOICES[i % 4])
        if i == 4:
            return Reply.malformed_json()
        if i == 7:
            inv["total"] = 24.25
        if i == 9:
            inv["note"] = "paid"
            del inv["currency"]
        if i == 2:  # formatting differences do not count: fence, key order, case, 15 == 15.0
            return "```json\n" + json.dumps({"currency": "usd", "total": 15, "vendor": "INITECH"}) + "\n```"
        return json.dumps(inv)

    server.default_reply(HAIKU, candidate)
    server.default_reply(SONNET, lambda body: json.dumps(INVOICES[invoice_index(body) % 4]))

    code = main(["eval", "extract_invoice", "--samples", "samples.jsonl"])

    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith(
        "eval extract_invoice: candidate haiku (claude-haiku-4-5-20251001) against reference sonnet "
        "(claude-sonnet-4-6), grader expected\n"
        "samples: 24 from samples.jsonl\n"
        "disagreements (first 3 of 3):\n"
        '  samples.jsonl:5: expected "{\\"vendor\\": \\"Acme GmbH\\", \\"total\\": 120.5, \\"currency\\": \\"EUR\\"}", '
        'candidate "{\\"label\\": \\"unterminated" (not valid JSON)\n'
        '  samples.jsonl:8: expected "{\\"currency\\":\\"GBP\\",\\"total\\":42.25,\\"vendor\\":\\"Umbrella\\"}", '
        'candidate "{\\"vendor\\": \\"Umbrella\\", \\"total\\": 24.25, \\"currency\\": \\"GBP\\"}" '
        "(fields differ: total)\n"
        '  samples.jsonl:10: expected "{\\"currency\\":\\"USD\\",\\"total\\":99,\\"vendor\\":\\"Globex\\"}", '
        'candidate "{\\"vendor\\": \\"Globex\\", \\"total\\": 99, \\"note\\": \\"paid\\"}" '
        "(missing: currency; unexpected: note)\n"
        "candidate errors: 3 of 24 graded = 12.5% (Wilson 95% interval 4.3% to 31.0%)\n"
        "reference errors: 0 of 24 = 0.0% (against expected)\n"
    )
    assert "saving: unknown (the task has no calls_per_day/input_tokens/output_tokens in the policy)\n" in out


def test_llm_grader_judges_only_answers_that_differ_with_a_forced_tool_call(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str], terminal: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROUTECHECK_LEDGER", str(project / "ledger.db"))
    write_samples(project / "samples.jsonl", [{"input": invoice_text(i)} for i in range(20)])
    server.default_reply(SONNET, lambda body: json.dumps(INVOICES[invoice_index(body) % 4]))

    def candidate(body: dict[str, Any]) -> str:
        i = invoice_index(body)
        inv = dict(INVOICES[i % 4])
        if i in (3, 6, 13):
            inv["total"] = 0
        if i == 10:
            inv["vendor"] = "Initech Inc."
        return json.dumps({k: inv[k] for k in sorted(inv)}, indent=2)  # reformatted: still identical

    server.default_reply(HAIKU, candidate)
    # The grader: "Initech Inc." for "Initech" passes; a wrong total fails. One verdict as a JSON text object.
    server.default_reply(OPUS, lambda body: json.dumps(
        {"verdict": "pass" if "Initech Inc." in last_user_text(body) else "fail"}))

    code = main(["eval", "extract_invoice", "--samples", "samples.jsonl", "--grader", "llm"])

    out = capsys.readouterr().out
    assert code == 1
    assert "grader llm:claude-opus-4-6\n" in out
    assert "candidate errors: 3 of 20 graded = 15.0% (Wilson 95% interval 5.2% to 36.0%)\n" in out
    assert [line.split(":")[1] for line in out.splitlines() if line.startswith("  samples.jsonl:")] == [
        "4", "7", "14"]
    judged = server.requests(path="/v1/messages", model=OPUS)
    assert sorted(invoice_index({"messages": [{"content": r.body["messages"][0]["content"][8:]}]})
                  for r in judged) == [3, 6, 10, 13]
    body = judged[0].body
    assert body["system"] == RUBRIC
    assert body["tool_choice"] == {"type": "tool", "name": "record_verdict"}
    assert body["tools"][0]["input_schema"]["properties"]["verdict"]["enum"] == ["pass", "fail"]
    assert body["max_tokens"] == 256
    # the grader's own calls are in the ledger too, as eval calls on its tier, with their tokens and cost
    with sqlite3.connect(project / "ledger.db") as ledger:
        rows = ledger.execute("SELECT purpose, tier, model, COUNT(*), MIN(status), SUM(input_tokens > 0), "
                              "SUM(cost_usd > 0) FROM calls GROUP BY 1, 2, 3 ORDER BY 2").fetchall()
    assert rows == [("eval", "haiku", HAIKU, 20, "ok", 20, 20), ("eval", "opus", OPUS, 4, "ok", 4, 4),
                    ("eval", "sonnet", SONNET, 20, "ok", 20, 20)]
    # the answers waiting for a verdict were kept only while the run was unfinished
    assert not (project / ".routecheck_cache" / "eval" / "extract_invoice.jsonl.answers").exists()


DRY_RUN_OUT = """\
eval classify_intent: candidate haiku (claude-haiku-4-5-20251001) against reference sonnet (claude-sonnet-4-6), \
grader expected
samples: 40 from samples.jsonl
dry run: nothing is sent
  reference sonnet (claude-sonnet-4-6): 40 calls, ~{tokens:,} input + 160 output tokens, ${sonnet}
  candidate haiku (claude-haiku-4-5-20251001): 40 calls, ~{tokens:,} input + 160 output tokens, ${haiku}
calls: 80, estimated cost ${total} at the policy's prices
(input estimated at 4 characters a token; output at the policy's output_tokens)
"""


def test_dry_run_prints_calls_and_cost_and_sends_nothing(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    label_samples(project / "samples.jsonl", 40)
    tokens = sum((len(ticket(i)) + 3) // 4 for i in range(40))
    from decimal import Decimal

    sonnet = (tokens * Decimal(3) + 160 * Decimal(15)) / 1_000_000
    haiku = (tokens * Decimal(1) + 160 * Decimal(5)) / 1_000_000
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl", "--dry-run"]) == 0
    assert capsys.readouterr().out == DRY_RUN_OUT.format(
        tokens=tokens, sonnet=f"{sonnet:.4f}", haiku=f"{haiku:.4f}", total=f"{sonnet + haiku:.4f}")
    assert tokens == 760
    assert server.requests() == []
    assert not (project / ".routecheck_cache").exists()


def test_dry_run_with_batch_prices_at_the_batch_discount(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    label_samples(project / "samples.jsonl", 40)
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl", "--dry-run", "--batch"]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "calls: 80, estimated cost $0.0031 at the policy's prices with the Message Batches discount",
        "(input estimated at 4 characters a token; output at the policy's output_tokens)",
    ]
    assert server.requests() == []


def test_calls_that_still_fail_after_the_sdk_retries_are_infrastructure_failures_sent_again_next_run(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    label_samples(project / "samples.jsonl", 40)
    attempts: dict[int, int] = {}
    right = labeller(set())

    def flaky(body: dict[str, Any]) -> str | Reply:
        i = sample_index(body)
        attempts[i] = attempts.get(i, 0) + 1
        if i == 5:
            return Reply.error(529)  # overloaded every time
        if i == 6 and attempts[i] <= 2:
            return Reply.error(429)  # rate limited twice, then fine: the SDK's retries absorb it
        return right(body)

    server.default_reply(HAIKU, flaky)
    server.default_reply(SONNET, right)

    assert main(["eval", "classify_intent", "--samples", "samples.jsonl"]) == 0
    out = capsys.readouterr().out
    assert (attempts[5], attempts[6]) == (3, 3)  # one call and the SDK's two retries each
    assert "candidate errors: 0 of 39 graded = 0.0% (Wilson 95% interval 0.0% to 9.0%)\n" in out
    assert ("infrastructure failures: 1 sample not graded (not counted as errors)\n"
            "  samples.jsonl:6: candidate call failed (OverloadedError)\n") in out

    server.clear_requests()
    server.default_reply(HAIKU, right)
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl"]) == 0
    out = capsys.readouterr().out
    assert [(r.model, sample_index(r.body)) for r in server.requests()] == [(HAIKU, 5)]  # only the failed call
    assert "candidate errors: 0 of 40 graded = 0.0% (Wilson 95% interval 0.0% to 8.8%)\n" in out
    assert "infrastructure failures: 0 samples not graded (not counted as errors)\n" in out


def test_batch_mode_submits_one_batch_polls_and_grades_the_same(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str], terminal: None
) -> None:
    label_samples(project / "samples.jsonl", 40)
    server.default_reply(HAIKU, labeller({3, 17, 29}))
    server.default_reply(SONNET, labeller({17}))

    code = main(["eval", "classify_intent", "--samples", "samples.jsonl", "--batch", "--poll-interval", "0"])

    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == FAIL_OUT.replace("$0.0049 at", "$0.0024 at")  # the batch discount: half price
    assert [(r.method, r.path) for r in server.requests()] == [
        ("POST", "/v1/messages/batches"),
        ("GET", "/v1/messages/batches/msgbatch_fake0001"),  # in_progress
        ("GET", "/v1/messages/batches/msgbatch_fake0001"),  # ended
        ("GET", "/v1/messages/batches/msgbatch_fake0001"),  # the SDK's results() looks up results_url
        ("GET", "/v1/messages/batches/msgbatch_fake0001/results"),
    ]
    requests = server.requests()[0].body["requests"]
    assert len(requests) == 80
    assert {(r["params"]["model"], r["params"]["max_tokens"]) for r in requests} == {(HAIKU, 16), (SONNET, 16)}
    assert captured.err.splitlines() == [
        "eval: 80 calls to send, 0 already recorded in .routecheck_cache/eval/classify_intent.jsonl",
        "eval: submitted batch msgbatch_fake0001 with 80 requests",
        "eval: batch msgbatch_fake0001 in_progress: 0/80 done",
        "eval: collected batch msgbatch_fake0001",
    ]
    # Run again: everything is recorded, nothing is sent, and the same figures come out. The answers
    # themselves were never written, so this run cannot show them.
    server.clear_requests()
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl", "--batch", "--poll-interval", "0"]) == 1
    again = FAIL_OUT.replace("$0.0049 at", "$0.0024 at")
    for shown in ('candidate "billing"', 'candidate "technical"'):
        again = again.replace(shown, "candidate (not kept: answered by an earlier run)")
    assert capsys.readouterr().out == again
    assert server.requests() == []


BAD_SAMPLES = (
    b'{"input": "Ticket 000: where is my invoice?", "expected": "billing"}\n'
    b'{"input": "x", "expected": "billing"\n'
    b"[1, 2]\n"
    b'{"expected": "billing"}\n'
    b'{"input": "", "expected": "refund"}\n'
    b'{"input": [{"role": "system", "content": "be brief"}], "expected": "refund"}\n'
    b'{"input": "hello", "label": "account"}\n'
    b"\n"
    b'{"expected": "billing", "input": "Ticket 000: where is my invoice?"}\n'
    b'{"input": "caf\xe9", "expected": "billing"}\n'
    b'{"input": [{"role": "user", "content": [{"text": "no type"}]}], "expected": "account"}\n'
)


def test_malformed_samples_are_all_reported_and_nothing_is_sent(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "samples.jsonl").write_bytes(BAD_SAMPLES)
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl"]) == 2
    assert capsys.readouterr().err == (
        "samples.jsonl:2: invalid JSON at column 37: Expecting ',' delimiter\n"
        "samples.jsonl:3: expected a JSON object, got an array\n"
        "samples.jsonl:4: missing 'input' (a string, or a list of messages)\n"
        "samples.jsonl:5: 'input' is an empty string\n"
        "samples.jsonl:6: input[0]: 'role' must be 'user' or 'assistant', got \"system\"\n"
        "samples.jsonl:7: unknown key 'label' (expected: expected, id, input, metadata)\n"
        "samples.jsonl:7: missing 'expected' (the expected grader needs it on every sample)\n"
        "samples.jsonl:9: duplicate of line 1 (a repeated sample would count twice)\n"
        "samples.jsonl:10: byte 0xe9 at column 15 is not valid UTF-8\n"
        "samples.jsonl:11: input[0]: 'content' blocks must be objects with a 'type'\n"
        "samples.jsonl: 9 bad lines; fix them and run again (nothing was sent)\n"
    )
    assert server.requests() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "samples.jsonl: samples file not found\n"),
        (b"\n\n", "samples.jsonl: no samples (expected one JSON object a line)\n"),
    ],
)
def test_missing_or_empty_samples_file(
    project: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    if content is not None:
        (project / "samples.jsonl").write_bytes(content)
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl"]) == 2
    assert capsys.readouterr().err == message


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval", "nope"], "task 'nope' is not in policies/routing.toml (tasks: classify_intent, extract_invoice)"),
        (["eval", "classify_intent", "--candidate", "sonnet"],
         "candidate and reference are both 'sonnet': pick two different tiers"),
        (["eval", "classify_intent", "--reference", "gpt"],
         "--reference gpt: not a tier of the policy (tiers: haiku, sonnet, opus)"),
        (["eval", "classify_intent", "--grader", "vibes"],
         "unknown grader 'vibes' (expected: expected, agreement, llm or llm:TIER)"),
        (["eval", "classify_intent", "--max-tokens", "17"],
         "--max-tokens 17: must be between 1 and the task's max_tokens (16)"),
    ],
)
def test_usage_errors(project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    label_samples(project / "samples.jsonl", 3)
    assert main([*argv, "--samples", "samples.jsonl"]) == 2
    assert capsys.readouterr().err == f"routecheck: error: {message}\n"


def test_results_of_a_different_run_are_never_mixed_in(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    label_samples(project / "samples.jsonl", 20)
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl"]) == 1  # the fake says "ok" to all
    (project / "system.txt").write_text("Answer with one label: billing, refund, technical or account.\n")
    argv = ["eval", "classify_intent", "--samples", "samples.jsonl", "--system-file", "system.txt"]
    capsys.readouterr()
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "routecheck: error: .routecheck_cache/eval/classify_intent.jsonl holds results of a different run "
        "(it differs in: system_sha256); use --fresh to start over, or --results to keep both\n"
    )
    server.clear_requests()
    assert main([*argv, "--fresh"]) == 1
    sent = server.requests(path="/v1/messages")
    assert len(sent) == 40
    assert {r.body["system"] for r in sent} == {"Answer with one label: billing, refund, technical or account.\n"}


def test_llm_grader_resume_asks_again_for_answers_it_never_wrote_down(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str], terminal: None
) -> None:
    write_samples(project / "samples.jsonl", [{"input": invoice_text(i)} for i in range(20)])
    server.default_reply(SONNET, lambda body: json.dumps(INVOICES[invoice_index(body) % 4]))
    server.default_reply(HAIKU, lambda body: json.dumps({**INVOICES[invoice_index(body) % 4], "total": 1}))
    # the grader is overloaded on sample 2 (past the SDK's retries) and says "pass" to the rest
    server.default_reply(OPUS, lambda body: Reply.error(529) if "Invoice 002" in last_user_text(body)
                         else '{"verdict": "pass"}')
    argv = ["eval", "extract_invoice", "--samples", "samples.jsonl", "--grader", "llm"]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "candidate errors: 0 of 19 graded = 0.0%" in out
    assert "gate: FAIL: 19 graded samples, the gate needs at least 20\n" in out
    assert "  samples.jsonl:3: grader call failed (OverloadedError)\n" in out
    # nothing routecheck wrote holds an answer: the results file has hashes only
    results = (project / ".routecheck_cache" / "eval" / "extract_invoice.jsonl").read_text(encoding="utf-8")
    assert "total" not in results and "Invoice" not in results
    assert sorted(p.name for p in (project / ".routecheck_cache" / "eval").iterdir()) == [
        "extract_invoice.jsonl", "extract_invoice.jsonl.key"]

    server.clear_requests()
    server.default_reply(OPUS, '{"verdict": "fail"}')
    assert main(argv) == 0  # 1 of 20 = 5.0%: at the gate, not above it
    out = capsys.readouterr().out
    # only the unjudged sample: its two answers again (never written down), then its verdict
    assert sorted((r.model, "Invoice 002" in last_user_text(r.body)) for r in server.requests()) == [
        (HAIKU, True), (OPUS, True), (SONNET, True)]
    assert "candidate errors: 1 of 20 graded = 5.0%" in out
    assert "infrastructure failures: 0 samples not graded" in out


def test_no_api_key_is_a_usage_error_before_anything_is_sent(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    label_samples(project / "samples.jsonl", 3)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    assert main(["eval", "classify_intent", "--samples", "samples.jsonl"]) == 2
    assert capsys.readouterr().err == (
        "routecheck: error: no API credentials: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN); "
        "--dry-run needs none\n"
    )


def test_an_unfinished_batch_is_collected_by_the_next_run_not_submitted_again(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    label_samples(project / "samples.jsonl", 20)
    argv = ["eval", "classify_intent", "--samples", "samples.jsonl", "--batch", "--poll-interval", "0"]
    with FakeAnthropic(batch_polls=3, default_text="billing") as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        assert main([*argv, "--batch-wait", "0"]) == 2
        assert capsys.readouterr().err.splitlines()[-1] == (
            "routecheck: error: batch msgbatch_fake0001 is still in_progress after 0 s; "
            "run the same command again later to collect it"
        )
        assert main(argv) == 1  # 15 of 20 are not "billing"
        assert "candidate errors: 15 of 20 graded = 75.0%" in capsys.readouterr().out
        assert [(r.method, r.path) for r in server.requests()] == [
            ("POST", "/v1/messages/batches"),
            *[("GET", "/v1/messages/batches/msgbatch_fake0001")] * 4,  # 3 in_progress (1 per run, 2), then ended
            ("GET", "/v1/messages/batches/msgbatch_fake0001"),  # the SDK's results() looks up results_url
            ("GET", "/v1/messages/batches/msgbatch_fake0001/results"),
        ]
