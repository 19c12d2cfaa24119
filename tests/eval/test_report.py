"""routecheck report over a ledger with known rows: every figure, and the revert advice both ways."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import astuple
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eval.evalkit import HAIKU, SONNET
from routecheck.cli import main
from routecheck.report.figures import percentile
from routecheck.runtime.ledger import CallRecord, Ledger

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "report"
UNTIL = datetime(2026, 11, 24, tzinfo=UTC).timestamp()
DAY = 86400.0


def row(task: str, tier: str, *, ts: float = UNTIL - DAY, requested: str = "haiku", upgrade: str | None = None,
        validation: str | None = None, status: str = "ok", latency: float = 100.0, cost: float = 0.0005,
        purpose: str = "live") -> CallRecord:
    model = HAIKU if tier == "haiku" else SONNET
    error = "APIStatusError" if status == "error" else None
    return CallRecord(ts, task, requested, tier, model, upgrade, 500, 4, cost, latency, validation, status, error,
                      purpose)


def known_rows() -> list[CallRecord]:
    rows = []
    # classify_intent: 40 answered on haiku, 12 of them failed validation and were retried on sonnet.
    for i in range(40):
        verdict = "failed" if i < 12 else "passed"
        rows.append(row("classify_intent", "haiku", latency=10.0 * (i + 1), validation=verdict))
    rows += [row("classify_intent", "sonnet", upgrade="validation_failed", validation="passed", latency=500.0,
                 cost=0.0015) for _ in range(12)]
    rows += [row("classify_intent", "sonnet", upgrade="overloaded", latency=600.0, cost=0.0015) for _ in range(2)]
    rows.append(row("classify_intent", "haiku", status="error", latency=50.0, cost=0.0))
    # not counted: an eval call, and a call before the period
    rows.append(row("classify_intent", "haiku", purpose="eval", validation="failed"))
    rows.append(row("classify_intent", "haiku", ts=UNTIL - 8 * DAY, validation="failed"))
    # extract_fields: 2 of 100 validations failed, within its evidence
    rows += [row("extract_fields", "haiku", validation="failed" if i < 2 else "passed", latency=200.0, cost=0.001)
             for i in range(100)]
    # draft_email: on the default tier, no validator
    rows += [row("draft_email", "sonnet", requested="sonnet", latency=1000.0 + i, cost=0.01) for i in range(5)]
    # a task the policy does not know, routed to default_tier
    rows.append(row("legacy_summarize", "sonnet", requested="sonnet", upgrade="unknown_task", cost=0.002))
    return rows


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "policies")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROUTECHECK_LEDGER", raising=False)
    ledger = Ledger(tmp_path / "ledger.db")
    for record in known_rows():
        ledger.record(record)
    ledger.close()
    return tmp_path


TEXT = """\
routecheck report: ledger.db, 2026-11-17 00:00 UTC to 2026-11-24 00:00 UTC (7 days)

classify_intent (policy tier haiku)
  calls:               55 (1 failed)
  tier mix:            haiku 75%, sonnet 25%
  cost:                $0.04 (policy estimate for the period: $3.64)
  upgrades/fallbacks:  25.5% (validation_failed 12, overloaded 2)
  validation failures: 12 of 40 = 30.0% (Wilson 95% 18.1% to 45.4%)
  latency:             p50 270 ms, p95 500 ms
  REVERT classify_intent: live validation failures 30.0% (lower 95% bound 18.1%) are clearly above the evidence's \
error rate 4.0% (upper 95% bound 8.5%, evidence/classify_intent.toml)
    now, without a deploy: ROUTECHECK_OVERRIDE=classify_intent=sonnet
    then: policies/routing.toml:18: in [tasks.classify_intent] change tier = "haiku" to tier = "sonnet"

draft_email (policy tier sonnet)
  calls:               5 (0 failed)
  tier mix:            sonnet 100%
  cost:                $0.05 (policy estimate for the period: $0.59)
  upgrades/fallbacks:  none
  validation failures: no validated calls on the policy tier
  latency:             p50 1,002 ms, p95 1,004 ms

