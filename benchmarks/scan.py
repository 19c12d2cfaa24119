"""Benchmark of `routecheck scan`: cold and warm scans of a large tree against the `grep -rIl` floor.

    python benchmarks/scan.py              # generate a synthetic tree (>= 500,000 lines) and measure it
    python benchmarks/scan.py --dense --lines 300000   # the LLM-dense tree (benchmarks/dense_tree.py)
    python benchmarks/scan.py TREE ...     # measure any tree(s) instead (scanned with policies/routing.toml)
    python benchmarks/scan.py --plant 0.02 TREE   # a copy of TREE with findings planted in 2% of its files
    python benchmarks/scan.py --lines N    # a bigger or smaller synthetic tree

Nothing is downloaded: the synthetic tree is generated locally from a fixed seed, varied realistic
Python (dataclasses, services, async clients, CLI code, tests, docstrings, comments that mention
models) with ~1% of its files holding findings. Every run scans in a fresh interpreter, as a user
would, with this checkout first on PYTHONPATH. Reported: cold scan (no cache), cold scan of the files
with the policy snapshot kept, warm rescan (cache from the previous run), lines/s, the grep floor read
in the same run and the ratio to the target (cold <= 3 x grep + interpreter start), the floors a cold
scan cannot go below (reading the tree in Python, importing libcst and the policy models), a
pre-commit-style `check` of 5 files (interpreter start included) and, when ruff is installed, `ruff
check` with its default rules on the same tree.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from routecheck.scan.discovery import SKIPPED_FOLDERS, file_kind  # noqa: E402  -- this checkout, not an installed copy

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dense_tree  # noqa: E402

# Measured as installed code runs: with bytecode caching (a machine that sets PYTHONDONTWRITEBYTECODE
# would otherwise recompile every routecheck module on every run, which no installed tool pays).
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(ROOT)}
POLICY = """version = 1
default_tier = "sonnet"

[tiers.haiku]
model = "claude-haiku-4-5-20251001"
rank = 1
input_usd_per_mtok = 1.00
output_usd_per_mtok = 5.00

