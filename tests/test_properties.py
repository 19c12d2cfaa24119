"""Property tests: any TOML, any text, any mutation of the shipped policy loads or gives located errors, exit 2.

Never a traceback: every outcome is a loaded policy (which then lints) or a ConfigError whose every line
reads `FILE[:LINE:COL]: message`.
"""

from __future__ import annotations

import contextlib
import io
import re
import string
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routecheck.cli import main
from routecheck.errors import ConfigError
from routecheck.lint import lint_policy
from support import REPO, TODAY, load_policy

SHIPPED = (REPO / "policies" / "routing.toml").read_text(encoding="utf-8")
LOCATED = re.compile(r"^[^:]+(:\d+:\d+)?: ")
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)

# The policy's own vocabulary, so that random documents reach deep into validation, plus random names.
KEYS = [
    "version", "default_tier", "unknown_tasks", "tiers", "gate", "tasks", "haiku", "sonnet", "opus", "model",
    "rank", "input_usd_per_mtok", "output_usd_per_mtok", "prices_as_of", "price_source", "batch_discount",
    "max_error_rate", "min_samples", "tier", "kind", "output", "stakes", "multi_step", "categories", "touches",
    "max_tokens", "latency", "calls_per_day", "input_tokens", "output_tokens", "batch", "cache_read_ratio",
    "evidence", "owner", "upgrade", "ignore", "when", "to", "threshold", "count", "class", "1x", "a b", "",
]
WORDS = ["haiku", "sonnet", "opus", "claude-haiku-4-5-20251001", "classification", "label", "json", "low", "high",
         "irreversible", "payment", "auth", "validation_failed", "input_tokens_over", "overloaded", "error",
         "default", "RC111", "RC999", "interactive", "batch", "evidence/x.toml", "..", "/", "\x00", "é"]

keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=8))
scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-3, max_value=300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=-5))])),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=12,
)
documents = st.dictionaries(keys, values, max_size=8)


def tiers_and_tasks() -> st.SearchStrategy[dict[str, Any]]:
    """Documents shaped like a policy, with random values: they get past the first layer of checks."""
    tier = st.fixed_dictionaries(
        {"model": st.sampled_from(["claude-haiku-4-5-20251001", "claude-sonnet-4-6", "x y", "gpt-4o"]),
         "rank": st.integers(min_value=0, max_value=4), "input_usd_per_mtok": st.floats(0, 20),
         "output_usd_per_mtok": st.floats(0, 80)},
        optional={"prices_as_of": st.dates(), "batch_discount": st.sampled_from([0.5, 0, 1.5])},
    )
    upgrade = st.fixed_dictionaries(
        {"when": st.sampled_from(["validation_failed", "input_tokens_over", "overloaded", "never"]),
         "to": st.sampled_from(["haiku", "sonnet", "opus", "gpt"])},
        optional={"threshold": st.integers(0, 9000), "count": st.sampled_from(["estimate", "exact", "x"])},
    )
    task = st.fixed_dictionaries(
        {"tier": st.sampled_from(["haiku", "sonnet", "opus", "nope"]),
         "kind": st.sampled_from(["classification", "extraction", "planning", "codegen", "poetry"]),
         "output": st.sampled_from(["label", "json", "short_text", "long_text", "code"]),
         "stakes": st.sampled_from(["low", "high", "irreversible"])},
        optional={"multi_step": st.booleans(), "categories": st.integers(0, 40),
                  "touches": st.lists(st.sampled_from(["payment", "auth", "deletion", "customer_message", "x"])),
                  "calls_per_day": st.integers(0, 10**6), "input_tokens": st.integers(0, 10**5),
                  "output_tokens": st.integers(0, 10**4), "batch": st.booleans(),
                  "cache_read_ratio": st.floats(0, 1.2), "evidence": st.sampled_from(["ev.toml", "none.toml", "."]),
                  "ignore": st.lists(st.sampled_from(["RC111", "RC108", "RC999", "X"]), max_size=2),
                  "upgrade": st.lists(upgrade, max_size=3)},
    )
    return st.fixed_dictionaries(
        {"version": st.sampled_from([1, 1, 2]), "default_tier": st.sampled_from(["haiku", "sonnet", "opus"]),
         "tiers": st.dictionaries(st.sampled_from(["haiku", "sonnet", "opus", "class"]), tier, min_size=1),
         "tasks": st.dictionaries(st.sampled_from(["a", "b", "c", "match", "1x"]), task, max_size=4)},
        optional={"gate": st.fixed_dictionaries({}, optional={"max_error_rate": st.floats(0, 1.1),
                                                              "min_samples": st.integers(0, 300)})},
    )


