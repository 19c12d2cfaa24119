"""Start-up cost of the CLI: `routecheck --version` and `routecheck lint` vs a bare interpreter, same run.

Usage: python benchmarks/startup.py [--runs N]

Prints the median wall time of each command over N runs and its ratio to `python -c pass`, which is
the floor any Python CLI pays. Not a test: the figures go to benchmarks/README.md.
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
# Measured as installed code runs: with bytecode caching (a machine that sets PYTHONDONTWRITEBYTECODE
# would otherwise recompile every routecheck module on every run, which no installed tool pays).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(command: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=ENV, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    python = sys.executable
    # the console script is what users run; `python -m routecheck` adds runpy's own imports
    script = Path(python).parent / "routecheck"
    cli = [str(script)] if script.exists() else [python, "-m", "routecheck"]
    median_seconds([*cli, "check", "--quiet"], 1)  # writes the bytecode caches once
    floor = median_seconds([python, "-c", "pass"], runs)
    print(f"python -c pass            {floor * 1000:7.1f} ms")
    for label, argv in [
        ("routecheck --version", ["--version"]),
        ("routecheck lint", ["lint", "--quiet"]),
    ]:
        seconds = median_seconds([*cli, *argv], runs)
        print(f"{label:<25} {seconds * 1000:7.1f} ms  ({seconds / floor:.2f}x the bare interpreter)")


if __name__ == "__main__":
    main()
