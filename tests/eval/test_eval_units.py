"""The pieces of eval with exact known answers: the Wilson interval, label normalisation, verdict parsing."""

from __future__ import annotations

import pytest

from routecheck.evaluate.graders import GraderSpec, answer_key, expected_key, normalise_label, parse_verdict
from routecheck.evaluate.stats import mcnemar_exact, paired_difference, wilson


@pytest.mark.parametrize(
    ("errors", "n", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of
        # seven methods", Statistics in Medicine 17:857-872, Table I, method 3 (score, no continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_published_values(errors: int, n: int, low: float, high: float) -> None:
    interval = wilson(errors, n)
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)


def test_wilson_edges() -> None:
    assert (wilson(0, 0).low, wilson(0, 0).high) == (0.0, 1.0)
    assert wilson(0, 100).low == 0.0
    assert wilson(100, 100).high == 1.0
    assert round(wilson(0, 100).high, 4) == 0.037  # the "rule of three" neighbourhood: 3/100 ~ 0.03
    with pytest.raises(ValueError, match="need 0 <= successes <= trials, got 5 of 4"):
        wilson(5, 4)


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        ("billing", "billing"),
        ("  Billing.\n", "billing"),
        ('"REFUND"', "refund"),
        ("`technical`", "technical"),
        ("\u201caccount\u201d", "account"),
        ("```\nbilling\n```", "billing"),
        ("account  closure", "account closure"),
        ("billing issue", "billing issue"),  # more words are another label, not a match
    ],
)
def test_label_normalisation(answer: str, label: str) -> None:
    assert normalise_label(answer) == label


def test_json_keys_ignore_order_format_and_case_but_not_values() -> None:
    a = answer_key('{"b": 1.0, "a": "X Corp"}', "json")
    assert a == answer_key('```json\n{"a": "x corp", "b": 1}\n```', "json") == '{"a":"x corp","b":1}'
    assert a != answer_key('{"a": "X Corp", "b": 2}', "json")
    assert answer_key('{"a": ', "json") is None
    assert expected_key({"b": 1, "a": "X Corp"}, "json") == expected_key('{"a": "X Corp", "b": 1}', "json") == a


@pytest.mark.parametrize(
    ("blocks", "verdict"),
    [
        ([{"type": "tool_use", "name": "record_verdict", "input": {"verdict": "pass"}, "id": "t1"}], True),
        ([{"type": "text", "text": "Here it is."},
          {"type": "tool_use", "name": "record_verdict", "input": {"verdict": "fail"}, "id": "t1"}], False),
        ([{"type": "text", "text": '{"verdict": "PASS"}'}], True),
        ([{"type": "text", "text": '```json\n{"verdict": "fail"}\n```'}], False),
        ([{"type": "text", "text": "I think it passes."}], None),
        ([{"type": "tool_use", "name": "record_verdict", "input": {"verdict": "maybe"}, "id": "t1"}], None),
        ([], None),
    ],
)
def test_verdict_is_read_from_the_forced_tool_call_or_a_json_object(
    blocks: list[dict[str, object]], verdict: bool | None
) -> None:
    assert parse_verdict(blocks) is verdict


@pytest.mark.parametrize(
    ("text", "kind", "tier"),
    [
        ("expected", "expected", None),
        ("agreement", "agreement", None),
        ("llm", "llm", None),
        ("llm:opus", "llm", "opus"),
    ],
)
def test_grader_spec(text: str, kind: str, tier: str | None) -> None:
    spec = GraderSpec.parse(text)
    assert (spec.kind, spec.tier) == (kind, tier)