[tiers.sonnet]
model = "claude-sonnet-4-6"
rank = 2
input_usd_per_mtok = 3.00
output_usd_per_mtok = 15.00
"""
TASKS = ("classify_intent", "extract_entities", "draft_email", "review_code")


# -- the synthetic tree ---------------------------------------------------------------------------

WORDS = ("order", "invoice", "customer", "ticket", "report", "session", "payment", "account", "shipment",
         "profile", "catalog", "review", "metric", "event", "queue", "token", "budget", "schedule")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}_{rng.choice(WORDS)}"


def _cls(rng: random.Random) -> str:
    return "".join(w.title() for w in (rng.choice(WORDS), rng.choice(WORDS)))


def _dataclass(rng: random.Random) -> str:
    fields = "\n".join(f"    {_name(rng)}: {rng.choice(['int', 'str', 'float', 'bool'])} = "
                       f"{rng.choice(['0', repr(''), '0.0', 'False'])}" for _ in range(rng.randint(3, 8)))
    return f'''

@dataclass(frozen=True)
class {_cls(rng)}:
    """A {rng.choice(WORDS)} record as the {rng.choice(WORDS)} service stores it."""

{fields}
'''


def _function(rng: random.Random) -> str:
    name, arg = _name(rng), rng.choice(WORDS)
    body = []
    for _ in range(rng.randint(4, 14)):
        kind = rng.randrange(6)
        if kind == 0:
            body.append(f"    for item in {arg}s:\n        if item.{rng.choice(WORDS)} > {rng.randint(1, 99)}:\n"
                        f"            total += item.{rng.choice(WORDS)}")
        elif kind == 1:
            body.append(f'    logger.info("processed %s {rng.choice(WORDS)}s for %s", len({arg}s), {arg}_id)')
        elif kind == 2:
            body.append(f"    lookup = {{k: v for k, v in {arg}s.items() if v is not None}}")
        elif kind == 3:
            body.append(f"    # {rng.choice(WORDS)}s are batched to keep the {rng.choice(WORDS)} queue short")
        elif kind == 4:
            body.append(f'    message = f"{{{arg}_id}}: {rng.choice(WORDS)} {{total:.2f}}"')
        else:
            body.append(f"    try:\n        total = compute_{rng.choice(WORDS)}(total, {rng.randint(2, 9)})\n"
                        f"    except ValueError as exc:\n        raise {_cls(rng)}Error(str(exc)) from exc")
    return (f'\n\ndef {name}({arg}s: dict[str, int], {arg}_id: str) -> float:\n'
            f'    """Sum the {rng.choice(WORDS)} values of {arg}s."""\n    total = 0.0\n    lookup = {{}}\n'
            + "\n".join(body) + "\n    return total\n")


def _service(rng: random.Random) -> str:
    methods = "".join(textwrap.indent(_function(rng).replace("(", "(self, ", 1), "    ")
                      for _ in range(rng.randint(2, 5)))
    return f'\n\nclass {_cls(rng)}Service:\n    """Application service for {rng.choice(WORDS)}s."""\n{methods}'


def _async(rng: random.Random) -> str:
    return f'''

async def fetch_{_name(rng)}(session, url: str, retries: int = {rng.randint(1, 5)}) -> dict[str, object]:
    for attempt in range(retries):
        async with session.get(url, timeout={rng.randint(2, 30)}) as response:
            if response.status == 200:
                return await response.json()
        await asyncio.sleep(2 ** attempt)
    raise TimeoutError(url)
'''


def _model_mention(rng: random.Random) -> str:
    # realistic noise the prefilter sees: comments and docstrings about models, never a finding
    return rng.choice([
        "\n# TODO: compare against claude-sonnet-4-6 once the evaluation set is ready\n",
        '\n\ndef describe() -> str:\n    """Uses the claude family through the routing client."""\n    return "ok"\n',
        "\n# messages are appended in order; see the gpt-4o migration notes\n",
    ])


FINDINGS = (
    ('\nMODEL = "claude-sonnet-4-6"\n', "RC201"),
    ('\n\ndef ask(client, prompt):\n    return client.messages.create(model=MODEL, max_tokens=64, messages=[])\n',
     "RC202"),
    ('\n\ndef route(prompt):\n    return call_ai("summarise_everything", prompt)\n', "RC203"),
)


@dataclass
class Tree:
    root: Path
    lines: int
    files: int
    planted: dict[str, int]
    finding_files: list[Path]
    clean_files: list[Path]


def generate(root: Path, min_lines: int, seed: int = 20261124) -> Tree:
    rng = random.Random(seed)
    (root / "policies").mkdir(parents=True)
    (root / "policies" / "routing.toml").write_text(POLICY + "".join(
        f'\n[tasks.{t}]\ntier = "sonnet"\nkind = "other"\noutput = "json"\nstakes = "low"\n' for t in TASKS))
    (root / "pyproject.toml").write_text('[tool.routecheck]\npolicy = "policies/routing.toml"\n')
    lines = files = 0
    planted: dict[str, int] = {}
    finding_files: list[Path] = []
    clean_files: list[Path] = []
    while lines < min_lines:
        package = root / "src" / rng.choice(WORDS) / rng.choice(WORDS)
        package.mkdir(parents=True, exist_ok=True)
        parts = ['"""' + f"The {rng.choice(WORDS)} module." + '"""\n\nimport asyncio\nimport logging\n'
                 "from dataclasses import dataclass\n\nlogger = logging.getLogger(__name__)\n"]
        for _ in range(rng.randint(4, 16)):
            parts.append(rng.choice((_dataclass, _function, _function, _service, _async))(rng))
        if rng.random() < 0.05:
            parts.append(_model_mention(rng))
        path = package / f"{_name(rng)}_{files}.py"
        if rng.random() < 0.01:
            snippet, code = rng.choice(FINDINGS)
            parts.append(snippet)
            planted[code] = planted.get(code, 0) + 1
            finding_files.append(path)
        else:
            clean_files.append(path)
        text = "".join(parts)
        path.write_text(text)
        lines += text.count("\n")
        files += 1
    return Tree(root, lines, files, planted, finding_files, clean_files)


def generate_dense(root: Path, min_lines: int) -> Tree:
    """The LLM-dense tree (registries, agents, tests, SDK calls, notebooks) with this benchmark's policy."""
    (root / "policies").mkdir(parents=True)
    (root / "policies" / "routing.toml").write_text(POLICY + "".join(
        f'\n[tasks.{t}]\ntier = "sonnet"\nkind = "other"\noutput = "json"\nstakes = "low"\n' for t in TASKS))
    (root / "pyproject.toml").write_text('[tool.routecheck]\npolicy = "policies/routing.toml"\n')
    lines, files, planted, finding_files, clean_files = dense_tree.write_tree(root, min_lines)
    return Tree(root, lines, files, planted, finding_files, clean_files)


def plant(source: Path, target: Path, fraction: float, seed: int = 20261202) -> dict[str, int]:
    """Copy what a scan reads of `source` (Python and config files) to `target`, appending a finding to
    `fraction` of the Python files that parse (DESIGN.md §7: the stdlib "with model ids planted in 2 %
    of its files"); the planted codes and counts."""
    import ast
    import warnings

    rng = random.Random(seed)
    planted: dict[str, int] = {}
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        kind = file_kind(path.name)
        if kind is None or not path.is_file() or SKIPPED_FOLDERS.intersection(rel.parts):
            continue
        data = path.read_bytes()
        if kind == "python" and rng.random() < fraction:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ast.parse(data)
            except (SyntaxError, ValueError):
                pass  # the deliberately broken files stay as they are
            else:
                snippet, code = rng.choice(FINDINGS)
                data += snippet.encode()
                planted[code] = planted.get(code, 0) + 1
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes(data)
    return planted


