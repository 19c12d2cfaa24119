"""The llm grader after kill -9 at any point: one plain rerun grades every sample.

The grader needs both answers' text, which routecheck never writes down. A run killed between a
sample's two answers, or between its answers and the verdict, leaves answers whose text is gone;
the next run asks for them again instead of leaving the sample ungraded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_anthropic import FakeAnthropicProcess, read_log

from eval.evalkit import HAIKU, OPUS, SONNET, label_samples
from routecheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
N = 4


def _lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def _run_until_killed(command: list[str], cwd: Path, env: dict[str, str], results: Path, new_lines: int) -> None:
    """Start `command` and kill -9 it once the results file has grown by `new_lines` lines."""
    start = _lines(results)
    run = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while _lines(results) < start + new_lines + (start == 0):  # the first run writes a header line first
        assert run.poll() is None, run.communicate()
        assert time.monotonic() < deadline, "the run never got that far"
        time.sleep(0.005)
    run.send_signal(signal.SIGKILL)
    run.communicate()


# With one call in flight the calls go: reference 0, candidate 0, reference 1, ... then the verdicts.
# 1: between sample 0's two answers; 3: between sample 1's; 2N + 1: after the answers, mid-verdicts.
@pytest.mark.slow  # real processes killed with SIGKILL, then rerun
@pytest.mark.parametrize("kills", [[1], [1, 1, 3], [2 * N + 1], [3, 2 * N + 2]], ids=str)
def test_a_plain_rerun_after_any_kills_grades_every_sample(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kills: list[int]
) -> None:
    label_samples(project / "samples.jsonl", N)
    results = project / ".routecheck_cache" / "eval" / "classify_intent.jsonl"
    # the answers always differ, so every sample needs the grader's verdict
    args = ["--reply", f"{HAIKU}=refund", "--reply", f"{SONNET}=billing", "--reply", f'{OPUS}={{"verdict": "pass"}}',
            *(arg for model in (HAIKU, SONNET, OPUS) for arg in ("--delay", f"{model}=0.05"))]
    argv = ["eval", "classify_intent", "--samples", "samples.jsonl", "--grader", "llm", "--concurrency", "1"]
    with FakeAnthropicProcess(log_path=project / "requests.log", args=args) as server:
        env = {**os.environ, "ANTHROPIC_BASE_URL": server.url, "ANTHROPIC_API_KEY": "test-key",
               "PYTHONPATH": str(ROOT)}
        env.pop("ROUTECHECK_LEDGER", None)
        for new_lines in kills:
            _run_until_killed([sys.executable, "-m", "routecheck", *argv], project, env, results, new_lines)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        code = main(argv)
        out = capsys.readouterr().out
        verdicts = [r for r in read_log(project / "requests.log") if r.model == OPUS]

    assert code == 1, out  # 4 samples: under the gate's 20, whatever they show
    assert "candidate errors: 0 of 4 graded = 0.0% (Wilson 95% interval 0.0% to 49.0%)\n" in out
    assert "infrastructure failures: 0 samples not graded" in out
    assert "not kept" not in out
    assert "gate: FAIL: 4 graded samples, the gate needs at least 20\n" in out
    assert len(verdicts) >= N
