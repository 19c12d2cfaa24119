"""The code scanner (RC200-RC206): hardcoded models, direct SDK calls, task types the policy lacks.

`scan_target` walks the given paths, reads each candidate once, asks the cache or the analyzer for the
file's facts (parsing with `ast` only what the prefilter admits), resolves task types across
modules, and turns facts into findings, less suppressions and per-file-ignores.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from routecheck.deprecations import hardcoded_model_clause
from routecheck.finding import Finding, Note
from routecheck.scan.cache import CACHE_FOLDER, FactsCache, content_digest
from routecheck.scan.discovery import Selection, SourceFile, discover, file_kind, os_note
from routecheck.scan.facts import FileFacts, RouteCall, Suppression, Symbols, TaskRef
from routecheck.scan.pool import map_indices
from routecheck.scan.resolve import Resolver
from routecheck.scan.rules import (
    CodeRule,
    direct_sdk_call,
    dynamic_task,
    hardcoded_model,
    model_in_config,
    unregistered_task,
    unused_task,
)
from routecheck.scan.suppress import apply_per_file_ignores, apply_suppressions
from routecheck.scan.target import ScanTarget

if TYPE_CHECKING:  # the analysis (the lexer, the matcher) is imported only when a file must be read
    from routecheck.scan.analyze import Analyzer

__all__ = ["ScanResult", "ScanTarget", "scan_target"]


@dataclass(frozen=True)
class ScanResult:
    findings: tuple[Finding, ...]
    notes: tuple[Note, ...]
    files_scanned: int


def scan_target(
    paths: Sequence[Path],
    target: ScanTarget,
    *,
    whole_project: bool,
    today: date,
    known_codes: Collection[str],
    use_cache: bool = True,
    report_unused_suppressions: bool = False,
) -> ScanResult:
    """Scan `paths` (default: the project root) for `target`, the project and policy as plain data (what a
    cached snapshot holds); every finding and skip note. RC206 needs `whole_project`; `today` dates the
    end-of-life notes of RC201; `known_codes` are the rule codes a suppression may name (the catalogue's)."""
    settings = target.settings(whole_project=whole_project)

    @functools.cache
    def analyzer() -> Analyzer:  # built on first need: a warm rescan reads no file
        # lazy: the lexer, the matcher and their compiled patterns only when a file must be read
        from routecheck.scan.analyze import Analyzer

        return Analyzer(settings)

    selection = Selection(target.root, target.include, target.exclude)
    found = discover(list(paths) or [target.root], selection)
    notes = list(found.notes)
    client = Path(os.path.realpath(target.root / target.client)) if target.client else None
    never = {Path(os.path.realpath(p)) for p in (target.policy_path, *target.evidence_paths)}
    if client is not None:
        never.add(client)
    never_names = {p.name for p in never}
    cache = FactsCache(target.root / CACHE_FOLDER if use_cache else None, settings.fingerprint())

    facts: dict[SourceFile, FileFacts] = {}
    pending: list[tuple[SourceFile, os.stat_result]] = []
    for file in found.files:  # what the stat index already knows costs no read
        if file.path.name in never_names and Path(os.path.realpath(file.path)) in never:
            continue
        known = _known(file, cache, settings.max_bytes)
        if isinstance(known, Note):
            notes.append(known)
            facts[file] = FileFacts()
        elif isinstance(known, FileFacts):
            facts[file] = known
        else:
            pending.append((file, known))

    def analyse(index: int) -> Note | Analysed:
        file, info = pending[index]
        return _analyse(file, info.st_size, cache, analyzer(), settings.max_bytes)

    if pending:
        analyzer()  # before any worker is forked, so that every process shares it
    analysed = map_indices(analyse, [info.st_size for _, info in pending], pack=_pack, unpack=_unpack)
    for (file, info), done in zip(pending, analysed, strict=True):
        if isinstance(done, Note):
            notes.append(done)
            facts[file] = FileFacts()
        else:
            digest, facts[file], encoded = done
            cache.store(file.rel, info, digest, facts[file], encoded=encoded)

    by_path = {file.path: f for file, f in facts.items()}

    def symbols_of(path: Path) -> Symbols | None:
        known = by_path.get(path)
        if known is not None and known.symbols is not None:
            return known.symbols
        kind = file_kind(path.name)
        if kind != "python":
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        digest = content_digest(kind, data)
        cached = cache.facts(digest)
        if cached is None or cached.symbols is None:
            cached = analyzer().python(data, symbols=True)
            cache.store("", None, digest, cached)
        by_path[path] = cached
        return cached.symbols

    resolver = Resolver(symbols_of, client, roots=(target.root, *paths))
    findings: list[Finding] = []
    suppressions: dict[str, tuple[Suppression, ...]] = {}
    used_tasks: set[str] = set()
    tasks = target.task_names
    messages: dict[tuple[str, str], str] = {}  # (code, model) -> message: tens of thousands of findings, few ids

    def model_message(rule: CodeRule[[str]], model: str) -> str:
        key = (rule.rule.code, model)
        if key not in messages:
            clause = "" if rule is model_in_config else hardcoded_model_clause(model, today)
            messages[key] = rule(model) + clause
        return messages[key]

    for file, f in sorted(facts.items(), key=lambda item: item[0].display):
        if f.generated_client:
            continue  # a client generated with `--out` and no `client` key: still the client
        notes.extend(Note(file.display, n.line, n.column, n.message, n.cell) for n in f.notes)
        if f.suppressions:
            suppressions[file.display] = f.suppressions
        used_tasks.update(f.quoted_tasks)
        models = model_in_config if file.kind == "config" else hardcoded_model
        findings += [models.finding(file.display, h.line, h.column, model_message(models, h.model), model=h.model,
                                    cell=h.cell) for h in f.models]
        findings += [direct_sdk_call.finding(file.display, c.line, c.column,
                                             direct_sdk_call(c.call, called=c.called), cell=c.cell)
                     for c in f.sdk_calls]
        for call in f.route_calls:
            ref = resolver.resolve(call.ref, file.path)
            used_tasks.update(ref.values)
            findings += _route_findings(file.display, call, ref, tasks, target.policy_display)

    if whole_project:
        findings += [unused_task.finding(target.policy_display, line, column, unused_task(name), task=name)
                     for name, line, column in target.tasks if name not in used_tasks]

    outcome = apply_suppressions(findings, suppressions, known_codes)
    findings = outcome.findings + (outcome.unused if report_unused_suppressions else [])
    relative = {file.display: file.rel for file in facts}
    findings = apply_per_file_ignores(findings, dict(target.per_file_ignores), relative)
    problem = cache.save()
    if problem is not None:
        notes.append(Note(CACHE_FOLDER, 1, 1, problem))
    ordered = tuple(sorted(findings, key=Finding.sort_key))
    return ScanResult(ordered, tuple(sorted(set(notes), key=Note.sort_key)), len(facts))


def _known(file: SourceFile, cache: FactsCache, max_bytes: int) -> Note | FileFacts | os.stat_result:
    """A skip note, the facts the cache's stat index holds, or the stat of a file still to read."""
    try:
        info = os.stat(file.path)
    except OSError as exc:
        return os_note(file.display, exc, "file")
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        return Note(file.display, 1, 1, f"{what}; skipped")
    if info.st_size > max_bytes:
        return Note(file.display, 1, 1, f"larger than {max_bytes:,} bytes ({info.st_size:,}); skipped")
    digest = cache.digest_for(file.rel, info)
    cached = None if digest is None else cache.facts(digest)
    return info if cached is None else cached


#: A file's content digest, its facts, and their cache encoding when it is already made.
Analysed = tuple[str, FileFacts, list[Any] | None]


def _analyse(file: SourceFile, size: int, cache: FactsCache, analyzer: Analyzer,
             max_bytes: int) -> Note | Analysed:
    """A file's content hash and facts (the cache's, for content it has seen), or a skip note. `size` is
    what the file's stat said: reading that much unbuffered is one allocation of the file's size, where
    a buffered read of `max_bytes` allocates all of it for every file."""
    try:
        data = _read(file.path, size, max_bytes)
    except OSError as exc:
        return os_note(file.display, exc, "file")
    digest = content_digest(file.kind, data)
    cached = cache.facts(digest)
    if cached is not None:
        return digest, cached, None
    if file.kind == "config":
        from routecheck.scan.config_files import config_facts  # lazy: only a scan that reads a config file needs it

        return digest, config_facts(data, analyzer.matcher, analyzer.prefilter), None
    if file.kind == "notebook":
        return digest, analyzer.notebook(data), None
    return digest, analyzer.python(data), None


def _read(path: Path, size: int, max_bytes: int) -> bytes:
    """The file's bytes, at most `max_bytes + 1` of them (one more shows it grew past the limit)."""
    parts, total, want = [], 0, size + 1  # asking for one byte more than the stat said notices growth
    with open(path, "rb", buffering=0) as handle:
        while total <= max_bytes and (chunk := handle.read(min(want, max_bytes + 1) - total)):
            parts.append(chunk)
            total += len(chunk)
            if total >= want:
                want = max_bytes + 1
    return b"".join(parts)


def _pack(done: Note | Analysed) -> object:
    """A worker's result as plain lists, which cross a process boundary faster than dataclasses."""
    return done if isinstance(done, Note) else (done[0], done[1].to_json())


def _unpack(packed: object) -> Note | Analysed:
    if isinstance(packed, Note):
        return packed
    digest, encoded = cast(tuple[str, list[Any]], packed)
    return digest, FileFacts.from_json(encoded), encoded  # the cache keeps the encoding as it came


def _route_findings(path: str, call: RouteCall, ref: TaskRef, tasks: Collection[str],
                    policy: str) -> list[Finding]:
    if ref.kind == "dynamic":
        return [dynamic_task.finding(path, call.line, call.column, dynamic_task(call.argument, call.callee),
                                     cell=call.cell)]
    return [unregistered_task.finding(path, call.line, call.column, unregistered_task(value, tasks, policy),
                                      task=value, cell=call.cell) for value in ref.values if value not in tasks]