# -- measuring ------------------------------------------------------------------------------------

def timed(cmd: list[str], cwd: Path, repeat: int = 1, before: object = None) -> tuple[float, str]:
    samples, out = [], ""
    for _ in range(repeat):
        if callable(before):
            before()
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
        samples.append(time.perf_counter() - start)
        out = done.stdout
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return statistics.median(samples), out


# The least any Python scanner does on a cold tree: walk it, read every .py file and test its bytes for the
# words a finding needs (the prefilter's own words on this tree). Run in a fresh interpreter, like the scan.
FLOOR = """
import os, sys
skipped = set(sys.argv[2].split(","))
words = tuple(w.encode() for w in sys.argv[3].split(","))
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if d not in skipped]
    for name in files:
        if name.endswith(".py"):
            with open(os.path.join(root, name), "rb") as handle:
                data = handle.read()
            any(w in data for w in words)
"""
PREFILTER_WORDS = ("claude", "gpt-", "gemini", "model", "messages", "completions", "responses", "outer",
                   "call_ai", "routecheck")


def floors(tree: Path, workdir: Path, interp: float) -> list[str]:
    """What parts of a cold scan cost on their own, each in a fresh interpreter, start-up subtracted."""
    py, skipped = sys.executable, ",".join(sorted(SKIPPED_FOLDERS))
    one, _ = timed([py, "-c", FLOOR, str(tree), skipped, PREFILTER_WORDS[0]], workdir, repeat=5)
    every, _ = timed([py, "-c", FLOOR, str(tree), skipped, ",".join(PREFILTER_WORDS)], workdir, repeat=5)
    policy, _ = timed([py, "-c", "import routecheck.policy.loader"], workdir, repeat=5)
    return [
        f"floors (fresh interpreter, start-up included): read every .py file + 1 word test {one:.3f} s; "
        f"+ the {len(PREFILTER_WORDS)} words the prefilter needs {every:.3f} s",
        f"an import a cold scan cannot avoid (start-up subtracted): the pydantic policy models "
        f"{policy - interp:.3f} s (no policy snapshot yet)",
    ]