EVIDENCE = (
    'task = "a"\ncandidate_model = "claude-haiku-4-5-20251001"\nreference_model = "claude-sonnet-4-6"\n'
    'grader = "expected"\nsamples = 120\nerrors = 3\nerror_rate = 0.025\nerror_rate_upper_95 = 0.07\n'
    f'samples_sha256 = "{"0" * 64}"\ncreated = 2026-11-24T10:00:00Z\n'
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("properties")
    (path / "ev.toml").write_text(EVIDENCE, encoding="utf-8")
    return path


def check_loads_or_located(path: Path, content: bytes) -> None:
    """The loader's contract on `content`: a policy that lints, or only located problems."""
    path.write_bytes(content)
    try:
        source = load_policy(path)
    except ConfigError as exc:
        assert exc.problems, "a ConfigError must hold at least one problem"
        bad = [line for line in str(exc).splitlines() if not LOCATED.match(line)]
        assert bad == []
    else:
        lint_policy(source, today=TODAY)


def check_cli(folder: Path, content: bytes) -> None:
    """The same through `routecheck lint`: exit 0/1 with findings, or exit 2 with located lines only."""
    (folder / "cli.toml").write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["lint", "--policy", "cli.toml", "--format", "json"])
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert (out.getvalue(), [line for line in err.getvalue().splitlines() if not LOCATED.match(line)]) == ("", [])
        assert err.getvalue()
    else:
        assert (code in (0, 1), err.getvalue()) == (True, "")


def dump(document: dict[str, Any]) -> bytes | None:
    try:
        return tomli_w.dumps(document).encode("utf-8")
    except (TypeError, ValueError):  # e.g. keys or strings tomli-w cannot write
        return None


@settings(SETTINGS, max_examples=300)
@given(document=documents)
def test_random_toml_documents(folder: Path, document: dict[str, Any]) -> None:
    content = dump(document)
    if content is not None:
        check_loads_or_located(folder / "random.toml", content)


@settings(SETTINGS, max_examples=400)
@given(document=tiers_and_tasks())
def test_random_policy_shaped_documents(folder: Path, document: dict[str, Any]) -> None:
    content = dump(document)
    if content is not None:
        check_loads_or_located(folder / "shaped.toml", content)


@settings(SETTINGS, max_examples=200)
@given(text=st.one_of(st.text(), st.text(alphabet=string.printable + "[]{}=\"'.#é\x00", max_size=200)),
       data=st.binary(max_size=64))
def test_random_text_and_bytes(folder: Path, text: str, data: bytes) -> None:
    check_loads_or_located(folder / "text.toml", text.encode("utf-8", "surrogatepass"))
    check_loads_or_located(folder / "bytes.toml", data)


# -- mutations of the shipped policy ------------------------------------------------------------------------

REPLACEMENTS = ['"haiku"', '"haku"', "1", "-1", "0", "1.5", "true", '"x"', "[]", "{}", "2026-11-01", "nan", "inf",
                '"claude-sonnet-4-6"', '["RC111"]', '{ when = "overloaded", to = "opus" }', '"""\n"""', "", "="]


@st.composite
def mutated_policy(draw: st.DrawFn) -> bytes:
    lines = SHIPPED.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "value", "type", "insert", "truncate", "header"]))
        line = lines[i]
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], line
        elif op == "value" and "=" in line:
            key = line.split("=", 1)[0]
            lines[i] = f"{key}= {draw(st.sampled_from(REPLACEMENTS))}\n"
        elif op == "type" and "=" in line:
            key, value = line.split("=", 1)
            value = value.split("#", 1)[0].strip()
            swapped = value.strip('"') if value.startswith('"') else f'"{value}"'
            lines[i] = f"{key}= {swapped}\n"
        elif op == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.text(max_size=5)) + line[at:]
        elif op == "truncate":
            lines = lines[:i]
        elif op == "header":
            lines.insert(i, draw(st.sampled_from(["[tasks.new]\n", "[[tasks.classify_intent.upgrade]]\n", "[tiers]\n",
                                                  "[tiers.haiku]\n", "[gate]\n", "[[tasks]]\n", "[tasks.class]\n"])))
    content = "".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(st.binary(max_size=3)) + content[at:]
    return content


@settings(SETTINGS, max_examples=600)
@given(content=mutated_policy())
def test_mutations_of_the_shipped_policy(folder: Path, content: bytes) -> None:
    check_loads_or_located(folder / "mutated.toml", content)


@settings(SETTINGS, max_examples=150)
@given(content=st.one_of(mutated_policy(), st.builds(lambda d: dump(d) or b"", tiers_and_tasks())))
def test_the_cli_never_shows_a_traceback(folder: Path, content: bytes) -> None:
    check_cli(folder, content)


def test_dates_and_times_are_rejected_where_numbers_belong(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    content = dump({"version": date(2026, 1, 1), "default_tier": time(1, 2), "tiers": {"a": datetime(2026, 1, 1)}})
    assert content is not None
    (folder / "dates.toml").write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_policy(Path("dates.toml"))
    assert str(caught.value).splitlines() == [
        "dates.toml:1:1: version: invalid value 2026-01-01 (expected one of: 1)",
        "dates.toml:2:1: default_tier: expected a string, got time 01:02:00",
        "dates.toml:5:1: tiers.a: expected a table, got date-time 2026-01-01 00:00:00",
    ]
