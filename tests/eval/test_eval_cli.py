"""routecheck eval end to end: the real SDK, through the runtime's Router, against the fake API server."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HAIKU, OPUS, SONNET, label_samples, labeller, sample_index
from fake_anthropic import FakeAnthropic

from routecheck.cli import main


def test_expected_grader_counts_errors_and_fails_the_gate(
    project: Path, server: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    label_samples(project / "samples.jsonl", 40)
    server.default_reply(HAIKU, labeller({3, 17, 29}))
    server.default_reply(SONNET, labeller({17}))
    code = main(["eval", "classify_intent", "--samples", "samples.jsonl"])
    out = capsys.readouterr().out
    print(out)
    assert code == 1
