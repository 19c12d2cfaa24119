"""routecheck init: a starting policy from the code as it is, the config table, and the hook to add."""

from __future__ import annotations

import argparse
from pathlib import Path

from routecheck.cli.common import add_policy_option

HELP = "write a starting policy from the models the code uses today (changes no behaviour; never overwrites)"

BASELINE = ".routecheck-baseline.json"
#: What `init` asks the user to add: the installed routecheck as a local hook (`language: system`), so it
#: works as printed, with the baseline that accepts what the code has today.
PRE_COMMIT_CONFIG = f"""\
repos:
  - repo: local
    hooks:
      - id: routecheck
        name: routecheck
        entry: routecheck check --baseline {BASELINE}
        language: system
        files: '\\.(py|ipynb|ya?ml|json|toml|ini|cfg|env)$|(^|/)\\.env(\\.[^/]*)?$'
        require_serial: true
"""


def configure(parser: argparse.ArgumentParser) -> None:
    add_policy_option(parser)
    parser.add_argument("--force", action="store_true", help="replace an existing policy file")


def run(args: argparse.Namespace) -> int:
    from routecheck.adopt import init_project

    result = init_project(Path.cwd(), args.policy, force=args.force, today=args.today)
    draft = result.draft
    print(f"wrote {result.policy}: {len(draft.tiers)} tier{'s' * (len(draft.tiers) != 1)} "
          f"({', '.join(draft.tiers)}), {len(draft.tasks)} task{'s' * (len(draft.tasks) != 1)}, each on the "
          "model the code uses today; check the lines marked `# review:`")
    if result.pyproject is not None:
        print(result.pyproject)
    for item in draft.left_out:
        print(f"left out: {item}")
    print(f"""
next:
  routecheck generate                      # write the typed client ({result.client})
  routecheck check --fix                   # route the calls whose task is known through it
  routecheck check --write-baseline {BASELINE}   # accept what remains; only new findings fail

then add to .pre-commit-config.yaml (routecheck must be installed where `git commit` runs):

{PRE_COMMIT_CONFIG}""", end="")
    return 0
