"""A run killed with SIGKILL mid-way resumes without repeating or losing a call.

The fake server runs in its own process and logs every request it receives to a file before
answering, so the log proves which calls were sent, by which run, even across the kill.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_anthropic import FakeAnthropicProcess, RecordedRequest, read_log

from eval.evalkit import HAIKU, SONNET, label_samples, sample_index
from routecheck.cli import main
from routecheck.evaluate.samples import sample_hash

ROOT = Path(__file__).resolve().parents[2]
N = 40
CONCURRENCY = 2
ROLE_MODEL = {"candidate": HAIKU, "reference": SONNET}


def calls(log: list[RecordedRequest]) -> list[tuple[str, int]]:
    return [(r.model or "", sample_index(r.body)) for r in log
            if r.path == "/v1/messages" and isinstance(r.body, dict)]


def journaled(results: Path, index_of: dict[str, int]) -> list[tuple[str, int]]:
    """The calls the results file holds (a line cut by the kill does not count)."""
    found = []
    for line in results.read_text(encoding="utf-8").splitlines()[1:]:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("ok"):
            found.append((ROLE_MODEL[entry["role"]], index_of[entry["sample"]]))
    return found


@pytest.mark.slow
def test_kill_9_mid_run_then_resume_sends_every_call_once(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = label_samples(project / "samples.jsonl", N)
    index_of = {sample_hash(json.loads(line)): i for i, line in enumerate(samples.read_text().splitlines())}
    log_path = project / "requests.log"
    results = project / ".routecheck_cache" / "eval" / "classify_intent.jsonl"
    args = ["--reply", f"{HAIKU}=billing", "--reply", f"{SONNET}=billing",
            "--delay", f"{HAIKU}=0.02", "--delay", f"{SONNET}=0.02"]
    with FakeAnthropicProcess(log_path=log_path, args=args) as server:
        env = {**os.environ, "ANTHROPIC_BASE_URL": server.url, "ANTHROPIC_API_KEY": "test-key",
               "PYTHONPATH": str(ROOT)}
        env.pop("ROUTECHECK_LEDGER", None)
        command = [sys.executable, "-m", "routecheck", "eval", "classify_intent", "--samples", "samples.jsonl",
                   "--concurrency", str(CONCURRENCY)]
        run = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while len(calls(read_log(log_path))) < 20:
            assert run.poll() is None, run.communicate()
            assert time.monotonic() < deadline, "the run never got going"
            time.sleep(0.01)
        run.send_signal(signal.SIGKILL)
        run.communicate()
        time.sleep(0.2)  # let the server finish logging what reached it before the kill

        first = calls(read_log(log_path))
        recorded = set(journaled(results, index_of))
        # The resumed run, in this process (the killed one was a separate process, as it must be).
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        code = main(command[3:])
        resumed = capsys.readouterr()
        second = calls(read_log(log_path))[len(first):]

    everything = {(model, i) for model in (HAIKU, SONNET) for i in range(N)}
    in_flight = set(first) - recorded
    assert 0 < len(recorded) < 2 * N  # killed mid-way
    assert len(first) == len(set(first))
    assert len(second) == len(set(second))  # the resumed run sends nothing twice
    assert not set(second) & recorded  # and nothing the killed run had recorded
    assert set(first) | set(second) == everything  # and nothing is missing
    assert set(second) == everything - recorded
    # The only calls sent twice are the ones in flight at the kill: their answers never arrived.
    assert set(first) & set(second) == in_flight
    assert len(in_flight) <= CONCURRENCY

    final = journaled(results, index_of)
    assert sorted(final) == sorted(everything)  # each call recorded exactly once
    assert code == 1, resumed.err
    assert "candidate errors: 30 of 40 graded = 75.0% (Wilson 95% interval 59.8% to 85.8%)\n" in resumed.out
    assert resumed.err.startswith(f"eval: {2 * N - len(recorded)} calls to send, {len(recorded)} already recorded")


@pytest.mark.parametrize("cut", [b'{"role": "candidate", "sam', b""])
def test_a_line_cut_by_a_kill_is_dropped_and_the_file_stays_appendable(project: Path, cut: bytes) -> None:
    from routecheck.evaluate.journal import CallResult, Journal

    path = project / "results.jsonl"
    run = {"task": "t"}
    with Journal(path, run) as journal:
        journal.record(CallResult("candidate", "a" * 64, HAIKU, True, 10, 2, answer="b" * 64, correct=True))
    with open(path, "ab") as file:
        file.write(cut)
    with Journal(path, run) as journal:
        assert list(journal.results) == [("candidate", "a" * 64, 0)]
        journal.record(CallResult("reference", "a" * 64, SONNET, True, 10, 2, answer="b" * 64, correct=True))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line).get("role") for line in lines] == [None, "candidate", "reference"]