def measure(tree: Path, workdir: Path, lines: int, planted: dict[str, int] | None,
            five: list[Path] | None, clean: list[Path] | None) -> list[str]:
    py = sys.executable
    cache = workdir / ".routecheck_cache"
    scan = [py, "-m", "routecheck", "scan", "--format", "json", str(tree)]
    interp, _ = timed([py, "-c", "pass"], workdir, repeat=5)
    version, _ = timed([py, "-m", "routecheck", "--version"], workdir, repeat=5)
    skipped = [f"--exclude-dir={name}" for name in SKIPPED_FOLDERS]  # grep reads what the scan reads
    grep, _ = timed(["grep", "-rIl", *skipped, "claude", str(tree)], workdir, repeat=5)
    ruff = shutil.which("ruff") or (str(Path(py).with_name("ruff")) if Path(py).with_name("ruff").exists() else None)
    ruff_cmd = [ruff, "check", "--isolated", "--no-cache", "--exit-zero", "-q", str(tree)] if ruff else None
    colds, ruffs = [], []
    for _ in range(5):  # interleaved, so that both see the same machine
        cold_once, out = timed(scan, workdir, before=lambda: shutil.rmtree(cache, ignore_errors=True))
        colds.append(cold_once)
        if ruff_cmd:
            ruffs.append(timed(ruff_cmd, workdir)[0])
    cold = statistics.median(colds)
    report = json.loads(out)

    def drop_file_facts() -> None:  # a new tree under a policy already loaded once: the snapshot stays
        for facts in cache.glob("facts-*.json"):
            facts.unlink()

    cold_files, _ = timed(scan, workdir, repeat=3, before=drop_file_facts)
    timed(scan, workdir)  # the cache now holds every file's facts; trust needs mtimes older than the write
    warm, warm_out = timed(scan, workdir, repeat=5)
    assert json.loads(warm_out)["findings"] == report["findings"], "the warm scan must report what the cold one did"
    found: dict[str, int] = {}
    for finding in report["findings"]:
        found[finding["code"]] = found.get(finding["code"], 0) + 1
    target = 3 * grep + interp
    rows = [
        f"tree: {tree.name} — {report['summary']['files_scanned']:,} files, {lines:,} lines",
        f"findings: {json.dumps(dict(sorted(found.items())))}"
        + ("" if planted is None else f" (planted: {json.dumps(dict(sorted(planted.items())))}; "
           f"{'every planted finding found, nothing else' if found == planted else 'MISMATCH'})"),
        f"interpreter start (python -c pass): {interp:.3f} s; routecheck --version: {version:.3f} s",
        f"grep -rIl floor: {grep:.3f} s",
        f"cold scan: {cold:.3f} s ({lines / cold:,.0f} lines/s) = {cold / grep:.1f} x grep; "
        f"target 3 x grep + interpreter start = {target:.3f} s -> ratio {cold / target:.2f} "
        f"({'met' if cold <= target else 'NOT met'})",
        f"cold scan with the policy snapshot kept (file facts cold, pydantic not imported): {cold_files:.3f} s "
        f"-> ratio {cold_files / target:.2f}",
        *floors(tree, workdir, interp),
        f"warm rescan: {warm:.3f} s (target <= 0.3 s: {'met' if warm <= 0.3 else 'NOT met'})",
    ]
    if five:
        lint, _ = timed([py, "-m", "routecheck", "lint"], workdir, repeat=5)
        rows.append(f"for reference, `routecheck lint` alone (policy load, no scan): {lint:.3f} s")
    for label, files in (("5 clean files", clean), ("5 files, one with a finding", five)):
        if not files:
            continue
        check = [py, "-m", "routecheck", "check", *map(str, files)]
        pre_warm, _ = timed(check, workdir, repeat=5)
        originals = {f: f.read_bytes() for f in files}
        edits = iter(range(1_000_000))

        def edit_staged(files: list[Path] = files, originals: dict[Path, bytes] = originals,
                        edits: Iterator[int] = edits) -> None:
            # what a commit stages: new content in these files, the policy and the rest unchanged
            n = next(edits)
            for f in files:
                f.write_bytes(originals[f] + f"# edit {n}\n".encode())

        pre_edited, _ = timed(check, workdir, repeat=5, before=edit_staged)
        for f, data in originals.items():
            f.write_bytes(data)
        pre_cold, _ = timed([*check, "--no-cache"], workdir, repeat=5)
        rows.append(f"pre-commit style `check` of {label}: {pre_edited:.3f} s with the files just edited, "
                    f"{pre_warm:.3f} s unchanged, {pre_cold:.3f} s --no-cache "
                    f"(target <= 0.25 s with the files just edited: {'met' if pre_edited <= 0.25 else 'NOT met'})")
    if ruffs:
        ruff_time = statistics.median(ruffs)
        rows.append(f"ruff check (default rules, no cache): {ruff_time:.3f} s -> routecheck cold / ruff = "
                    f"{cold / ruff_time:.2f}, with the policy snapshot kept {cold_files / ruff_time:.2f} "
                    f"(target <= 1: {'met' if cold <= ruff_time else 'NOT met'})")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="*", type=Path, help="trees to measure instead of a synthetic one")
    parser.add_argument("--lines", type=int, default=500_000, help="size of the synthetic tree (default 500,000)")
    parser.add_argument("--dense", action="store_true", help="the LLM-dense synthetic tree instead (dense_tree.py)")
    parser.add_argument("--plant", type=float, default=0.0, metavar="FRACTION",
                        help="measure a copy of each given tree with a finding appended to this fraction of its "
                             "Python files (DESIGN.md measures the stdlib with 0.02)")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="routecheck-bench-") as temp:
        temp_path = Path(temp)
        if not args.trees:
            start = time.perf_counter()
            make = generate_dense if args.dense else generate
            tree = make(temp_path / ("llm-dense" if args.dense else "synthetic"), args.lines)
            print(f"generated {tree.files:,} files, {tree.lines:,} lines in {time.perf_counter() - start:.1f} s")
            five = [tree.finding_files[0], *tree.clean_files[:4]]
            clean = tree.clean_files[4:9]
            print("\n".join(measure(tree.root, tree.root, tree.lines, tree.planted, five, clean)))
        for given in args.trees:
            workdir = temp_path / f"work-{given.name}"
            workdir.mkdir()
            # the shipped policy, copied in: a pyproject's policy path must stay inside its project
            shutil.copytree(ROOT / "policies", workdir / "policies")
            (workdir / "pyproject.toml").write_text('[tool.routecheck]\npolicy = "policies/routing.toml"\n')
            tree, planted = given.resolve(), None
            if args.plant:
                tree = temp_path / given.resolve().name
                planted = plant(given.resolve(), tree, args.plant)
            lines = sum(p.read_bytes().count(b"\n") for p in tree.rglob("*.py")
                        if p.is_file() and not SKIPPED_FOLDERS.intersection(p.relative_to(tree).parts))
            print("\n".join(measure(tree, workdir, lines, planted, None, None)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