@pytest.mark.parametrize("text", ["llm:", "expected:sonnet", "judge"])
def test_bad_grader_spec(text: str) -> None:
    with pytest.raises(ValueError, match="unknown grader"):
        GraderSpec.parse(text)


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_otherwise() -> None:
    import io

    from routecheck.evaluate.runner import Progress

    tty = io.StringIO()
    bar = Progress(4, tty, tty=True)
    for _ in range(4):
        bar.advance()
    assert tty.getvalue() == (
        "\r[#######.......................] 1/4 calls"
        "\r[###############...............] 2/4 calls"
        "\r[######################........] 3/4 calls"
        "\r[##############################] 4/4 calls\n"
    )
    plain = io.StringIO()
    lines = Progress(20, plain, tty=False)
    for _ in range(20):
        lines.advance()
    shown = (1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20)
    assert plain.getvalue().splitlines() == [f"eval: {n}/20 calls done" for n in shown]


# -- the paired difference and McNemar's exact test ----------------------------------------------------


def test_newcombe_paired_interval_matches_the_published_example() -> None:
    # Cavo et al. (2012), complete response before and after consolidation therapy, table (59, 6, 16, 80):
    # Fagerland, Lydersen & Laake, "Statistical Analysis of Contingency Tables" (CRC 2017), chapter 8,
    # Newcombe square-and-add interval: estimate -0.0621, 95% CI -0.1186 to -0.0046; McNemar exact
    # conditional test P = 0.052479 (the figures the book's R package contingencytables checks in
    # tests/testthat/test-ch8.R).
    d = paired_difference(59, 6, 16, 80)
    assert (round(d.estimate, 4), round(d.low, 4), round(d.high, 4), round(d.p_value, 6)) == (
        -0.0621, -0.1186, -0.0046, 0.052479)


@pytest.mark.parametrize(
    ("b", "c", "p"),
    [
        # By hand: p = 2 * P(X <= min(b, c)), X ~ Bin(b + c, 1/2).
        (1, 7, 18 / 256),  # 2 * (C(8,0) + C(8,1)) / 2^8 = 2 * 9 / 256 (Bentur et al. 2009's discordant pairs)
        (2, 0, 0.5),  # 2 * C(2,0) / 2^2
        (0, 5, 0.0625),  # 2 / 2^5
        (3, 3, 1.0),  # 2 * 42 / 64 > 1, capped
        (0, 0, 1.0),  # no discordant pair: nothing against "the tiers err equally often"
    ],
)
def test_mcnemar_exact_by_hand(b: int, c: int, p: float) -> None:
    assert mcnemar_exact(b, c) == p


def test_paired_interval_edges_by_hand() -> None:
    # Neither tier errs: phi = 0 (a margin is empty), so the bounds are -/+ the Wilson upper bound of 0/100.
    none = paired_difference(0, 0, 0, 100)
    assert (none.low, none.high) == (-wilson(0, 100).high, wilson(0, 100).high)
    assert round(none.high, 4) == 0.037
    # A reference without errors adds no width: the upper bound is the candidate's own Wilson bound.
    assert paired_difference(0, 1, 0, 39).high == pytest.approx(wilson(1, 40).high, abs=1e-15)
    # No samples: the whole range; negative counts are refused.
    assert (paired_difference(0, 0, 0, 0).low, paired_difference(0, 0, 0, 0).high) == (-1.0, 1.0)
    with pytest.raises(ValueError, match=r"need counts >= 0, got \(0, -1, 0, 0\)"):
        paired_difference(0, -1, 0, 0)


def test_the_example_tables() -> None:
    # The 100-sample example (examples/eval-paired): labels wrong on 6 (both err), one each alone.
    # phi = (6*92 - 1*1 - 100/2) / sqrt(7*93*7*93) = 501/651; Wilson(7, 100) = (0.0343, 0.1375);
    # upper = sqrt(0.0357^2 + 0.0675^2 - 2 * 0.7696 * 0.0357 * 0.0675) = 0.0461.
    d = paired_difference(6, 1, 1, 92)
    assert (d.estimate, round(d.low, 4), round(d.high, 4), d.p_value) == (0.0, -0.0461, 0.0461, 1.0)
