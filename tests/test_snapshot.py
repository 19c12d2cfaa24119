"""The snapshot cache: a warm `check`/`scan` prints exactly what a cold one does, and never imports pydantic."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from support import REPO, RunCli


def copy_example(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(REPO / "examples" / name, target, ignore=shutil.ignore_patterns(".routecheck_cache"))
    return target


def snapshots(folder: Path) -> list[str]:
    return sorted(p.name[:9] for p in (folder / ".routecheck_cache").glob("snapshot-*.json"))


def test_warm_check_prints_what_a_cold_one_does(run_cli: RunCli, tmp_path: Path) -> None:
    app = copy_example("legacy_app", tmp_path)
    cold = run_cli("check", cwd=app)
    assert snapshots(app) == ["snapshot-"]
    warm = run_cli("check", cwd=app)
    assert warm == cold
    assert (cold.code, cold.out.splitlines()[-1]) == (1, "Found 17 errors, 3 warnings, 5 infos in 7 files.")
    assert run_cli("scan", cwd=app) == run_cli("scan", "--no-cache", cwd=app)


def test_a_scan_snapshot_is_not_linted_and_a_check_after_it_lints(run_cli: RunCli, tmp_path: Path) -> None:
    """`scan` needs no lint (nor genai-prices for RC114): its snapshot holds none, and a later `check`
    lints and prints what a cold check prints."""
    app = copy_example("legacy_app", tmp_path)
    assert run_cli("scan", cwd=app) == run_cli("scan", "--no-cache", cwd=app)
    [stored] = (app / ".routecheck_cache").glob("snapshot-*.json")
    assert '"lint": null' in stored.read_text(encoding="utf-8")
    assert run_cli("check", cwd=app) == run_cli("check", "--no-cache", cwd=app)
    assert '"lint": null' not in stored.read_text(encoding="utf-8")
    assert run_cli("scan", cwd=app) == run_cli("scan", "--no-cache", cwd=app)  # the linted one serves it too


def test_changed_evidence_is_read_again(run_cli: RunCli, tmp_path: Path) -> None:
    app = copy_example("eval", tmp_path)
    assert run_cli("check", cwd=app).out.splitlines()[-1] == "Found 0 errors, 0 warnings, 1 info in 3 files."
    evidence = app / "policies" / "evidence" / "classify_intent.toml"
    text = evidence.read_text(encoding="utf-8")
    evidence.write_text(text.replace("samples = 120", "samples = 60").replace("errors = 5", "errors = 2")
                        .replace("error_rate = 0.0417", "error_rate = 0.0333")
                        .replace("paired_samples = 120", "paired_samples = 60")
                        .replace("\nregression = 0.0333", "\nregression = 0.0667"), encoding="utf-8")
    warm = run_cli("check", cwd=app)
    assert warm == run_cli("check", "--no-cache", cwd=app)
    assert warm.out.splitlines()[1] == (
        "policies/routing.toml:28:1: RC108 [error] task 'classify_intent' runs below default_tier 'sonnet' but its "
        "evidence evidence/classify_intent.toml has 60 samples, the gate needs at least 100"
    )


def test_hand_edited_client_is_stale_on_a_warm_run(run_cli: RunCli, tmp_path: Path) -> None:
    app = copy_example("routed_app", tmp_path)
    assert run_cli("check", cwd=app).code == 0
    client = app / "llm_routes.py"
    client.write_text(client.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    warm = run_cli("check", cwd=app)
    assert warm == run_cli("check", "--no-cache", cwd=app)
    assert (warm.code, warm.out.splitlines()[0]) == (
        1, "llm_routes.py:1:1: RC207 [error] generated client differs from what the policy generates "
        "(edited by hand?); run `routecheck generate`"
    )


def test_a_policy_that_does_not_load_is_never_cached(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "routing.toml").write_text("version = 1\ndefault_tier = 7\n", encoding="utf-8")
    for _ in range(2):
        result = run_cli("check", cwd=tmp_path)
        assert (result.code, result.out) == (2, "")
    assert not (tmp_path / ".routecheck_cache").exists() or snapshots(tmp_path) == []


def test_a_warm_run_imports_neither_pydantic_nor_libcst_nor_anthropic(tmp_path: Path) -> None:
    app = copy_example("legacy_app", tmp_path)
    probe = (
        "import sys, io, contextlib\n"
        "from routecheck.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['check'])\n"
        "print(code, sorted(m for m in ('pydantic', 'libcst', 'anthropic') if m in sys.modules))\n"
    )
    runs = [subprocess.run([sys.executable, "-c", probe], cwd=app, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs == ["1 ['pydantic']\n", "1 []\n"]  # the scanner never imports libcst


def test_a_snapshot_keeps_every_field_of_a_finding(tmp_path: Path) -> None:
    """The cache has its own serialisation (not `--format json`'s): every field comes back, a cell too."""
    from routecheck.finding import Finding, Severity
    from routecheck.scan.target import ScanTarget
    from routecheck.snapshot import Snapshot, SnapshotKey, read_snapshot, write_snapshot

    target = ScanTarget(root=tmp_path, include=(), exclude=(), client=None, task_calls=(), model_patterns=(),
                        per_file_ignores=(), policy_path=tmp_path / "routing.toml", policy_display="routing.toml",
                        evidence_paths=(), tier_models=("claude-haiku-4-5",), tasks=(("tag", 3, 1),))
    findings = (
        Finding("RC201", "hardcoded-model", Severity.ERROR, "nb.ipynb", 2, 9, "hardcoded model id 'x'",
                model="claude-haiku-4-5", cell=3),
        Finding("RC111", "savings-candidate", Severity.INFO, "routing.toml", 3, 1, "task 'tag' could move", task="tag"),
    )
    snapshot = Snapshot(target=target, lint=findings, stale_client=(), policy_files=1)
    key = SnapshotKey(tmp_path / ".routecheck_cache" / "snapshot-test.json", "digest")
    write_snapshot(key, snapshot)
    assert read_snapshot(key) == snapshot
