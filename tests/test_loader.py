"""Every error path of the loader, asserted as the exact `FILE:LINE:COL: key.path: message` lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from routecheck.config import find_project
from routecheck.errors import ConfigError
from support import POLICIES, TWO_TIERS, Run, RunCli, WritePolicy, load_policy

TIERS = TWO_TIERS
TASK = '[tasks.t]\ntier = "sonnet"\nkind = "extraction"\noutput = "json"\nstakes = "low"\n'
EVIDENCE = (POLICIES / "evidence" / "classify_intent.toml").read_text(encoding="utf-8")
NAME_RULE = "(expected a Python identifier: letters, digits and _, not starting with a digit)"
TASK_KEYS = (
    "batch, cache_read_ratio, cache_ttl, cache_write_ratio, calls_per_day, categories, evidence, ignore, "
    "input_tokens, kind, latency, max_tokens, multi_step, output, output_tokens, owner, stakes, tier, touches, upgrade"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # error paths are shown relative to the current directory


def errors(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_policy(path)
    return str(caught.value).splitlines()


def policy_errors(write_policy: WritePolicy, text: str | bytes) -> list[str]:
    return errors(write_policy(text))


# -- files that cannot be read as TOML ----------------------------------------------------------------


def test_missing_policy_file() -> None:
    assert errors(Path("policies/routing.toml")) == ["policies/routing.toml: policy file not found"]


def test_directory_instead_of_policy_file(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    assert errors(Path("policies")) == ["policies: policy file is a directory, not a file"]


def test_non_utf8_policy_points_at_the_byte_in_characters(write_policy: WritePolicy) -> None:
    text = 'version = 1\nowner = "Zoë'.encode() + b'\xff"\n'  # column 13 in characters, 14 in bytes
    assert policy_errors(write_policy, text) == [
        "routing.toml:2:13: byte 0xff is not valid UTF-8 (TOML files are UTF-8)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('version = 1\ndefault_tier = "sonnet\n', "routing.toml:2:23: invalid TOML: illegal character '\\n'"),
        ("version = 1\n[tiers\n", "routing.toml:2:7: invalid TOML: expected ']' at the end of a table declaration"),
        ("version = 1\nversion = 2\n", "routing.toml:2:12: invalid TOML: cannot overwrite a value"),
        ("version = 1\ntiers = [1,\n", "routing.toml:3:1: invalid TOML: invalid value"),
    ],
    ids=["unterminated-string", "unclosed-header", "duplicate-key", "at-end-of-document"],
)
def test_toml_syntax_errors(write_policy: WritePolicy, text: str, expected: str) -> None:
    assert policy_errors(write_policy, text) == [expected]


def test_toml_nested_too_deeply_is_an_error_not_a_crash(write_policy: WritePolicy) -> None:
    assert policy_errors(write_policy, "x = " + "[" * 5000 + "]" * 5000 + "\n") == [
        "routing.toml:1:5: x: invalid TOML: arrays and inline tables nested too deeply (expected at most 100 levels)"
    ]


def test_byte_order_mark_is_accepted_and_positions_stay_right(write_policy: WritePolicy) -> None:
    assert policy_errors(write_policy, "\ufeff" + TIERS.replace("rank = 2", 'rank = "2"')) == [
        "routing.toml:12:1: tiers.sonnet.rank: expected an integer, got string '2'"
    ]


# -- schema errors ------------------------------------------------------------------------------------


def test_missing_required_keys(write_policy: WritePolicy) -> None:
    assert policy_errors(write_policy, "version = 1\n[tasks.t]\nkind = 'other'\n") == [
        "routing.toml:1:1: default_tier: missing required key",
        "routing.toml:1:1: tiers: missing required key",
        "routing.toml:2:1: tasks.t.tier: missing required key",
        "routing.toml:2:1: tasks.t.output: missing required key",
        "routing.toml:2:1: tasks.t.stakes: missing required key",
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("rank = 2", 'rank = "2"', "12:1: tiers.sonnet.rank: expected an integer, got string '2'"),
        ("rank = 2", "rank = 2.0", "12:1: tiers.sonnet.rank: expected an integer, got float 2.0"),
        ("rank = 2", "rank = true", "12:1: tiers.sonnet.rank: expected an integer, got boolean true"),
        ("rank = 2", "rank = 0", "12:1: tiers.sonnet.rank: 0 is out of range (expected a value >= 1)"),
        ("input_usd_per_mtok = 3.00", "input_usd_per_mtok = -3.0",
         "13:1: tiers.sonnet.input_usd_per_mtok: -3.0 is out of range (expected a value >= 0)"),
        ("input_usd_per_mtok = 3.00", "input_usd_per_mtok = inf",
         "13:1: tiers.sonnet.input_usd_per_mtok: inf is not allowed (expected a finite number)"),
        ("input_usd_per_mtok = 3.00", "input_usd_per_mtok = [3]",
         "13:1: tiers.sonnet.input_usd_per_mtok: expected a number, got array"),
        ('model = "claude-sonnet-4-6"', 'model = "claude sonnet"',
         "11:1: tiers.sonnet.model: 'claude sonnet' is not a valid model id "
         "(expected letters, digits and . _ : @ / + -, starting with a letter or digit)"),
        ("rank = 2", "rank = 2\nprices_as_of = 2026-11-01T00:00:00",
         "13:1: tiers.sonnet.prices_as_of: expected a date (YYYY-MM-DD), got date-time 2026-11-01 00:00:00"),
        ("rank = 2", "rank = 2\nbatch_discount = 0", "13:1: tiers.sonnet.batch_discount: 0 is out of range "
         "(expected a value > 0)"),
        ("version = 1", "version = 2", "1:1: version: invalid value 2 (expected one of: 1)"),
        ("output_usd_per_mtok = 15.00", "output_usd_per_mtok = 15.00\n[gate]\nmax_error_rate = 1.5",
         "16:1: gate.max_error_rate: 1.5 is out of range (expected a value <= 1)"),
    ],
)
def test_wrong_types_and_values_in_tiers(write_policy: WritePolicy, old: str, new: str, expected: str) -> None:
    text = TIERS.replace(old, new, 1)
    assert policy_errors(write_policy, text) == [f"routing.toml:{expected}"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('kind = "extraction"', 'kind = "extract"', "18:1: tasks.t.kind: invalid value 'extract' (expected one of: "
         "classification, extraction, summarization, synthesis, codegen, code_review, drafting, planning, other)"),
        ('stakes = "low"', "stakes = 1", "20:1: tasks.t.stakes: invalid value 1 (expected one of: low, high, "
         "irreversible)"),
        ('stakes = "low"', 'stakes = "low"\ntouches = ["auth", "money"]',
         "21:20: tasks.t.touches[1]: invalid value 'money' (expected one of: payment, auth, data_integrity, "
         "customer_message, deletion)"),
        ('stakes = "low"', 'stakes = "low"\ntouches = "auth"', "21:1: tasks.t.touches: expected an array, "
         "got string 'auth'"),
        ('stakes = "low"', 'stakes = "low"\nmulti_step = "yes"', "21:1: tasks.t.multi_step: expected true or "
         "false, got string 'yes'"),
        ('stakes = "low"', 'stakes = "low"\nignore = ["RC108", "E501"]', "21:20: tasks.t.ignore[1]: 'E501' is "
         "not a rule code (expected RC and three digits, such as RC111)"),
        ('tier = "sonnet"', 'tier = "my tier"', f"17:1: tasks.t.tier: 'my tier' is not a valid name {NAME_RULE}"),
        ('stakes = "low"', 'stakes = "low"\nupgrade = {when = "overloaded", to = "sonnet"}',
         "21:1: tasks.t.upgrade: expected an array, got table"),
        ('[tasks.t]', "[tasks]\nt = 5", "17:1: tasks.t: expected a table, got integer 5"),
    ],
)
def test_wrong_types_and_values_in_tasks(write_policy: WritePolicy, old: str, new: str, expected: str) -> None:
    text = TIERS + TASK.replace(old, new)
    if old == "[tasks.t]":
        text = TIERS + "[tasks]\nt = 5\n"
    assert policy_errors(write_policy, text) == [f"routing.toml:{expected}"]


def test_unknown_key_with_a_did_you_mean_hint(write_policy: WritePolicy) -> None:
    assert policy_errors(write_policy, TIERS + TASK + "categries = 3\n") == [
        "routing.toml:21:1: tasks.t.categries: unknown key 'categries' (did you mean 'categories'? "
        f"expected one of: {TASK_KEYS})"
    ]


def test_unknown_keys_at_the_top_and_in_a_tier(write_policy: WritePolicy) -> None:
    text = TIERS.replace("version = 1", "version = 1\ndefualt = 2\nzzz = 3").replace("rank = 1", "rnak = 1")
    assert policy_errors(write_policy, text) == [
        "routing.toml:2:1: defualt: unknown key 'defualt' (did you mean 'default_tier'? expected one of: "
        "default_tier, gate, tasks, tiers, unknown_tasks, version)",
        "routing.toml:3:1: zzz: unknown key 'zzz' (expected one of: default_tier, gate, tasks, tiers, "
        "unknown_tasks, version)",
        "routing.toml:6:1: tiers.haiku.rank: missing required key",
        "routing.toml:8:1: tiers.haiku.rnak: unknown key 'rnak' (did you mean 'rank'? expected one of: "
        "batch_discount, input_usd_per_mtok, model, output_usd_per_mtok, price_source, prices_as_of, rank)",
    ]


def test_empty_tiers_table(write_policy: WritePolicy) -> None:
    assert policy_errors(write_policy, 'version = 1\ndefault_tier = "sonnet"\n[tiers]\n') == [
        "routing.toml:3:1: tiers: empty table (expected at least 1 entry)"
    ]


# -- names --------------------------------------------------------------------------------------------


def test_bad_identifier_names_of_tiers_and_tasks(write_policy: WritePolicy) -> None:
    text = TIERS.replace("[tiers.haiku]", '[tiers."haiku-4"]') + TASK.replace("[tasks.t]", "[tasks.1st]")
    assert policy_errors(write_policy, text) == [
        f"routing.toml:4:1: tiers.haiku-4: 'haiku-4' is not a valid name {NAME_RULE}",
        f"routing.toml:16:1: tasks.1st: '1st' is not a valid name {NAME_RULE}",
    ]


def test_quoted_key_names_are_quoted_in_the_key_path(write_policy: WritePolicy) -> None:
    text = TIERS + TASK.replace("[tasks.t]", '[tasks."a.b"]')
    assert policy_errors(write_policy, text) == [
        f"routing.toml:16:1: tasks.\"a.b\": 'a.b' is not a valid name {NAME_RULE}"
    ]


def test_python_keyword_as_a_name(write_policy: WritePolicy) -> None:
    text = TIERS + TASK.replace("[tasks.t]", "[tasks.class]")
    assert policy_errors(write_policy, text) == [
        "routing.toml:16:1: tasks.class: 'class' is a Python keyword (names become identifiers in generated code)"
    ]


def test_soft_keywords_are_valid_names(write_policy: WritePolicy) -> None:
    text = TIERS + TASK.replace("[tasks.t]", "[tasks.match]") + TASK.replace("[tasks.t]", "[tasks.type]")
    assert sorted(load_policy(write_policy(text)).policy.tasks) == ["match", "type"]


# -- references between tables --------------------------------------------------------------------------


def test_unknown_tier_references_all_reported_in_one_run(write_policy: WritePolicy) -> None:
    text = (
        TIERS.replace('default_tier = "sonnet"', 'default_tier = "sonet"')
        + TASK.replace('tier = "sonnet"', 'tier = "haku"')
        + '\n[[tasks.t.upgrade]]\nwhen = "overloaded"\nto = "sonnet"\n'
        + '\n[[tasks.t.upgrade]]\nwhen = "overloaded"\nto = "opus"\n'
    )
    assert policy_errors(write_policy, text) == [
        "routing.toml:2:1: default_tier: unknown tier 'sonet' (expected one of: haiku, sonnet)",
        "routing.toml:17:1: tasks.t.tier: unknown tier 'haku' (expected one of: haiku, sonnet)",
        "routing.toml:28:1: tasks.t.upgrade[1].to: unknown tier 'opus' (expected one of: haiku, sonnet)",
    ]


def test_duplicate_rank(write_policy: WritePolicy) -> None:
    assert policy_errors(write_policy, TIERS.replace("rank = 2", "rank = 1")) == [
        "routing.toml:12:1: tiers.sonnet.rank: rank 1 is already used by tier 'haiku' (ranks must be unique)"
    ]


def test_keys_that_only_go_together(write_policy: WritePolicy) -> None:
    text = TIERS + TASK + (
        'categories = 3\ncalls_per_day = 10\nbatch = true\nignore = ["RC111", "RC999"]\n'
        '\n[[tasks.t.upgrade]]\nwhen = "overloaded"\nto = "sonnet"\nthreshold = 10\ncount = "exact"\n'
        '\n[[tasks.t.upgrade]]\nwhen = "input_tokens_over"\nto = "sonnet"\n'
    )
    assert policy_errors(write_policy, text) == [
        "routing.toml:16:1: tasks.t: calls_per_day, input_tokens and output_tokens go together "
        "(missing: input_tokens, output_tokens)",
        "routing.toml:21:1: tasks.t.categories: only for kind 'classification' (this task's kind is 'extraction')",
        "routing.toml:23:1: tasks.t.batch: batch = true needs tiers.sonnet.batch_discount (or omit the tier's "
        "prices to use genai-prices' batch rates)",
        "routing.toml:24:20: tasks.t.ignore[1]: unknown rule code 'RC999'",
        "routing.toml:29:1: tasks.t.upgrade[0].threshold: threshold is only for when = 'input_tokens_over'",
        "routing.toml:30:1: tasks.t.upgrade[0].count: count is only for when = 'input_tokens_over'",
        "routing.toml:32:1: tasks.t.upgrade[1]: when = 'input_tokens_over' needs a threshold",
    ]


# -- evidence files -----------------------------------------------------------------------------------

WITH_EVIDENCE = TIERS + TASK.replace('"sonnet"', '"haiku"') + 'evidence = "evidence/t.toml"\n'


def test_a_missing_evidence_file_loads_and_is_left_to_rc108(write_policy: WritePolicy) -> None:
    # Naming the evidence before the first `eval --write` is the natural order: not a load error
    # (eval must run to create the file); lint reports it as RC108 (tests/test_lint_rules.py).
    loaded = load_policy(write_policy(WITH_EVIDENCE))
    assert (dict(loaded.evidence), {k: p.name for k, p in loaded.missing_evidence.items()}) == ({}, {"t": "t.toml"})


def test_evidence_path_that_is_a_directory(write_policy: WritePolicy, tmp_path: Path) -> None:
    (tmp_path / "evidence" / "t.toml").mkdir(parents=True)
    assert policy_errors(write_policy, WITH_EVIDENCE) == [
        "routing.toml:21:1: tasks.t.evidence: evidence file 'evidence/t.toml' is a directory, not a file"
    ]


def test_evidence_is_relative_to_the_policy_file(write_policy: WritePolicy) -> None:
    write_policy(EVIDENCE.replace("classify_intent", "t"), "policies/evidence/t.toml")
    loaded = load_policy(write_policy(WITH_EVIDENCE, "policies/routing.toml"))
    shown = [(name, e.path.relative_to(Path.cwd()).as_posix(), e.evidence.samples) for name, e in
             loaded.evidence.items()]
    assert shown == [("t", "policies/evidence/t.toml", 150)]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('task = "t"', 'task = "t', ["evidence/t.toml:1:10: invalid TOML: illegal character '\\n'"]),
        ("samples = 150", "samples = 150.0", ["evidence/t.toml:5:1: samples: expected an integer, got float 150.0"]),
        ('grader = "expected"', 'grader = "llm"', ["evidence/t.toml:4:1: grader: 'llm' is not a grader "
                                                    "(expected one of: expected, agreement, llm:<model>)"]),
        ("created = 2026-11-24T10:00:00Z", "created = 2026-11-24",
         ["evidence/t.toml:10:1: created: expected a date-time (YYYY-MM-DDTHH:MM:SSZ), got date 2026-11-24"]),
        ('samples_sha256 = "9f86', 'samples_sha256 = "9F86', [
            "evidence/t.toml:9:1: samples_sha256: '9F86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c1'... "
            "is not a SHA-256 digest (expected 64 lowercase hex digits)"]),
        ("errors = 6", "errors = 6\nseed = 1", ["evidence/t.toml:7:1: seed: unknown key 'seed' (expected one of: "
         "candidate_model, candidate_only_errors, created, error_rate, error_rate_upper_95, errors, grader, "
         "infrastructure_failures, mcnemar_p, paired_samples, reference_errors, reference_model, "
         "reference_only_errors, regression, regression_upper_95, repeat, samples, samples_sha256, task)"]),
        ("errors = 6", "errors = 160", ["evidence/t.toml:6:1: errors: errors (160) exceed samples (150)"]),
        ("error_rate = 0.04", "error_rate = 0.05",
         ["evidence/t.toml:7:1: error_rate: 0.05 does not match errors / samples = 0.0400"]),
        ("error_rate = 0.04", "error_rate = 1.5", ["evidence/t.toml:7:1: error_rate: 1.5 is out of range "
                                                   "(expected a value <= 1)"]),
    ],
    ids=["syntax", "wrong-type", "bad-grader", "date-not-datetime", "bad-digest", "unknown-key", "errors-over-samples",
         "inconsistent-rate", "rate-over-one"],
)
def test_bad_evidence_file(write_policy: WritePolicy, old: str, new: str, expected: list[str]) -> None:
    write_policy(EVIDENCE.replace("classify_intent", "t").replace(old, new), "evidence/t.toml")
    assert policy_errors(write_policy, WITH_EVIDENCE) == expected


PAIRED_FIGURES = ("paired_samples = 150\nreference_errors = 4\ncandidate_only_errors = 3\nreference_only_errors = 1\n"
                  "regression = 0.0133\nregression_upper_95 = 0.05\nmcnemar_p = 0.625\n")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("mcnemar_p = 0.625\n", "", ["evidence/t.toml:9:1: paired_samples: the paired figures go together "
                                     "(missing: mcnemar_p)"]),
        ("reference_only_errors = 1", "reference_only_errors = 5",
         ["evidence/t.toml:12:1: reference_only_errors: reference_only_errors (5) exceed reference_errors (4)"]),
        ("paired_samples = 150", "paired_samples = 151", ["evidence/t.toml:9:1: paired_samples: paired_samples "
                                                          "(151) exceed samples (150)"]),
        ("regression = 0.0133", "regression = 0.02", ["evidence/t.toml:13:1: regression: 0.02 does not match "
         "(candidate_only_errors - reference_only_errors) / paired_samples = 0.0133"]),
    ],
    ids=["incomplete", "reference-only-over-reference", "paired-over-samples", "inconsistent-regression"],
)
def test_bad_paired_figures(write_policy: WritePolicy, old: str, new: str, expected: list[str]) -> None:
    text = EVIDENCE.replace("classify_intent", "t").replace("samples_sha256", PAIRED_FIGURES + "samples_sha256")
    write_policy(text.replace(old, new), "evidence/t.toml")
    assert policy_errors(write_policy, WITH_EVIDENCE) == expected


def test_problems_of_several_evidence_files_and_the_policy_are_collected(write_policy: WritePolicy) -> None:
    write_policy(EVIDENCE.replace("classify_intent", "t").replace("errors = 6", "errors = 160"), "evidence/t.toml")
    text = WITH_EVIDENCE + TASK.replace("[tasks.t]", "[tasks.u]").replace('tier = "sonnet"', 'tier = "opus"') + (
        'evidence = "evidence/u.toml"\n'
    )
    assert policy_errors(write_policy, text) == [
        "routing.toml:23:1: tasks.u.tier: unknown tier 'opus' (expected one of: haiku, sonnet)",
        "evidence/t.toml:6:1: errors: errors (160) exceed samples (150)",
    ]


# -- where keys are written in unusual TOML ----------------------------------------------------------------


def test_inline_tables_dotted_keys_and_arrays_of_tables_are_located(write_policy: WritePolicy) -> None:
    text = (
        'version = 1\ndefault_tier = "sonnet"\n'
        'tiers.haiku = { model = "claude-haiku-4-5", rank = 1, input_usd_per_mtok = 1.0, output_usd_per_mtok = "5" }\n'
        'tiers.sonnet.model = "claude-sonnet-4-6"\n'
        "tiers.sonnet . rank = 2.5\n"
        "tiers.sonnet.input_usd_per_mtok = 3.0\n"
        "tiers.sonnet.output_usd_per_mtok = 15.0\n"
        'tasks.a = { tier = "sonnet", kind = "other", output = "label", stakes = "low", '
        'upgrade = [{ when = "overloaded", to = "opus" }, { when = "never", to = "opus" }] }\n'
        "\n[[tasks.b.upgrade]]\nwhen = 'overloaded'\nto = 'sonnet'\n"
        "[[tasks.b.upgrade]]\nwhen = 'overloaded'\nto = 'sonnet'\nafter = 3\n"
    )
    assert policy_errors(write_policy, text) == [
        "routing.toml:3:81: tiers.haiku.output_usd_per_mtok: expected a number, got string '5'",
        "routing.toml:5:16: tiers.sonnet.rank: expected an integer, got float 2.5",
        "routing.toml:8:131: tasks.a.upgrade[1].when: invalid value 'never' (expected one of: validation_failed, "
        "input_tokens_over, overloaded)",
        "routing.toml:10:1: tasks.b.tier: missing required key",
        "routing.toml:10:1: tasks.b.kind: missing required key",
        "routing.toml:10:1: tasks.b.output: missing required key",
        "routing.toml:10:1: tasks.b.stakes: missing required key",
        "routing.toml:16:1: tasks.b.upgrade[1].after: unknown key 'after' (expected one of: count, threshold, "
        "to, when)",
    ]


def test_crlf_policy_is_located_like_lf(write_policy: WritePolicy) -> None:
    text = (TIERS + TASK.replace('"json"', '"JSON"')).replace("\n", "\r\n")
    assert policy_errors(write_policy, text) == [
        "routing.toml:19:1: tasks.t.output: invalid value 'JSON' (expected one of: label, json, short_text, "
        "long_text, code)"
    ]


# -- the CLI boundary ----------------------------------------------------------------------------------------


def test_cli_prints_every_problem_and_exits_2(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy(TIERS.replace("rank = 2", "rank = 1").replace('"sonnet"', '"opus"', 1), "policies/routing.toml")
    result = run_cli("lint")
    assert (result.code, result.out, result.err) == (
        2,
        "",
        "policies/routing.toml:2:1: default_tier: unknown tier 'opus' (expected one of: haiku, sonnet)\n"
        "policies/routing.toml:12:1: tiers.sonnet.rank: rank 1 is already used by tier 'haiku' "
        "(ranks must be unique)\n",
    )


def test_cli_missing_default_policy(run_cli: RunCli) -> None:
    assert run_cli("lint") == Run(2, "", "policies/routing.toml: policy file not found\n")


# -- [tool.routecheck] in pyproject.toml --------------------------------------------------------------------


CLEAN = TIERS + TASK.replace('"json"', '"short_text"') + (
    '\n[tasks.h]\ntier = "haiku"\nkind = "extraction"\noutput = "json"\nstakes = "low"\nignore = ["RC108"]\n'
)


def test_config_found_by_walking_up_from_a_subfolder(write_policy: WritePolicy, run_cli: RunCli,
                                                     tmp_path: Path) -> None:
    write_policy('[project]\nname = "app"\n\n[tool.routecheck]\npolicy = "config/routes.toml"\n', "pyproject.toml")
    write_policy(CLEAN.replace("stakes", "stakes = \"high\"\nx", 1), "config/routes.toml")
    (tmp_path / "app" / "deep").mkdir(parents=True)
    result = run_cli("lint", cwd=tmp_path / "app" / "deep")
    # a file outside the current directory is shown by its full path, as ruff does
    assert result == Run(
        2, "", f"{(tmp_path / 'config' / 'routes.toml').as_posix()}:21:1: tasks.t.x: unknown key 'x' "
        f"(expected one of: {TASK_KEYS})\n"
    )


def test_nearest_pyproject_without_the_table_is_skipped(write_policy: WritePolicy, tmp_path: Path) -> None:
    write_policy('[tool.routecheck]\npolicy = "routes.toml"\n', "pyproject.toml")
    write_policy('[project]\nname = "inner"\n', "inner/pyproject.toml")
    project = find_project(tmp_path / "inner")
    assert (project.root, project.pyproject, project.policy_path()) == (
        tmp_path, tmp_path / "pyproject.toml", tmp_path / "routes.toml"
    )


def test_no_config_means_the_default_policy_under_the_start_folder(tmp_path: Path) -> None:
    project = find_project(tmp_path)
    assert (project.root, project.pyproject, project.policy_path()) == (
        tmp_path, None, tmp_path / "policies" / "routing.toml"
    )


def test_policy_option_overrides_the_config(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy('[tool.routecheck]\npolicy = "missing.toml"\n', "pyproject.toml")
    write_policy(CLEAN, "other.toml")
    result = run_cli("lint", "--policy", "other.toml")
    assert (result.code, result.out, result.err) == (0, "All checks passed (1 file).\n", "")


def test_bad_config_key_is_located_in_pyproject(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy('[project]\nname = "app"\n\n[tool.routecheck]\npolicy = "p.toml"\nexclud = ["x"]\n'
                 "task-calls = 'call_ai'\n", "pyproject.toml")
    result = run_cli("lint")
    assert (result.code, result.out, result.err) == (
        2,
        "",
        "pyproject.toml:6:1: tool.routecheck.exclud: unknown key 'exclud' (did you mean 'exclude'? expected one "
        "of: client, exclude, include, model-patterns, per-file-ignores, policy, task-calls)\n"
        "pyproject.toml:7:1: tool.routecheck.task-calls: expected an array, got a string\n",
    )


def test_bad_config_values_in_nested_tables(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy('[tool.routecheck]\nmodel-patterns = ["ok", "bad(["]\n\n[tool.routecheck.per-file-ignores]\n'
                 '"tests/**" = ["RC201", "X"]\n', "pyproject.toml")
    result = run_cli("lint")
    assert (result.code, result.err) == (
        2,
        "pyproject.toml:2:1: tool.routecheck.model-patterns: not a valid regular expression: "
        "unterminated character set at position 4\n"
        "pyproject.toml:5:24: tool.routecheck.per-file-ignores.\"tests/**\"[1]: the value is not a rule code "
        "(expected RC and three digits, such as RC111)\n",
    )


def test_broken_pyproject_is_a_located_error(write_policy: WritePolicy, run_cli: RunCli) -> None:
    write_policy("[tool.routecheck\n", "pyproject.toml")
    assert run_cli("lint").err == "pyproject.toml:1:17: invalid TOML: expected ']' at the end of a table declaration\n"


def test_evidence_path_with_a_nul_character(write_policy: WritePolicy) -> None:
    assert policy_errors(write_policy, WITH_EVIDENCE.replace("evidence/t.toml", "evidence/\\u0000t.toml")) == [
        "routing.toml:21:1: tasks.t.evidence: cannot read evidence file 'evidence/\\x00t.toml': its name contains "
        "a NUL character"
    ]


def test_keys_with_control_characters_keep_each_problem_on_one_line(write_policy: WritePolicy) -> None:
    text = 'version = 1\n"a\\u001eb" = 1\n[tasks."x\\ny"]\n'
    assert policy_errors(write_policy, text) == [
        "routing.toml:1:1: default_tier: missing required key",
        "routing.toml:1:1: tiers: missing required key",
        "routing.toml:2:1: \"a\\u001eb\": unknown key 'a\\x1eb' (expected one of: default_tier, gate, tasks, tiers, "
        "unknown_tasks, version)",
        f"routing.toml:3:1: tasks.\"x\\ny\": 'x\\ny' is not a valid name {NAME_RULE}",
        "routing.toml:3:1: tasks.\"x\\ny\".tier: missing required key",
        "routing.toml:3:1: tasks.\"x\\ny\".kind: missing required key",
        "routing.toml:3:1: tasks.\"x\\ny\".output: missing required key",
        "routing.toml:3:1: tasks.\"x\\ny\".stakes: missing required key",
    ]