extract_fields (policy tier haiku)
  calls:               100 (0 failed)
  tier mix:            haiku 100%
  cost:                $0.10 (policy estimate for the period: n/a)
  upgrades/fallbacks:  none
  validation failures: 2 of 100 = 2.0% (Wilson 95% 0.6% to 7.0%)
  latency:             p50 200 ms, p95 200 ms
  keep extract_fields: live validation failures 2.0% (lower 95% bound 0.6%) are not clearly above the evidence's \
error rate 2.0% (upper 95% bound 5.7%, evidence/extract_fields.toml)

legacy_summarize (not in the policy)
  calls:               1 (0 failed)
  tier mix:            sonnet 100%
  cost:                $0.00 (policy estimate for the period: n/a)
  upgrades/fallbacks:  100.0% (unknown_task 1)
  validation failures: no validated calls on the policy tier
  latency:             p50 100 ms, p95 100 ms

(1 calls made by `routecheck eval` are not counted)

revert advised: classify_intent
(revert test: the Wilson 95% lower bound of the live validation failure rate is above the evidence's Wilson 95% \
upper bound)
"""


def test_text_report_every_figure_and_revert_advice(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["report", "--ledger", "ledger.db", "--since", "7d", "--until", "2026-11-24T00:00:00Z"])
    assert capsys.readouterr().out == TEXT
    assert code == 1  # a revert is advised: a cron job or CI step fails on it


def test_ledger_from_the_environment_and_no_revert_when_the_window_holds_only_good_calls(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUTECHECK_LEDGER", "ledger.db")
    # Nothing was called between 4 and 2 days back: an empty report, and nothing to revert.
    code = main(["report", "--since", "2d", "--until", "2026-11-22T00:00:00Z", "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert payload == {"version": 1, "ledger": "ledger.db", "since": "2026-11-20T00:00:00Z",
                       "until": "2026-11-22T00:00:00Z", "eval_calls": 0, "tasks": []}


def test_json_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["report", "--ledger", "ledger.db", "--until", "2026-11-24T00:00:00Z", "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [t["task"] for t in payload["tasks"]] == ["classify_intent", "draft_email", "extract_fields",
                                                     "legacy_summarize"]
    assert payload["tasks"][0] == {
        "task": "classify_intent",
        "policy_tier": "haiku",
        "calls": 55,
        "errors": 1,
        "tiers": {"haiku": 41, "sonnet": 14},
        "cost_usd": 0.041,
        "estimated_cost_usd": 3.64,
        "upgrades": {"validation_failed": 12, "overloaded": 2},
        "upgrade_rate": 0.254545,
        "validation": {"validated": 40, "failed": 12, "rate": 0.3, "low_95": 0.180748, "high_95": 0.4543},
        "latency_ms": {"p50": 270.0, "p95": 500.0},
        "advice": {"action": "revert", "evidence": "evidence/classify_intent.toml", "test": "absolute",
                   "bound": 0.0845, "evidence_reference_rate": None, "max_regression": None,
                   "evidence_error_rate": 0.04,
                   "evidence_upper_95": 0.0845, "to_tier": "sonnet",
                   "override": "ROUTECHECK_OVERRIDE=classify_intent=sonnet",
                   "policy_change": 'policies/routing.toml:18: in [tasks.classify_intent] change tier = "haiku" '
                                    'to tier = "sonnet"'},
    }
    assert payload["tasks"][2]["advice"] == {
        "action": "keep", "evidence": "evidence/extract_fields.toml", "test": "absolute", "bound": 0.0571,
        "evidence_reference_rate": None, "max_regression": None, "evidence_error_rate": 0.02,
        "evidence_upper_95": 0.0571, "to_tier": None, "override": None, "policy_change": None,
    }
    assert payload["eval_calls"] == 1


MARKDOWN = """\
### routecheck report: 2026-11-17 00:00 UTC to 2026-11-24 00:00 UTC

| task | calls | tier mix | cost | estimate | upgrades | validation failures | p50 | p95 |
|---|---:|---|---:|---:|---|---|---:|---:|
| `classify_intent` | 55 | haiku 75%, sonnet 25% | $0.04 | $3.64 | 25.5% (validation_failed 12, overloaded 2) \
| 12/40 (30.0%) | 270 ms | 500 ms |
| `draft_email` | 5 | sonnet 100% | $0.05 | $0.59 | none | n/a | 1,002 ms | 1,004 ms |
| `extract_fields` | 100 | haiku 100% | $0.10 | n/a | none | 2/100 (2.0%) | 200 ms | 200 ms |
| `legacy_summarize` | 1 | sonnet 100% | $0.00 | n/a | 100.0% (unknown_task 1) | n/a | 100 ms | 100 ms |

- **REVERT classify_intent**: live validation failures 30.0% (lower 95% bound 18.1%) are clearly above the \
evidence's error rate 4.0% (upper 95% bound 8.5%, evidence/classify_intent.toml)
  - `ROUTECHECK_OVERRIDE=classify_intent=sonnet`
  - `policies/routing.toml:18: in [tasks.classify_intent] change tier = "haiku" to tier = "sonnet"`
- **keep extract_fields**: live validation failures 2.0% (lower 95% bound 0.6%) are not clearly above the \
evidence's error rate 2.0% (upper 95% bound 5.7%, evidence/extract_fields.toml)

(revert test: the Wilson 95% lower bound of the live validation failure rate is above the evidence's Wilson 95% \
upper bound)
"""


def test_markdown_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["report", "--ledger", "ledger.db", "--until", "2026-11-24T00:00:00Z", "--format", "markdown"])
    assert capsys.readouterr().out == MARKDOWN


def test_the_ledger_is_opened_read_only(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (project / "ledger.db").read_bytes()
    (project / "ledger.db").chmod(0o444)
    main(["report", "--ledger", "ledger.db", "--until", "2026-11-24T00:00:00Z"])
    assert capsys.readouterr().out == TEXT
    assert (project / "ledger.db").read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report"], "routecheck: error: no ledger: pass --ledger FILE|URL or set ROUTECHECK_LEDGER\n"),
        (["report", "--ledger", "missing.db"], "routecheck: error: ledger missing.db not found\n"),
        (["report", "--ledger", "ledger.db", "--since", "7 days"],
         "routecheck: error: --since 7 days: expected a positive age like 90m, 24h, 7d or 2w\n"),
        (["report", "--ledger", "ledger.db", "--until", "yesterday"],
         "routecheck: error: --until yesterday: expected an ISO 8601 time like 2026-11-24T00:00:00Z\n"),
        (["report", "--ledger", "policies/routing.toml"],
         "routecheck: error: ledger policies/routing.toml: not a routecheck ledger (file is not a database)\n"),
    ],
)
def test_usage_errors(project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err == message


def test_a_newer_ledger_schema_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(project / "ledger.db") as connection:
        connection.execute("PRAGMA user_version = 3")
    assert main(["report", "--ledger", "ledger.db"]) == 2
    assert capsys.readouterr().err == (
        "routecheck: error: ledger ledger.db: schema version 3 is newer than this routecheck's (2); "
        "upgrade routecheck\n"
    )


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert [percentile(values, p) for p in (5, 50, 95, 100)] == [1.0, 10.0, 19.0, 20.0]
    assert percentile([], 50) is None


def test_a_version_1_ledger_is_read_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from routecheck.runtime.ledger_schema import MIGRATIONS

    shutil.copytree(FIXTURE, tmp_path / "policies")
    monkeypatch.chdir(tmp_path)
    with sqlite3.connect(tmp_path / "old.db") as db:  # written by a routecheck of schema version 1
        for statement in MIGRATIONS[0]("sqlite"):
            db.execute(statement)
        db.executemany("INSERT INTO calls (ts, task, requested_tier, tier, model, upgrade, input_tokens, output_tokens,"
                       " cost_usd, latency_ms, validation, status, error_type, purpose) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [astuple(r)[:14] for r in known_rows()])
        db.execute("PRAGMA user_version = 1")
    before = (tmp_path / "old.db").read_bytes()
    assert main(["report", "--ledger", "old.db", "--since", "7d", "--until", "2026-11-24T00:00:00Z"]) == 1
    assert capsys.readouterr().out == TEXT.replace("ledger.db", "old.db")
    assert main(["report", "--ledger", "old.db", "--until", "2026-11-24T00:00:00Z", "--by", "instance"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[3:5] == [
        "instance      calls  failed  policy   tier mix               upgrades                                  "
        "                  cost",
        "(unrecorded)    161       1  unknown  haiku 88%, sonnet 12%  9.3% (validation_failed 12, overloaded 2, "
        "unknown_task 1)  $0.19",
    ]
    assert out[6:] == ["stands out:", "  (unrecorded): policy unknown is not the policy file's (161 calls)"]
    assert (tmp_path / "old.db").read_bytes() == before  # read, not migrated


def test_revert_advice_in_paired_terms(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The gate is paired: the evidence says the reference missed 9 of 150 (6.0%) and the candidate may be
    # at most max_regression 5 points worse, so the ceiling is 11.0%. Live: 12 of 40 failed (Wilson lower
    # bound 18.1%), above it: REVERT, saying which figure crossed which bound.
    policy = project / "policies" / "routing.toml"
    text = policy.read_text(encoding="utf-8")
    assert "[gate]\n" not in text
    policy.write_text(text.replace("\n[tasks.", "\n[gate]\nmax_regression = 0.05\n\n[tasks.", 1), encoding="utf-8")
    evidence = project / "policies" / "evidence" / "classify_intent.toml"
    evidence.write_text(evidence.read_text(encoding="utf-8").replace("samples_sha256", (
        "paired_samples = 150\nreference_errors = 9\ncandidate_only_errors = 3\nreference_only_errors = 6\n"
        "regression = -0.02\nregression_upper_95 = 0.0296\nmcnemar_p = 0.5078\nsamples_sha256")), encoding="utf-8")
    assert main(["report", "--ledger", "ledger.db", "--until", "2026-11-24T00:00:00Z"]) == 1
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if "classify_intent:" in line] == [
        "  REVERT classify_intent: live validation failures 30.0% (lower 95% bound 18.1%) are clearly above the "
        "reference's error rate in the evidence 6.0% plus max_regression 5.0% = 11.0% (evidence/classify_intent.toml)"]


def corrupt(ledger: Path) -> None:
    """Three rows SQLite took but report cannot count: a BLOB task, a text cost, a time that is not a number."""
    columns = ("ts, task, requested_tier, tier, model, upgrade, input_tokens, output_tokens, cost_usd, latency_ms, "
               "validation, status, error_type, purpose, instance, policy_sha256")
    with sqlite3.connect(ledger) as connection:
        for n, (column, value) in enumerate([("task", b"\x00\xff"), ("cost_usd", "lots"), ("ts", "yesterday")]):
            chosen = columns.replace(column, "?", 1) if column != "ts" else "?" + columns[2:]
            connection.execute(f"INSERT INTO calls ({columns}, row_id) SELECT {chosen}, ? FROM calls "
                               "WHERE task = 'draft_email' LIMIT 1", (value, f"corrupt-{n}"))
        [(rows,)] = connection.execute("SELECT COUNT(*) FROM calls WHERE row_id LIKE 'corrupt-%'").fetchall()
    assert rows == 3


SKIPPED = ("note: 3 ledger rows were skipped: a value of the wrong type or out of range (a cost below 0 or of "
           "10,000 USD or more)\n")


def test_corrupted_rows_are_skipped_and_counted(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corrupt(project / "ledger.db")
    code = main(["report", "--ledger", "ledger.db", "--since", "7d", "--until", "2026-11-24T00:00:00Z"])
    before, after = TEXT.split("\nrevert advised:")
    assert (code, capsys.readouterr().out) == (1, f"{before}\n{SKIPPED}\nrevert advised:{after}")


def test_corrupted_rows_in_json_and_markdown(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corrupt(project / "ledger.db")
    main(["report", "--ledger", "ledger.db", "--until", "2026-11-24T00:00:00Z", "--format", "json"])
    assert json.loads(capsys.readouterr().out)["skipped_rows"] == 3
    main(["report", "--ledger", "ledger.db", "--until", "2026-11-24T00:00:00Z", "--format", "markdown"])
    assert capsys.readouterr().out == f"{MARKDOWN}\n{SKIPPED}"


def test_corrupted_rows_by_instance(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["report", "--ledger", "ledger.db", "--until", "2026-11-24T00:00:00Z", "--by", "instance"])
    sound = capsys.readouterr().out
    corrupt(project / "ledger.db")
    assert main(["report", "--ledger", "ledger.db", "--until", "2026-11-24T00:00:00Z", "--by", "instance"]) == 0
    assert capsys.readouterr().out == sound
