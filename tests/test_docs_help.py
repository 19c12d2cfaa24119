"""The README and the guides agree with `--help`: every command is listed, every flag they show exists on
the command they show it with, and the listed choices are the parser's."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from routecheck.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


PARSERS = subcommands(build_parser())


def options(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of `parser` and of its sub-commands (`ledger prune --older-than`)."""
    found = {s for action in parser._actions for s in action.option_strings}
    for sub in subcommands(parser).values():
        found |= options(sub)
    return found


def choices(parser: argparse.ArgumentParser, dest: str) -> list[str]:
    action = next(a for a in parser._actions if a.dest == dest or dest in a.option_strings)
    assert action.choices is not None
    return list(action.choices)


def commands_block() -> list[str]:
    """The README's command list, one entry per command (continuation lines joined)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```\n", readme.index("## Commands")) + 4
    entries: list[str] = []
    for line in readme[start:readme.index("```", start)].splitlines():
        if line.startswith("routecheck "):
            entries.append(line)
        else:
            entries[-1] += " " + line.strip()
    return entries


def test_the_readme_lists_every_command_in_help_order() -> None:
    assert [entry.split()[1] for entry in commands_block()] == list(COMMANDS)


def test_the_flags_of_the_command_list_exist() -> None:
    for entry in commands_block():
        name = entry.split()[1]
        assert set(FLAG.findall(entry)) - options(PARSERS[name]) == set(), entry


def test_the_command_list_shows_the_parsers_choices() -> None:
    entries = {entry.split()[1]: entry for entry in commands_block()}
    assert entries["schema"].split()[2] == "[" + "|".join(choices(PARSERS["schema"], "document")) + "]"
    assert entries["ledger"].split()[2] == "|".join(subcommands(PARSERS["ledger"]))


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_command_line_in_the_docs_uses_flags_of_that_command(path: Path) -> None:
    """`routecheck CMD … --flag` in a code span or a command line: the flag is CMD's (or a common one)."""
    text = path.read_text(encoding="utf-8")
    spans = re.findall(r"`(routecheck [^`\n]+)`", text) + re.findall(r"^\$? ?(routecheck [^\n#]+)", text, re.M)
    wrong = []
    for span in spans:
        name = span.split()[1]
        if name in PARSERS:
            wrong += [f"{span}: {flag}" for flag in FLAG.findall(span) if flag not in options(PARSERS[name])]
    assert wrong == []


def test_the_format_choices_the_readme_names() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    common = re.search(
        r"`--format ([a-z|]+)` \(cost, diff, report:\s+`([a-z|]+)`; suggest, eval: `([a-z|]+)`\)", readme)
    assert common is not None
    findings, reports, plain = (group.split("|") for group in common.groups())
    formats = {name: choices(parser, "--format") for name, parser in PARSERS.items() if "--format" in options(parser)}
    expected = {name: reports if name in ("cost", "diff", "report") else plain if name in ("suggest", "eval")
                else findings for name in formats}
    assert formats == expected
