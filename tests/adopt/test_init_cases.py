"""`routecheck init` on the shapes a legacy tree mixes (tests/fixtures/adopt/mixed): two versions of a
family, an alias beside its dated id, an environment default, another vendor's model, calls it cannot
name. Exact policy text (tests/fixtures/adopt/expected/mixed.toml), exact notes, exact lint."""

from __future__ import annotations

import shutil
from pathlib import Path

from routecheck.cost.source import SOURCE
from support import FIXTURES, RunCli

LEFT_OUT = """\
left out: model gpt-4o: not a Claude haiku, sonnet or opus model (the generated client routes those)
left out: openai.OpenAI().chat.completions.create() (jobs.py:27): its model is not a Claude model id written in \
this module
left out: client.messages.create() (jobs.py:31): its model is not a Claude model id written in this module
left out: client.messages.create() (jobs.py:34): outside a function, nothing names its task
"""
RC108 = ("policies/routing.toml:{}:1: RC108 [error] task '{}' runs on '{}' below default_tier 'opus' without "
         "evidence (run `routecheck eval {} --samples FILE --write`)")


def test_init_makes_a_tier_per_family_version_and_says_what_it_left_out(tmp_path: Path, run_cli: RunCli) -> None:
    shutil.copy(FIXTURES / "adopt" / "mixed" / "jobs.py", tmp_path / "jobs.py")
    done = run_cli("init", cwd=tmp_path)
    assert (done.code, done.err) == (0, "")
    assert done.out.startswith("wrote policies/routing.toml: 3 tiers (haiku_3_5, haiku, opus), 4 tasks, each on the "
                               "model the code uses today; check the lines marked `# review:`\n"
                               "wrote pyproject.toml with [tool.routecheck]\n" + LEFT_OUT + "\nnext:\n")
    expected = (FIXTURES / "adopt" / "expected" / "mixed.toml").read_text()
    assert (tmp_path / "policies" / "routing.toml").read_text() == expected.replace("genai-prices 0.2.3", SOURCE)
    linted = run_cli("lint", cwd=tmp_path)
    assert (linted.code, linted.out.splitlines()) == (1, [
        RC108.format(33, "summarize", "haiku", "summarize"),
        RC108.format(41, "summarize_again", "haiku", "summarize_again"),
        RC108.format(49, "tag_ticket", "haiku_3_5", "tag_ticket"),
        RC108.format(57, "write_code", "haiku", "write_code"),
        "Found 4 errors, 0 warnings, 0 infos in 1 file.",
    ])


def test_call_ai_tasks_resolve_as_the_scanner_resolves_them(tmp_path: Path, run_cli: RunCli) -> None:
    """A module constant and an Enum member's value name the task (the scanner's RC203 resolution); a task no
    registry knows is left out, with why."""
    shutil.copy(FIXTURES / "adopt" / "resolved" / "app.py", tmp_path / "app.py")
    done = run_cli("init", cwd=tmp_path)
    assert done.out.splitlines()[:3] == [
        "wrote policies/routing.toml: 1 tier (haiku), 2 tasks, each on the model the code uses today; check the "
        "lines marked `# review:`",
        "wrote pyproject.toml with [tool.routecheck]",
        "left out: call_ai() (app.py:28): task 'unknown_task', but no registry in the scanned code says its model",
    ]
    policy = (tmp_path / "policies" / "routing.toml").read_text()
    assert policy.split("\n\n")[2:] == [
        '[tasks.classify_intent]\n'
        '# registry REGISTRY (app.py:5)\n'
        '# call_ai() (app.py:20)\n'
        'tier = "haiku"\n'
        'kind = "classification"     # review: guessed from the name\n'
        'output = "label"            # review: guessed from the kind\n'
        'stakes = "high"             # review: kept at or above default_tier (RC102); low if an error does no harm\n'
        'max_tokens = 64             # what the code sends',
        '[tasks.extract_entities]\n'
        '# registry REGISTRY (app.py:5)\n'
        '# call_ai() (app.py:24)\n'
        'tier = "haiku"\n'
        'kind = "extraction"         # review: guessed from the name\n'
        'output = "json"             # review: guessed from the kind\n'
        'stakes = "high"             # review: kept at or above default_tier (RC102); low if an error does no harm\n'
        'max_tokens = 64             # what the code sends\n',
    ]
    linted = run_cli("lint", cwd=tmp_path)
    assert (linted.code, linted.out) == (0, "All checks passed (1 file).\n")
