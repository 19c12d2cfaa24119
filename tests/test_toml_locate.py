"""KeyLocator on tricky TOML: exact (line, column) of keys, table headers and array elements."""

from __future__ import annotations

import tomllib

import pytest

from routecheck.toml_locate import KeyLocator, KeyPath


def at(text: str, *paths: KeyPath) -> list[tuple[int, int]]:
    tomllib.loads(text)  # every case is valid TOML: the locator only ever sees accepted documents
    locator = KeyLocator(text)
    return [locator.locate(path) for path in paths]


def test_multi_line_strings_hide_fake_headers_and_keys() -> None:
    text = 'a = """\n[fake]\nkey = 1\n"""\nb = \'\'\'\n[[fake2]]\nkey = 2\n\'\'\'\nc = 3\n'
    assert at(text, ("a",), ("b",), ("c",), ("fake",), ("key",), ("fake2",)) == [
        (1, 1), (5, 1), (9, 1), (1, 1), (1, 1), (1, 1)
    ]


def test_multi_line_strings_with_escaped_and_trailing_quotes() -> None:
    text = "s = '''x'''''\nv = \"\"\"a\\\"\"\"b\"\"\"\"\"\nw = 1\n"
    assert tomllib.loads(text) == {"s": "x''", "v": 'a"""b""', "w": 1}
    assert at(text, ("s",), ("v",), ("w",)) == [(1, 1), (2, 1), (3, 1)]


def test_quoted_keys_with_escapes_and_literal_keys_with_dots() -> None:
    text = '"quo\\"ted" = 1\n\'lit.eral\' = 2\n"\\u00e9t\\u00e9" = 3\n[x."y z".\'w\']\n  k = 1\n'
    assert at(text, ('quo"ted',), ("lit.eral",), ("été",), ("x", "y z", "w"), ("x", "y z", "w", "k")) == [
        (1, 1), (2, 1), (3, 1), (4, 1), (5, 3)
    ]


def test_dotted_keys_with_spaces_point_at_each_part() -> None:
    text = "a.b . c = 1\n[ t . u ]\nv = 1\n"
    assert at(text, ("a",), ("a", "b"), ("a", "b", "c"), ("t", "u"), ("t", "u", "v")) == [
        (1, 1), (1, 3), (1, 7), (2, 1), (3, 1)
    ]


def test_nested_arrays_of_tables_count_per_parent() -> None:
    text = "[[a]]\n[[a.b]]\nc = 1\n[[a.b]]\nc = 2\n[[a]]\n[[a.b]]\nc = 3\n[a.d]\ne = 1\n"
    assert at(text, ("a", 0), ("a", 0, "b", 1, "c"), ("a", 1), ("a", 1, "b", 0, "c"), ("a", 1, "d", "e")) == [
        (1, 1), (5, 1), (6, 1), (8, 1), (10, 1)
    ]


def test_inline_tables_and_arrays_with_comments() -> None:
    text = "t = { a = 1, b = { c = [1, {d = 2}] } }  # comment [x]\n# [y]\nu = [ # c\n  1, # x\n  [2, 3],\n]\n"
    paths: list[KeyPath] = [("t", "a"), ("t", "b", "c", 1), ("t", "b", "c", 1, "d"), ("u", 0), ("u", 1, 1), ("y",)]
    assert at(text, *paths) == [(1, 7), (1, 28), (1, 29), (4, 3), (5, 7), (1, 1)]


def test_crlf_line_endings() -> None:
    text = "a = 1\r\n[b]\r\nc = 'x'\r\n  d = [\r\n    1,\r\n    2,\r\n  ]\r\n"
    assert at(text, ("a",), ("b",), ("b", "c"), ("b", "d", 1)) == [(1, 1), (2, 1), (3, 1), (6, 5)]


def test_unlocated_keys_fall_back_to_the_nearest_enclosing_key() -> None:
    text = "[tasks.t]\ntier = 'x'\n"
    assert at(text, ("tasks", "t", "kind"), ("tasks", "t", "upgrade", 3, "to"), ("nothing", "here"), ()) == [
        (1, 1), (1, 1), (1, 1), (1, 1)
    ]


def test_columns_count_characters_not_bytes() -> None:
    assert at('x = "ééé"; y = 1\n'.replace("; ", "\n  ") + "[\"ü\"]\nz = 1\n", ("y",), ("ü", "z")) == [(2, 3), (4, 1)]


def test_first_occurrence_wins_for_a_table_named_again_by_a_subtable() -> None:
    text = "[a.b]\nx = 1\n[a]\ny = 2\n"
    assert at(text, ("a",), ("a", "b"), ("a", "y")) == [(1, 1), (1, 1), (4, 1)]


@pytest.mark.parametrize(
    "value", ['"a,]}#b"', "'lit # not a comment'", "1979-05-27T07:32:00Z", "1979-05-27 07:32:00", "+inf", "0xdead",
              "[ ]", "{}", '"\\"\\\\"']
)
def test_values_of_every_kind_are_skipped_cleanly(value: str) -> None:
    text = f"a = {value}\nb = [{value}, 2]\nc = 3\n"
    assert at(text, ("a",), ("b", 1), ("c",)) == [(1, 1), (2, len(value) + 8), (3, 1)]
