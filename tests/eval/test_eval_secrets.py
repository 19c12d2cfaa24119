"""What eval keeps at rest and where it prints answers: keyed answer hashes, disagreements on a terminal only."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pty
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fake_anthropic import FakeAnthropic, FakeAnthropicProcess

from eval.evalkit import HAIKU, INTENTS, SONNET, label_samples, labeller
from routecheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(".routecheck_cache") / "eval" / "classify_intent.jsonl"


def test_answer_hashes_are_keyed_per_results_file_with_a_0600_key_beside_it(
    project: Path, server: FakeAnthropic
) -> None:
    label_samples(project / "samples.jsonl", 8)
    server.default_reply(HAIKU, labeller({3}))
    server.default_reply(SONNET, labeller(set()))
    main(["eval", "classify_intent", "--samples", "samples.jsonl"])

    key_file = project / ".routecheck_cache" / "eval" / "classify_intent.jsonl.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = bytes.fromhex(key_file.read_text(encoding="ascii"))
    answers = {json.loads(line)["answer"] for line in (project / RESULTS).read_text().splitlines()[1:]}
    # a plain sha256 of a label is guessed from the few labels there are: none of them is stored
    assert not answers & {hashlib.sha256(label.encode()).hexdigest() for label in INTENTS}
    assert answers == {hmac.new(key, label.encode(), hashlib.sha256).hexdigest() for label in INTENTS}

    # --fresh starts over with a new key; another results file has its own
    main(["eval", "classify_intent", "--samples", "samples.jsonl", "--fresh"])
    assert bytes.fromhex(key_file.read_text(encoding="ascii")) != key
    main(["eval", "classify_intent", "--samples", "samples.jsonl", "--results", "other.jsonl"])
    assert (project / "other.jsonl.key").read_text() != key_file.read_text()


def test_results_without_their_key_are_refused_with_the_advice_that_works(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    label_samples(project / "samples.jsonl", 4)
    server.default_reply(HAIKU, labeller(set()))
    server.default_reply(SONNET, labeller(set()))
    argv = ["eval", "classify_intent", "--samples", "samples.jsonl"]
    main(argv)
    (project / ".routecheck_cache" / "eval" / "classify_intent.jsonl.key").unlink()
    capsys.readouterr()
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "routecheck: error: .routecheck_cache/eval/classify_intent.jsonl.key: the key of "
        ".routecheck_cache/eval/classify_intent.jsonl is missing or damaged, so its answers cannot be compared; "
        "use --fresh to start over\n"
    )
    assert main([*argv, "--fresh"]) == 1  # 4 samples: below the gate's 20


def _run(project: Path, url: str, *, tty: bool) -> str:
    env = {**os.environ, "ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": "test-key", "PYTHONPATH": str(ROOT)}
    env.pop("ROUTECHECK_LEDGER", None)
    command = [sys.executable, "-m", "routecheck", "eval", "classify_intent", "--samples", "samples.jsonl",
               "--results", f"{tty}.jsonl"]
    if not tty:
        with open(project / "out.txt", "wb") as out:  # a redirected stdout, as in a CI log
            subprocess.run(command, cwd=project, env=env, stdout=out, stderr=subprocess.DEVNULL, timeout=60)
        return (project / "out.txt").read_text(encoding="utf-8")
    leader, follower = pty.openpty()
    with subprocess.Popen(command, cwd=project, env=env, stdout=follower, stderr=subprocess.DEVNULL) as run:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        run.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.slow  # subprocesses, one under a pty
def test_disagreements_are_printed_only_when_stdout_is_a_terminal(project: Path) -> None:
    label_samples(project / "samples.jsonl", 8)
    args = ["--reply", f"{HAIKU}=refund", "--reply", f"{SONNET}=billing"]
    with FakeAnthropicProcess(log_path=project / "requests.log", args=args) as server:
        redirected = _run(project, server.url, tty=False)
        on_terminal = _run(project, server.url, tty=True)

    assert "disagreements: 6 (their text and answers are shown on a terminal only)\n" in redirected
    assert "Ticket" not in redirected and "refund" not in redirected
    assert "disagreements (first 6 of 6):\n" in on_terminal
    assert '  samples.jsonl:1: expected "billing", candidate "refund"\n' in on_terminal
