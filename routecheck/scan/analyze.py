"""One Python file's facts from its bytes: decode, prefilter, then analyse what is worth it.

Most files end at the byte prefilter. The rest are read statement by statement: the lexer finds the
strings that hold a needle word and the text shaped like an SDK or routing call, `LogicalLines` says
which statements those sit in, and `ast` parses only those statements (a few lines each). A file is
parsed whole, as before, only when a routing call names something only the module's scopes resolve
(a constant, an Enum member, a Literal-typed parameter), when its definitions are wanted by another
module, or when a statement does not parse on its own (then a syntax error is Python's own note).
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import sys
import warnings
from dataclasses import dataclass

from routecheck.model_ids import ModelMatcher
from routecheck.scan.calls import CallCollector, parse_fragment, select_statements
from routecheck.scan.facts import FileFacts, FileNote, Suppression
from routecheck.scan.lexer import Positions, token_spans
from routecheck.scan.notebook import read_notebook
from routecheck.scan.prefilter import Prefilter
from routecheck.scan.settings import CLIENT_FIRST_LINE, ScanSettings
from routecheck.scan.source import Undecodable, decode_python
from routecheck.scan.strings import Run, candidate_runs, documentation_starts, model_hits
from routecheck.scan.structure import LogicalLines, local_standalone, statement_window
from routecheck.scan.suppress import parse_suppressions

_END = sys.maxsize  # sorts after any span end: bisect on (offset, _END) finds the span starting at or before offset


@dataclass(frozen=True, slots=True)
class ParseJob:
    """A file the prefilter admitted: what analysing it needs (picklable, for a worker process)."""

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
        self._quoted = tuple((name, name.encode(), f'"{name}"'.encode(), f"'{name}'".encode())
                             for name in (settings.task_names if settings.task_usage else ()))

    def python(self, data: bytes, *, symbols: bool = False) -> FileFacts:
        """The facts of a Python file; `symbols` parses it whole even when nothing in it can be a finding."""
        triaged = self.triage(data, symbols=symbols)
        facts = triaged if isinstance(triaged, FileFacts) else self.parse(triaged)
        return dataclasses.replace(facts, generated_client=True) if data.startswith(CLIENT_FIRST_LINE) else facts

    def triage(self, data: bytes, *, symbols: bool = False) -> FileFacts | ParseJob:
        """The facts of a file the prefilter rules out, or the job of analysing it."""
        # the bare name first: one search, where the quoted forms would be two for a name most files lack
        quoted = tuple(name for name, bare, dq, sq in self._quoted if bare in data and (dq in data or sq in data))
        worth = symbols or self.prefilter.models(data) or self.prefilter.calls(data)  # the cheaper test first
        if not worth and b"routecheck" not in data and b"\0" not in data[:8192]:
            return FileFacts(quoted_tasks=quoted)  # the fast path: most files end here, never decoded
        text = decode_python(data)
        if isinstance(text, Undecodable):
            return FileFacts(quoted_tasks=quoted, notes=(FileNote(text.line, text.column, text.message),))
        suppressions = parse_suppressions(text, python=True) if b"routecheck" in data else ()
        if not worth:
            return FileFacts(suppressions=suppressions, quoted_tasks=quoted)
        return ParseJob(text, suppressions, quoted, symbols)

    def notebook(self, data: bytes) -> FileFacts:
        """The facts of a notebook's code cells, placed in their cells. The cells are analysed as one module
        (a name one cell defines resolves in the next); if that does not parse, each cell on its own."""
        code = read_notebook(data)  # always: a malformed notebook is a note, whatever it holds
        if isinstance(code, FileNote):
            return FileFacts(notes=(code,))
        if not (self.prefilter.calls(data) or self.prefilter.models(data) or b"routecheck" in data):
            return FileFacts()
        whole = self._text_facts(code.text)
        if not any(note.message.startswith("syntax error") for note in whole.notes) or len(code.cells) < 2:
            return whole.in_cells(code.starts)
        parts = [self._text_facts(text).in_cells([(1, number)]) for number, text in code.cells]
        return FileFacts(
            models=tuple(h for p in parts for h in p.models), sdk_calls=tuple(c for p in parts for c in p.sdk_calls),
            route_calls=tuple(r for p in parts for r in p.route_calls),
            suppressions=tuple(s for p in parts for s in p.suppressions), quoted_tasks=whole.quoted_tasks,
            notes=tuple(n for p in parts for n in p.notes),
        )

    def _text_facts(self, text: str) -> FileFacts:
        quoted = tuple(name for name, *_ in self._quoted if f'"{name}"' in text or f"'{name}'" in text)
        suppressions = parse_suppressions(text, python=True) if "routecheck" in text else ()
        return self.parse(ParseJob(text, suppressions, quoted, symbols=False))

    def parse(self, job: ParseJob) -> FileFacts:
        """Analyse an admitted file: by its statements where that suffices, else parsed whole."""
        spans = token_spans(job.text)
        positions = Positions(job.text)
        if not job.symbols:
            facts = self._statements(job, spans, positions)
            if facts is not None:
                return facts
        return self._whole(job, spans, positions)

    def _statements(self, job: ParseJob, spans: list[tuple[int, int]], positions: Positions) -> FileFacts | None:
        """The facts from the statements around each candidate, or None where the whole file must be parsed."""
        text = job.text
        runs = candidate_runs(text, spans, self.matcher.needle_offsets(text))

        def in_code(offset: int) -> bool:  # not in a comment or string (an f-string's fields are code)
            index = bisect.bisect_right(spans, (offset, _END)) - 1
            if index < 0 or offset >= spans[index][1]:
                return True
            return text[spans[index][0]] != "#" and "f" in text[max(spans[index][0] - 2, 0):spans[index][0]].lower()

        calls = [offset for offset in self.prefilter.call_offsets(text) if in_code(offset)]
        if not runs and not calls:
            return FileFacts(suppressions=job.suppressions, quoted_tasks=job.quoted)
        structure: list[LogicalLines] = []  # built on first need: most files never need it

        def logical() -> LogicalLines:
            if not structure:
                structure.append(LogicalLines(text, spans, positions))
            return structure[0]

        def documentation(run: Run) -> bool:
            start, end = run[0].start, run[-1].end
            verdict = local_standalone(text, positions, start, end)
            return logical().standalone(start, end) if verdict is None else verdict

        try:
            models = model_hits(text, runs, self.matcher, positions, documentation)
            collector = CallCollector(text, positions, self.settings.task_calls)
            covered: set[int] = set()  # lines of the statements already walked
            for offset in calls:
                if positions.position(offset)[0] in covered:
                    continue
                window = statement_window(text, spans, positions, offset)
                parsed = None if window is None else self._fragment(text, positions, *window)
                if parsed is None or window is None:  # not a statement: the logical-line index says which is
                    window = logical().span(offset, offset + 1)
                    parsed = self._fragment(text, positions, *window)
                if parsed is None:
                    return None
                covered.update(range(window[0], window[1] + 1))
                collector.walk_fragment(parsed[0], window[0], parsed[1])
        except RecursionError:
            return None
        if collector.pending:
            return None
        found = collector.result()
        return FileFacts(tuple(models), found.sdk_calls, found.route_calls, job.suppressions, job.quoted)

    @staticmethod
    def _fragment(text: str, positions: Positions, first: int, last: int) -> tuple[list[ast.stmt], int] | None:
        """The statements of lines `first` to `last` parsed on their own, and the first line's indentation."""
        fragment = text[positions.line_start(first):positions.line_start(last + 1)]
        indent = len(fragment) - len(fragment.lstrip(" \t\f"))
        statements = parse_fragment(fragment[indent:])
        return None if statements is None else (statements, indent)

    def _whole(self, job: ParseJob, spans: list[tuple[int, int]], positions: Positions) -> FileFacts:
        """Parse the whole file with `ast`; a syntax error (or any parser failure) is a note."""
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
        # Definitions matter only to a routing call's task argument, here or in a module importing from here.
        definitions = job.symbols or self.prefilter.route_calls.search(text) is not None
        try:
            documentation = {positions.offset(line, column) for line, column in documentation_starts(tree)}
            runs = candidate_runs(text, spans, self.matcher.needle_offsets(text))
            models = model_hits(text, runs, self.matcher, positions, lambda run: run[0].start in documentation)
            collector = CallCollector(text, positions, self.settings.task_calls)
            calls = [positions.position(offset)[0] for offset in self.prefilter.call_offsets(text)]
            if calls:
                collector.walk(select_statements(tree, calls))
            if definitions:
                collector.define(tree)
            found = collector.result()
        except RecursionError:  # the walks are iterative; this guards what is not (nested assignment targets)
            return skipped(1, 1, "nested too deeply to analyse; skipped")
        return FileFacts(tuple(models), found.sdk_calls, found.route_calls, suppressions, quoted,
                         symbols=found.symbols if definitions else None)
