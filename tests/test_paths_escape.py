"""Paths that leave the project (issue 11, item 2): refused at their key, never read, never written, never echoed.

The project is `proj/` inside the test's folder; what lies beside it is "outside".
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support import ONE_TIER_POLICY as POLICY
from support import ONE_TIER_WHERE as WHERE
from support import Run, RunCli, WritePolicy

SECRET = "sk-ant-api03-OUTSIDE-SECRET"
OUTSIDE_EVIDENCE = "is outside the policy's folder (expected a path below the folder of the policy file)"


@pytest.fixture
def proj(tmp_path: Path, write_policy: WritePolicy) -> Path:
    # a foreign file that parses as TOML and as evidence would quote its values: it must never be read
    (tmp_path / ".env").write_text(f'task = "{SECRET}"\nsamples = "{SECRET}"\n')
    write_policy(POLICY, f"proj/{WHERE}")
    return tmp_path / "proj"


@pytest.mark.parametrize("ref", ["../../.env", "/etc/passwd", "/proc/self/environ", "evidence/../../../.env"])
def test_evidence_outside_the_policys_folder_is_refused_unread(
    proj: Path, write_policy: WritePolicy, run_cli: RunCli, ref: str
) -> None:
    write_policy(POLICY + f'evidence = "{ref}"\n', f"proj/{WHERE}")
    result = run_cli("lint", cwd=proj)
    assert result == Run(2, "", f"{WHERE}:18:1: tasks.t.evidence: evidence file '{ref}' {OUTSIDE_EVIDENCE}\n")
    assert SECRET not in result.err


def test_evidence_through_a_symlink_out_of_the_folder_is_refused(
    proj: Path, write_policy: WritePolicy, run_cli: RunCli
) -> None:
    write_policy(POLICY + 'evidence = "evidence/t.toml"\n', f"proj/{WHERE}")
    (proj / "policies" / "evidence").symlink_to(proj.parent)
    (proj.parent / "t.toml").write_text(f'task = "{SECRET}"\n')
    assert run_cli("lint", cwd=proj) == Run(
        2, "", f"{WHERE}:18:1: tasks.t.evidence: evidence file 'evidence/t.toml' {OUTSIDE_EVIDENCE}\n")


def test_evidence_inside_the_policys_folder_still_loads(proj: Path, write_policy: WritePolicy,
                                                       run_cli: RunCli) -> None:
    write_policy(POLICY + 'evidence = "evidence/t.toml"\n', f"proj/{WHERE}")
    write_policy('task = "t"\n', "proj/policies/evidence/t.toml")
    result = run_cli("lint", cwd=proj)
    assert result.err.startswith("policies/evidence/t.toml:1:1: candidate_model: missing required key\n")


LEAVES = "the path leaves the project folder (expected a path inside it; pass {option} to use another)"


@pytest.mark.parametrize("ref", ["../x.py", "/tmp/x.py", "app/../../x.py"])
def test_generate_never_writes_a_pyproject_client_outside_the_project(
    proj: Path, write_policy: WritePolicy, run_cli: RunCli, ref: str
) -> None:
    write_policy(f'[tool.routecheck]\nclient = "{ref}"\n', "proj/pyproject.toml")
    before = sorted(os.listdir(proj.parent))
    for command in (("generate",), ("generate", "--check"), ("check",)):
        assert run_cli(*command, cwd=proj) == Run(
            2, "", f"pyproject.toml:2:1: tool.routecheck.client: {LEAVES.format(option='--out FILE')}\n")
    assert sorted(os.listdir(proj.parent)) == before


def test_a_client_symlinked_out_of_the_project_is_refused(proj: Path, write_policy: WritePolicy,
                                                         run_cli: RunCli) -> None:
    write_policy('[tool.routecheck]\nclient = "app/routes.py"\n', "proj/pyproject.toml")
    (proj / "app").symlink_to(proj.parent)
    assert run_cli("generate", cwd=proj) == Run(
        2, "", f"pyproject.toml:2:1: tool.routecheck.client: {LEAVES.format(option='--out FILE')}\n")
    assert not (proj.parent / "routes.py").exists()


def test_the_command_line_may_name_a_path_outside(proj: Path, write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy('[tool.routecheck]\nclient = "../x.py"\n', "proj/pyproject.toml")
    assert run_cli("generate", "--out", "../routes.py", cwd=proj) == Run(0, "wrote ../routes.py\n", "")
    write_policy(POLICY, "elsewhere.toml")
    assert run_cli("lint", "--policy", "../elsewhere.toml", cwd=proj).code == 0


def test_a_pyproject_policy_outside_the_project_is_refused_unread(
    proj: Path, write_policy: WritePolicy, run_cli: RunCli
) -> None:
    write_policy('[tool.routecheck]\npolicy = "../.env"\n', "proj/pyproject.toml")
    for command in ("lint", "check", "scan", "cost"):
        result = run_cli(command, cwd=proj)
        assert result == Run(
            2, "", f"pyproject.toml:2:1: tool.routecheck.policy: {LEAVES.format(option='--policy FILE')}\n")


def test_pyproject_string_values_are_never_quoted(proj: Path, write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy(f'[tool.routecheck]\ninclude = "{SECRET}"\nmodel-patterns = ["{SECRET}(["]\n'
                 f'[tool.routecheck.per-file-ignores]\n"x" = ["{SECRET}"]\n', "proj/pyproject.toml")
    assert run_cli("lint", cwd=proj) == Run(2, "", (
        "pyproject.toml:2:1: tool.routecheck.include: expected an array, got a string\n"
        "pyproject.toml:3:1: tool.routecheck.model-patterns: not a valid regular expression: unterminated "
        "character set at position 28\n"
        "pyproject.toml:5:8: tool.routecheck.per-file-ignores.x[0]: the value is not a rule code (expected RC and "
        "three digits, such as RC111)\n"
    ))


# -- scan: symbolic links out of the tree -------------------------------------------------------------


def test_scan_follows_no_symlink_out_of_the_tree(proj: Path, run_cli: RunCli) -> None:
    (proj.parent / "outside.py").write_text('M = "claude-opus-4-6"\n')
    (proj.parent / "big").mkdir()
    (proj.parent / "big" / "deep.py").write_text('M = "claude-opus-4-6"\n')
    src = proj / "src"
    src.mkdir()
    (src / "app.py").write_text('X = "claude-haiku-4-5"\n')
    (src / "up").symlink_to("../..")  # the folder above the project: `ln -s .. up` one level further
    (src / "linked.py").symlink_to(proj.parent / "outside.py")
    (src / "environ.env").symlink_to("/proc/self/environ")
    (src / "self").symlink_to(".")  # a loop inside the tree
    (src / "root").symlink_to("..")  # the project root: inside, followed (its src/ is then a loop; no .py)
    assert run_cli("scan", "--select", "RC201", "src", cwd=proj) == Run(1, (
        "src/app.py:1:5: RC201 [error] hardcoded model id 'claude-haiku-4-5'; route the call through a task type "
        "so the policy picks the model\n"
        "src/environ.env:1:1: note: symbolic link to a file outside the project; not followed\n"
        "src/linked.py:1:1: note: symbolic link to a file outside the project; not followed\n"
        "src/root/src:1:1: note: symbolic link loop (folder already scanned); skipped\n"
        "src/self:1:1: note: symbolic link loop (folder already scanned); skipped\n"
        "src/up:1:1: note: symbolic link to a folder outside the project; not followed\n"
        "Found 1 error, 0 warnings, 0 infos in 1 file.\n"
    ), "")
