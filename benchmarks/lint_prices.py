"""What RC114 (price-drift) adds to `routecheck lint`: genai-prices' import and first lookup, same run.

Usage: python benchmarks/lint_prices.py [--runs N]

Lints the shipped policy in a fresh interpreter twice per round: with every rule (RC114 imports
genai-prices to compare the typed prices) and with RC114 taken out of the rule list (the baseline,
nothing else different). Prints both medians and their ratio. Not a test: the figures go to
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
LINT = """
import sys
from datetime import date
from pathlib import Path
from routecheck.lint import rules
from routecheck.lint import lint_policy
from routecheck.policy.loader import load_policy
from routecheck.rules import known_codes
if sys.argv[1] == "without":
    rules.POLICY_RULES[:] = [r for r in rules.POLICY_RULES if r.rule.code != "RC114"]
lint_policy(load_policy(Path("policies/routing.toml"), known_codes=known_codes()), today=date(2026, 12, 2))
assert ("genai_prices" in sys.modules) == (sys.argv[1] == "with"), sys.argv[1]
"""


def seconds(variant: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", LINT, variant], cwd=ROOT, env=ENV, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    with_rc114, without = [], []
    for _ in range(runs):  # interleaved, so that load on the machine hits both alike
        with_rc114.append(seconds("with"))
        without.append(seconds("without"))
    a, b = statistics.median(with_rc114), statistics.median(without)
    print(f"lint of the shipped policy, all rules: {a:.3f} s; without RC114 (genai-prices not imported): "
          f"{b:.3f} s; ratio {a / b:.2f}, RC114 adds {a - b:.3f} s")


if __name__ == "__main__":
    main()
