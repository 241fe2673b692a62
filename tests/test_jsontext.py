"""Reading schema text: decoding, JavaScript module preambles, errors and cut-off repair."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heroku_explorer.errors import SchemaError
from heroku_explorer.schema.jsontext import TOP_LEVEL, decode_text, parse_document, position

# --- decode_text -----------------------------------------------------------------------


def test_decode_strips_bom() -> None:
    assert decode_text(b'\xef\xbb\xbf{"a": 1}', "x") == '{"a": 1}'


@pytest.mark.parametrize("raw", [b'{"a": "\x00"}', b"\x1f\x8b\x08\x00rest", b"\x89PNG\r\n"])
def test_decode_refuses_binary(raw: bytes) -> None:
    with pytest.raises(SchemaError) as info:
        decode_text(raw, "blob.bin")
    assert info.value.reason == "this is a binary file, not a JSON schema"
    assert info.value.origin == "blob.bin"


def test_decode_names_the_first_bad_byte() -> None:
    with pytest.raises(SchemaError) as info:
        decode_text(b'{"a": "\xff"}', "x")
    assert info.value.reason == "the file is not valid UTF-8 at byte 7"


def test_decode_counts_the_bom_in_byte_offsets() -> None:
    with pytest.raises(SchemaError) as info:
        decode_text(b'\xef\xbb\xbf{"a": "\xc3"}', "x")
    assert info.value.reason == "the file is not valid UTF-8 at byte 10"


@pytest.mark.parametrize("raw", [b"", b"   \n\t  ", b"\xef\xbb\xbf\n"])
def test_decode_refuses_empty(raw: bytes) -> None:
    with pytest.raises(SchemaError) as info:
        decode_text(raw, "x")
    assert info.value.reason == "the file is empty"


def test_decode_refuses_utf16() -> None:
    with pytest.raises(SchemaError) as info:
        decode_text('{"a": 1}'.encode("utf-16"), "x")
    assert "UTF-16" in info.value.reason


# --- well-formed input -----------------------------------------------------------------


def test_plain_json_is_parsed_with_nothing_cut() -> None:
    assert parse_document('  {"a": [1, 2.5, "x", true, null]}\n', "x", lenient=False) == (
        {"a": [1, 2.5, "x", True, None]},
        (),
    )


@pytest.mark.parametrize(
    "text",
    [
        'module.exports = {"a": 1};',
        'UNPKG\n\nsome-package\n\nmodule.exports = {"a": 1}\n',
        'header text\nmodule.exports={"a": 1} ;  \n\n',
        'exports.schema = {"a": 1};',
        'export default {"a": 1};\n',
        '// generated\nmodule.exports =\n  {"a": 1};',
    ],
)
def test_javascript_module_text_is_accepted(text: str) -> None:
    assert parse_document(text, "x", lenient=False) == ({"a": 1}, ())


def test_marker_inside_plain_json_is_just_text() -> None:
    text = '{"note": "module.exports = {}"}'
    assert parse_document(text, "x", lenient=False) == ({"note": "module.exports = {}"}, ())


# --- error positions -------------------------------------------------------------------


def _error(text: str, lenient: bool = False) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        parse_document(text, "snippet.json", lenient=lenient)
    return info.value


def test_missing_comma_reports_line_and_column() -> None:
    err = _error('{\n  "a": 1\n  "b": 2\n}')
    assert err.where == "line 3, column 3"
    assert err.reason == "expected ',' or '}' after an object member"
    assert err.origin == "snippet.json"


def test_preamble_lines_are_counted() -> None:
    text = 'page title\n\nsome text\nmodule.exports = {\n  "a": [1, 2\n  "b"\n};'
    err = _error(text)
    assert err.where == "line 6, column 3"
    assert err.reason == "expected ',' or ']' after an array element"


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ('{"a": 1,}', "line 1, column 9", "trailing comma"),
        ("[1, 2,]", "line 1, column 7", "trailing comma"),
        ("{'a': 1}", "line 1, column 2", "double quotes"),
        ('{"a" 1}', "line 1, column 6", "expected ':'"),
        ('{"a": "one\ntwo"}', "line 1, column 11", "control character"),
        ('{"a": "\\q"}', "line 1, column 8", "not a valid escape"),
        ('{"a": 01}', "line 1, column 7", "malformed"),
        ('{"a": NaN}', "line 1, column 7", "NaN"),
        ('{"a": 1} extra', "line 1, column 10", "after the end"),
        ('module.exports = {"a": 1};\nmore', "line 2, column 1", "after the end"),
        ('{"a": // note\n 1}', "line 1, column 7", "comments"),
        ("{\n\n   nope: 1}", "line 3, column 4", "member name"),
        ("<!doctype html><html></html>", "line 1, column 1", "HTML"),
    ],
)
def test_syntax_errors_are_plain_sentences(text: str, where: str, words: str) -> None:
    for lenient in (False, True):
        err = _error(text, lenient)
        assert err.where == where
        assert words in err.reason


def test_column_counts_characters_not_bytes() -> None:
    err = _error('{"é": 1 "b": 2}')
    assert err.where == "line 1, column 9"


def test_position_helper() -> None:
    assert position("ab\ncd", 0) == "line 1, column 1"
    assert position("ab\ncd", 4) == "line 2, column 2"


# --- cut-off documents -----------------------------------------------------------------


def test_cut_off_is_an_error_when_strict() -> None:
    err = _error('{"a": 1,\n "b": {"c": [1, 2')
    assert err.where == "line 2, column 18"  # just after the last character
    assert "cut off" in err.reason
    assert "--lenient" in err.reason
    assert "middle of an array" in err.reason


@pytest.mark.parametrize(
    ("text", "doc", "cut"),
    [
        ('{"a": 1, "b": {"c": [1, {"d": 2',
         {"a": 1, "b": {"c": [1, {}]}}, ("b/c/1", "b/c", "b", TOP_LEVEL)),
        ('{"a": 1, "b"', {"a": 1}, (TOP_LEVEL,)),
        ('{"a": 1, "b":', {"a": 1}, (TOP_LEVEL,)),
        ('{"a": 1,', {"a": 1}, (TOP_LEVEL,)),
        ('{"a": 1, "b": "half a str', {"a": 1}, (TOP_LEVEL,)),
        ('{"a": "esc \\', {}, (TOP_LEVEL,)),
        ('{"a": "\\u00', {}, (TOP_LEVEL,)),
        ('{"a": tr', {}, (TOP_LEVEL,)),
        ('{"a": true', {"a": True}, (TOP_LEVEL,)),  # a literal cannot grow
        ('[1, 2, 3', [1, 2], (TOP_LEVEL,)),
        ('[1, -', [1], (TOP_LEVEL,)),
        ('{"x": {"y": {}, "z": [', {"x": {"y": {}, "z": []}}, ("x/z", "x", TOP_LEVEL)),
        ('{"a/b": {"c": 1, ', {"a/b": {"c": 1}}, ("a/b", TOP_LEVEL)),
        ('module.exports = {\n  "k": [\n    {"v": 1},\n    {"v"', {"k": [{"v": 1}, {}]},
         ("k/1", "k", TOP_LEVEL)),
    ],
)
def test_lenient_repairs_a_cut_off_document(text: str, doc: Any, cut: tuple[str, ...]) -> None:
    assert parse_document(text, "x", lenient=True) == (doc, cut)


@pytest.mark.parametrize("text", ["", "  \n ", ";"])
def test_no_value_at_all(text: str) -> None:
    assert _error(text, lenient=True).reason == "the file holds no JSON value"


def test_nothing_to_recover_is_still_an_error() -> None:
    for text in ('"half a string', "module.exports = ", "-"):
        err = _error(text, lenient=True)
        assert err.where is not None and err.where.startswith("line 1")


def test_seed_is_cut_off_inside_oauth_authorization(seed_path: Path) -> None:
    text = decode_text(seed_path.read_bytes(), str(seed_path))
    preamble_lines = text[: text.index("module.exports")].count("\n")
    with pytest.raises(SchemaError) as info:
        parse_document(text, str(seed_path), lenient=False)
    last_line = text.rstrip().splitlines()[-1]
    assert info.value.where == f"line {preamble_lines + 1}, column {len(last_line) + 1}"
    assert "cut off" in info.value.reason

    doc, cut = parse_document(text, str(seed_path), lenient=True)
    assert cut == (
        "resources/OAuth Authorization/actions/Info",
        "resources/OAuth Authorization/actions",
        "resources/OAuth Authorization",
        "resources",
        TOP_LEVEL,
    )
    info_action = doc["resources"]["OAuth Authorization"]["actions"]["Info"]
    assert info_action == {"method": "GET", "path": "/oauth/authorizations/{authorization_id}"}


def _is_prefix(part: Any, full: Any, path: tuple[str, ...], cut: set[str]) -> bool:
    """``part`` equals ``full`` except inside containers named in ``cut``, where it may
    hold only a leading subset of the members."""
    if "/".join(path) not in cut and (path or TOP_LEVEL not in cut):
        return bool(part == full)
    if isinstance(part, dict) and isinstance(full, dict):
        keys = list(full)[: len(part)]
        return list(part) == keys and all(
            _is_prefix(part[k], full[k], (*path, k), cut) for k in part)
    if isinstance(part, list) and isinstance(full, list):
        pairs = zip(part, full[: len(part)], strict=True)
        return len(part) <= len(full) and all(
            _is_prefix(p, f, (*path, str(i)), cut) for i, (p, f) in enumerate(pairs))
    return False


def test_any_cut_point_repairs_to_a_prefix_of_the_document(ref_2013_path: Path) -> None:
    text = ref_2013_path.read_text(encoding="utf-8")
    full = json.loads(text)
    for end in range(1, len(text) - 1, 641):
        chunk = text[:end]
        if not chunk.strip():
            continue
        doc, cut = parse_document(chunk, "cut.json", lenient=True)
        assert cut, end
        assert _is_prefix(doc, full, (), set(cut)), end
