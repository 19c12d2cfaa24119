"""Hostile values and files (issue 11): each is a located error and exit 2, never a crash or a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import ONE_TIER_POLICY as POLICY
from support import ONE_TIER_WHERE as WHERE
from support import Run, RunCli, WritePolicy

# -- item 6: policy values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", "version: expected an integer, got boolean true"),
        ("1.0", "version: expected an integer, got float 1.0"),
    ],
)
def test_version_is_a_strict_integer(write_policy: WritePolicy, run_cli: RunCli, value: str, expected: str) -> None:
    write_policy(POLICY.replace("version = 1", f"version = {value}"), WHERE)
    assert run_cli("lint") == Run(2, "", f"{WHERE}:1:1: {expected}\n")


@pytest.mark.parametrize("command", [("lint",), ("cost",), ("check",), ("diff", WHERE, WHERE)])
def test_a_price_past_the_money_bound_is_a_located_load_error(
    write_policy: WritePolicy, run_cli: RunCli, command: tuple[str, ...]
) -> None:
    write_policy(POLICY.replace("input_usd_per_mtok = 3.00", "input_usd_per_mtok = 1e31"), WHERE)
    assert run_cli(*command) == Run(
        2, "", f"{WHERE}:7:1: tiers.sonnet.input_usd_per_mtok: 1e+31 is out of range (expected a value <= 1000000)\n"
    )


def test_volumes_are_bounded_so_money_always_prints(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy(POLICY.replace("calls_per_day = 100", "calls_per_day = 10000000000"), WHERE)
    assert run_cli("cost") == Run(
        2, "", f"{WHERE}:15:1: tasks.t.calls_per_day: 10000000000 is out of range (expected a value <= 1000000000)\n"
    )


def test_the_largest_prices_and_volumes_the_loader_takes_print_in_cost_and_diff(
    write_policy: WritePolicy, run_cli: RunCli
) -> None:
    write_policy(POLICY, "old.toml")
    big = POLICY.replace("3.00", "1000000").replace("15.00", "1000000")
    for key in ("calls_per_day", "input_tokens", "output_tokens"):
        big = big.replace(f"{key} = 100", f"{key} = 1000000000")
    write_policy(big, WHERE)
    cost = run_cli("cost")
    assert (cost.code, cost.err) == (0, "")
    assert "t     sonnet  claude-sonnet-4-6  1,000,000,000  1,000,000,000  1,000,000,000  " \
        "$60,000,000,000,000,000,000.00" in cost.out
    diff = run_cli("diff", "old.toml", WHERE)
    assert (diff.code, diff.err, diff.out.splitlines()[1]) == (
        0, "", "Monthly cost: $5.40 → $60,000,000,000,000,000,000.00 (+$59,999,999,999,999,999,994.60, "
        "+1111111111111111111011.1%)"
    )


def test_toml_nested_past_the_parser_is_located_at_its_key(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy(POLICY + 'owner = "[[[["\nx = {a = ' + "[" * 3000 + "]" * 3000 + "}\n", WHERE)
    assert run_cli("lint") == Run(
        2, "", f"{WHERE}:19:5: tasks.t.x: invalid TOML: arrays and inline tables nested too deeply "
        "(expected at most 100 levels)\n"
    )


def test_toml_nested_deeper_than_the_locator_but_not_the_parser(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy(POLICY + "x = " + "[" * 400 + "]" * 400 + "\n", WHERE)
    assert run_cli("lint") == Run(
        2, "", f"{WHERE}:18:5: tasks.t.x: invalid TOML: arrays and inline tables nested too deeply "
        "(expected at most 100 levels)\n"
    )


def test_an_integer_over_4300_digits_is_located(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy(POLICY + 'owner = "' + "1" * 5000 + '"\nx = [1, ' + "9" * 4301 + "]\n", WHERE)
    assert run_cli("lint") == Run(
        2, "", f"{WHERE}:19:9: tasks.t.x[1]: invalid TOML: integer with more than 4300 digits\n"
    )


def test_a_missing_policy_named_by_pyproject_points_at_its_key(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy('[project]\nname = "app"\n\n[tool.routecheck]\npolicy = "config/nope.toml"\n', "pyproject.toml")
    assert run_cli("lint") == Run(
        2, "", "pyproject.toml:5:1: tool.routecheck.policy: policy file 'config/nope.toml' not found\n"
    )


def test_a_missing_policy_given_by_the_option_stays_a_plain_error(write_policy: WritePolicy,
                                                                  run_cli: RunCli) -> None:
    write_policy('[tool.routecheck]\npolicy = "config/nope.toml"\n', "pyproject.toml")
    assert run_cli("lint", "--policy", "other.toml") == Run(2, "", "other.toml: policy file not found\n")


@pytest.mark.parametrize("command", ["check", "generate"])
def test_a_directory_named_as_client_points_at_its_key(
    write_policy: WritePolicy, run_cli: RunCli, tmp_path: Path, command: str
) -> None:
    write_policy('[tool.routecheck]\npolicy = "policies/routing.toml"\nclient = "src"\n', "pyproject.toml")
    write_policy(POLICY, WHERE)
    (tmp_path / "src").mkdir()
    assert run_cli(command) == Run(
        2, "", "pyproject.toml:3:1: tool.routecheck.client: client file 'src' is a directory, not a file\n"
    )


def test_a_directory_given_as_out_is_an_error(write_policy: WritePolicy, run_cli: RunCli, tmp_path: Path) -> None:
    write_policy(POLICY, WHERE)
    (tmp_path / "src").mkdir()
    assert run_cli("generate", "--out", "src") == Run(
        2, "", "routecheck: error: src: client file is a directory, not a file\n"
    )


# -- item 1: files that are not regular files ---------------------------------------------------------
# The real CLI in a subprocess with a timeout: a read that blocks or never ends fails the test, not the suite.
# Each starts an interpreter, so they are `slow`.


def routecheck(folder: Path, *argv: str) -> Run:
    done = subprocess.run([sys.executable, "-m", "routecheck", *argv], cwd=folder, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"}, check=False)
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


NOT_REGULAR = "is not a regular file (a device, FIFO or socket)"
LEAVES_POLICY = "the path leaves the project folder (expected a path inside it; pass --policy FILE to use another)"
LEAVES_CLIENT = "the path leaves the project folder (expected a path inside it; pass --out FILE to use another)"


@pytest.mark.slow
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "fifo"])
def test_a_policy_that_is_not_a_regular_file(tmp_path: Path, fifo: Path, device: str) -> None:
    assert routecheck(tmp_path, "lint", "--policy", device) == Run(2, "", f"{device}: policy file {NOT_REGULAR}\n")


@pytest.mark.slow
# (a device named in pyproject.toml or as evidence is outside the project: item 2 refuses it unopened)
@pytest.mark.parametrize(("device", "problem"), [
    ("/dev/zero", LEAVES_POLICY), ("fifo", f"policy file 'fifo' {NOT_REGULAR}")])
def test_a_pyproject_policy_that_is_not_a_regular_file(write_policy: WritePolicy, tmp_path: Path, fifo: Path,
                                                       device: str, problem: str) -> None:
    write_policy(f'[tool.routecheck]\npolicy = "{device}"\n', "pyproject.toml")
    assert routecheck(tmp_path, "check") == Run(2, "", f"pyproject.toml:2:1: tool.routecheck.policy: {problem}\n")


@pytest.mark.slow
@pytest.mark.parametrize(("device", "problem"), [
    ("/dev/urandom", "is outside the policy's folder (expected a path below the folder of the policy file)"),
    ("../fifo", "is outside the policy's folder (expected a path below the folder of the policy file)"),
    ("fifo", NOT_REGULAR)])
def test_evidence_that_is_not_a_regular_file(write_policy: WritePolicy, tmp_path: Path, fifo: Path,
                                             device: str, problem: str) -> None:
    write_policy(POLICY + f'evidence = "{device}"\n', WHERE)
    os.mkfifo(tmp_path / "policies" / "fifo")
    assert routecheck(tmp_path, "lint") == Run(
        2, "", f"{WHERE}:18:1: tasks.t.evidence: evidence file '{device}' {problem}\n"
    )


@pytest.mark.slow
@pytest.mark.parametrize("command", [("check",), ("generate",), ("generate", "--check")])
@pytest.mark.parametrize(("device", "problem"), [
    ("/dev/zero", LEAVES_CLIENT), ("fifo", f"client file 'fifo' {NOT_REGULAR}")])
def test_a_client_that_is_not_a_regular_file(write_policy: WritePolicy, tmp_path: Path, fifo: Path, device: str,
                                             problem: str, command: tuple[str, ...]) -> None:
    write_policy(f'[tool.routecheck]\nclient = "{device}"\n', "pyproject.toml")
    write_policy(POLICY, WHERE)
    assert routecheck(tmp_path, *command) == Run(2, "", f"pyproject.toml:2:1: tool.routecheck.client: {problem}\n")
    assert fifo.is_fifo()  # never replaced by the generated client


@pytest.mark.slow
def test_a_fifo_given_as_out_is_refused_not_replaced(write_policy: WritePolicy, tmp_path: Path, fifo: Path) -> None:
    write_policy(POLICY, WHERE)
    assert routecheck(tmp_path, "generate", "--out", "fifo") == Run(
        2, "", f"routecheck: error: fifo: client file {NOT_REGULAR}\n"
    )
    assert fifo.is_fifo()


@pytest.mark.slow
def test_a_policy_over_the_size_bound(write_policy: WritePolicy, tmp_path: Path) -> None:
    write_policy(POLICY + "#" * (16 * 1024 * 1024) + "\n", WHERE)
    assert routecheck(tmp_path, "lint") == Run(2, "", f"{WHERE}: policy file is larger than 16 MiB\n")
