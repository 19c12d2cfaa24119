"""One Python file's facts from its bytes: decode, prefilter, parse with `ast` (only if worth it), collect."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

from routecheck.model_ids import ModelMatcher
from routecheck.scan.calls import CallCollector, select_statements
from routecheck.scan.facts import FileFacts, FileNote, Suppression
from routecheck.scan.lexer import Positions, string_tokens
from routecheck.scan.notebook import read_notebook
from routecheck.scan.prefilter import Prefilter
from routecheck.scan.settings import ScanSettings
from routecheck.scan.source import Undecodable, decode_python
from routecheck.scan.strings import documentation_starts, model_hits
from routecheck.scan.suppress import parse_suppressions


@dataclass(frozen=True, slots=True)
class ParseJob:
    """A file the prefilter admitted: what parsing it needs (picklable, for a worker process)."""

    text: str
    suppressions: tuple[Suppression, ...]
    quoted: tuple[str, ...]
    symbols: bool  # record what the module defines, for routing calls in other modules


class Analyzer:
    """Turns file contents into `FileFacts` for one scan's settings. Pure: same bytes, same facts."""

    def __init__(self, settings: ScanSettings) -> None:
        self.settings = settings
        self.matcher = ModelMatcher(settings.known_models, settings.model_patterns)
        self.prefilter = Prefilter(settings, self.matcher)
        self._quoted = tuple((name, f'"{name}"'.encode(), f"'{name}'".encode())
                             for name in (settings.task_names if settings.task_usage else ()))

    def python(self, data: bytes, *, symbols: bool = False) -> FileFacts:
        """The facts of a Python file; `symbols` parses it even when nothing in it can be a finding."""
        triaged = self.triage(data, symbols=symbols)
        return triaged if isinstance(triaged, FileFacts) else self.parse(triaged)

    def triage(self, data: bytes, *, symbols: bool = False) -> FileFacts | ParseJob:
        """The facts of a file the prefilter rules out, or the job of parsing it."""
        quoted = tuple(name for name, dq, sq in self._quoted if dq in data or sq in data)
        must_parse = symbols or self.prefilter.calls(data)
        models = not must_parse and self.prefilter.models(data)
        if not (must_parse or models) and b"routecheck" not in data and b"\0" not in data[:8192]:
            return FileFacts(quoted_tasks=quoted)  # the fast path: most files end here, never decoded
        text = decode_python(data)
        if isinstance(text, Undecodable):
            return FileFacts(quoted_tasks=quoted, notes=(FileNote(text.line, text.column, text.message),))
        suppressions = parse_suppressions(text, python=True) if b"routecheck" in data else ()
        if not (must_parse or (models and self.prefilter.model_in_strings(text, string_tokens(text)))):
            return FileFacts(suppressions=suppressions, quoted_tasks=quoted)
        return ParseJob(text, suppressions, quoted, symbols)

    def notebook(self, data: bytes) -> FileFacts:
        """The facts of a notebook's code cells, placed in their cells. The cells are analysed as one module
        (a name one cell defines resolves in the next); if that does not parse, each cell on its own."""
        code = read_notebook(data)  # always: a malformed notebook is a note, whatever it holds
        if isinstance(code, FileNote):
            return FileFacts(notes=(code,))
        must_parse = self.prefilter.calls(data)
        if not (must_parse or self.prefilter.models(data) or b"routecheck" in data):
            return FileFacts()
        whole = self._text_facts(code.text, must_parse)
        if not any(note.message.startswith("syntax error") for note in whole.notes) or len(code.cells) < 2:
            return whole.in_cells(code.starts)
        parts = [self._text_facts(text, must_parse).in_cells([(1, number)]) for number, text in code.cells]
        return FileFacts(
            models=tuple(h for p in parts for h in p.models), sdk_calls=tuple(c for p in parts for c in p.sdk_calls),
            route_calls=tuple(r for p in parts for r in p.route_calls),
            suppressions=tuple(s for p in parts for s in p.suppressions), quoted_tasks=whole.quoted_tasks,
            notes=tuple(n for p in parts for n in p.notes),
        )

    def _text_facts(self, text: str, must_parse: bool) -> FileFacts:
        quoted = tuple(name for name, _, _ in self._quoted if f'"{name}"' in text or f"'{name}'" in text)
        suppressions = parse_suppressions(text, python=True) if "routecheck" in text else ()
        if not (must_parse or self.prefilter.model_in_strings(text, string_tokens(text))):
            return FileFacts(suppressions=suppressions, quoted_tasks=quoted)
        return self.parse(ParseJob(text, suppressions, quoted, symbols=False))

    def parse(self, job: ParseJob) -> FileFacts:
        """Parse and analyse an admitted file; a syntax error (or any parser failure) is a note."""
        text, suppressions, quoted = job.text, job.suppressions, job.quoted

        def skipped(line: int, column: int, message: str) -> FileFacts:
            note = FileNote(line, column, message)
            return FileFacts(suppressions=suppressions, quoted_tasks=quoted, notes=(note,))

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes and the like: the code's business
                tree = ast.parse(text)
        except SyntaxError as exc:  # Python's own message and position are the familiar ones
            return skipped(exc.lineno or 1, exc.offset or 1, f"syntax error: {exc.msg}; skipped")
        except RecursionError:  # the parser's own guard against trees too deep for the C stack
            return skipped(1, 1, "nested too deeply to parse; skipped")
        except (ValueError, MemoryError) as exc:
            return skipped(1, 1, f"cannot parse ({type(exc).__name__}: {exc}); skipped")
        positions = Positions(text)
        tokens = string_tokens(text)
        # Definitions matter only to a routing call's task argument, here or in a module importing from here.
        definitions = job.symbols or self.prefilter.route_calls.search(text) is not None
        try:
            documentation = {positions.offset(line, column) for line, column in documentation_starts(tree)}
            models = model_hits(text, tokens, self.matcher, positions, documentation)
            collector = CallCollector(text, positions, self.settings.task_calls)
            calls = [positions.position(match.start())[0] for match in self.prefilter.calls_at.finditer(text)]
            if calls:
                collector.walk(select_statements(tree, calls))
            if definitions:
                collector.define(tree)
            found = collector.result()
        except RecursionError:  # the walks are iterative; this guards what is not (nested assignment targets)
            return skipped(1, 1, "nested too deeply to analyse; skipped")
        return FileFacts(tuple(models), found.sdk_calls, found.route_calls, suppressions, quoted,
                         symbols=found.symbols if definitions else None)
