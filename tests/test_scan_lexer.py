"""The string lexer against Python's own tokenizer: the same string tokens, the same comments."""

from __future__ import annotations

import ast
import io
import tokenize
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routecheck.scan.lexer import LineIndex, comments, string_tokens


def spans(text: str) -> list[tuple[int, int]]:
    return [(t.start, t.end) for t in string_tokens(text)]


def test_prefixes_quotes_and_comments() -> None:
    text = 'a = rb"x\\"y" + f\'{b}\'  # "not a string"\nc = """one\n# not a comment\n"""; d = U"u"\n'
    assert [text[s:e] for s, e in spans(text)] == ['rb"x\\"y"', "f'{b}'", '"""one\n# not a comment\n"""', 'U"u"']
    assert [(LineIndex(text).position(o), c) for o, c in comments(text)] == [((1, 24), '# "not a string"')]


def test_letters_that_end_a_name_are_no_prefix() -> None:
    assert spans('xf"a" rbf"b" _b"c"') == [(2, 5), (9, 12), (15, 18)]


# Implicit concatenation cannot mix bytes and text, so each line draws from one of the two pools.
TEXTS = ['"a"', "'b'", "f'{x}'", 'F"{y!r:>3}"', '"""doc\n# no comment\n"""', "'''it's'''", "u'é'", "fr'{z}'",
         '"#"', "''", '""""""', "'\\\n'", 'f"{x[\'k\']}"', "R'\\''"]
BYTES = ['rb"\\\\"', 'b"\\""', "Rb'\\''", "br'x#'", "b''", 'B"""\n"""']
LINES = st.tuples(
    st.sampled_from([TEXTS, BYTES]).flatmap(lambda pool: st.lists(st.sampled_from(pool), min_size=1, max_size=4)),
    st.sampled_from([" ", "\n    ", " + ", " +\\\n    "]),
    st.sampled_from(["", "  # c 'q' \"r\"", "#", "  # \"\"\"", " # x = 'claude'"]),
).map(lambda t: f"x = ({t[1].join(t[0])}){t[2]}\n")


def _python_tokens(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    index = [0]
    for line in text.splitlines(keepends=True):
        index.append(index[-1] + len(line))
    strings, found = [], []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        start = index[token.start[0] - 1] + token.start[1]
        if token.type == tokenize.STRING:
            strings.append((start, index[token.end[0] - 1] + token.end[1]))
        elif token.type == tokenize.COMMENT:
            found.append(start)
    return strings, found


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=8).map("".join))
def test_same_tokens_as_pythons_tokenizer(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ast.parse(text)  # valid Python by construction: the tokenization to agree with is Python's
    strings, found = _python_tokens(text)
    assert spans(text) == strings
    assert [offset for offset, _ in comments(text)] == found
