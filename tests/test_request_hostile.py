"""Malformed input stops at the boundary: one sentence naming what is wrong, never an
exception a person would see as a traceback.

Headers a person types (``-H``), Range values (``--range``, or a server's
``Next-Range``), numbers and JSON typed into fields, and bodies nested without end.
"""

from __future__ import annotations

import json
from typing import Any

import h11
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heroku_explorer.errors import RequestInvalid, ValidationError
from heroku_explorer.protocol import RANGE_LIMIT, RangeSpec, RangeSyntaxError, parse_range
from heroku_explorer.request import build_request, coerce_text, raw_request
from heroku_explorer.schema import load_bundled
from heroku_explorer.schema.model import Attribute, Param
from heroku_explorer.values import MAX_DEPTH, too_deep

SPEC = load_bundled()
APP_LIST = SPEC.action("app.list")
assert APP_LIST is not None


def problems(**kw: Any) -> list[ValidationError]:
    with pytest.raises(RequestInvalid) as info:
        raw_request("GET", "/apps", **kw)
    return info.value.errors


def one_sentence(err: ValidationError) -> None:
    text = str(err)
    assert text and "\n" not in text and "\r" not in text and "\x1b" not in text
    assert "Traceback" not in text and len(text) < 300


# -- headers --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "value", "field", "words"), [
    ("X", "\u00e9", "header X", "outside ASCII"),
    ("X", "caf\u00e9", "header X", "outside ASCII"),
    ("X", "\u2603", "header X", "outside ASCII"),
    ("X", "a\x00b", "header X", "control character"),
    ("X", "a\x1b[31mb", "header X", "control character"),
    ("X", "a\x7f", "header X", "control character"),
    ("X", "a\r\nInjected: 1", "header X", "line breaks"),
    ("X", "a\nb", "header X", "line breaks"),
    ("X\r\nInjected", "1", "header 'X\\r\\nInjected'", "not a valid header name"),
    ("X\n", "1", "header 'X\\n'", "not a valid header name"),
    ("Bad Header", "1", "header 'Bad Header'", "not a valid header name"),
    ("X:Y", "1", "header 'X:Y'", "not a valid header name"),
    ("", "1", "header ''", "not a valid header name"),
    ("\u00c9t\u00e9", "1", "header '\u00c9t\u00e9'", "not a valid header name"),
    ("\x1b[2J", "1", "header '\\x1b[2J'", "not a valid header name"),
])
def test_a_header_that_cannot_be_sent_is_refused_by_name(name: str, value: str, field: str,
                                                         words: str) -> None:
    (err,) = problems(headers=[(name, value)])
    assert err.field == field and words in err.message
    one_sentence(err)
    # the same rule for a request built from an action
    with pytest.raises(RequestInvalid) as info:
        build_request(APP_LIST, {}, headers=[(name, value)])
    assert [e.field for e in info.value.errors] == [field]


def test_optional_white_space_is_not_part_of_a_value() -> None:
    spec = raw_request("GET", "/apps", headers=[("X-Trace", "  a\tb \t")])
    assert spec.headers == (("X-Trace", "a\tb"),)
    assert raw_request("GET", "/apps", headers=[("X-Empty", "")]).headers == (("X-Empty", ""),)


def test_conditionals_go_through_the_same_rule() -> None:
    with pytest.raises(RequestInvalid) as info:
        build_request(APP_LIST, {}, if_none_match='"\u00e9tag"', if_match="a\r\nb")
    assert {e.field for e in info.value.errors} == {"header If-None-Match", "header If-Match"}


def _sendable(pairs: tuple[tuple[str, str], ...]) -> None:
    """Headers every stack writes: httpx takes them and h11 would put them on the wire."""
    httpx.Request("GET", "http://127.0.0.1/", headers=list(pairs))
    h11.Request(method="GET", target="/", headers=[("Host", "127.0.0.1"), *pairs])


header_text = st.text(max_size=20) | st.sampled_from(
    ["\u00e9", "\r\n", "\n", "\x00", "\x1b", " x ", "\t", "\u202e", "\x85", "\ufeff", "a:b"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(header_text, header_text), max_size=4))
def test_any_header_is_refused_by_name_or_sendable(pairs: list[tuple[str, str]]) -> None:
    for build in (lambda: raw_request("POST", "/apps", "{}", pairs),
                  lambda: build_request(APP_LIST, {}, headers=pairs)):
        try:
            spec = build()
        except RequestInvalid as exc:
            assert exc.errors
            for err in exc.errors:
                assert err.field.startswith("header ")
                one_sentence(err)
            continue
        _sendable(spec.headers)


# -- Range ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "words"), [
    ("id ..; max=\u00b2", "whole number"),          # "²".isdigit() is True, int("²") fails
    ("id ..; max=\u0663", "whole number"),          # an Arabic-Indic three
    ("id ..; max=\uff11\uff10", "whole number"),    # full-width digits
    ("id ..; max=" + "9" * 5000, "over the limit"),  # past int()'s digit limit
    ("id ..; max=" + "0" * 5000 + "5", None),
    (f"id ..; max={RANGE_LIMIT + 1}", "over the limit"),
    ("id ..; max=0", "whole number"),
    ("id ..; max=-1", "whole number"),
    ("id ..; max=1.5", "whole number"),
    ("id ..; max=", "whole number"),
    ("id ..; order=sideways", "asc or desc"),
    ("id ..; max", "key=value"),
    ("id ..; colour=red", "unknown range parameter"),
    ("", "empty"),
    ("   ", "empty"),
    ("..", "attribute"),
    ("na\u00efve ..", "attribute name"),
    ("id\x1b[2J ..", "attribute name"),
    ("id \u00e9..", "outside ASCII"),          # a server's Next-Range, read as latin-1
    ("id ]a\r\n..", "control character"),
    ("name a..\u00e9; max=2", "outside ASCII"),
    ("1d ..", "attribute name"),
    ("id 1-2", "[start]..[end]"),
])
def test_garbage_ranges_say_what_is_wrong(text: str, words: str | None) -> None:
    if words is None:
        assert parse_range(text).max == 5
        return
    with pytest.raises(RangeSyntaxError) as info:
        parse_range(text)
    message = str(info.value)
    assert words in message and len(message) < 200 and "\x1b" not in message


def test_a_range_typed_for_a_request_is_refused_by_name() -> None:
    for text in ("id ..; max=\u00b2", "id ..; max=" + "9" * 5000, "id \u00e9..; max=1"):
        with pytest.raises(RequestInvalid) as info:
            build_request(APP_LIST, {}, range=text)
        (err,) = info.value.errors
        assert err.field == "range"
        one_sentence(err)
    spec = build_request(APP_LIST, {}, range=" name ..; max=5 ")
    assert spec.header("Range") == "name ..; max=5"
    assert build_request(APP_LIST, {}, range=RangeSpec("name", max=5)).header("Range") == (
        "name ..; max=5")


range_text = st.text(max_size=40) | st.builds(
    lambda attr, start, end, params: f"{attr} {start}..{end}{params}",
    st.sampled_from(["id", "name", "", "na me", "\u00e9"]),
    st.sampled_from(["", "]", "a", "\u00b2", "]]", "..", "\x00"]),
    st.sampled_from(["", "[", "z", "[[", "\u00b2"]),
    st.text(alphabet="; ,=maxorderscd0123456789\u00b2\u0663-.", max_size=24),
)


@settings(max_examples=1000, deadline=None)
@given(range_text)
def test_parse_range_raises_only_range_syntax_error(text: str) -> None:
    try:
        spec = parse_range(text)
    except RangeSyntaxError as exc:
        assert str(exc) and type(exc) is RangeSyntaxError
        return
    assert spec.max is None or 1 <= spec.max <= RANGE_LIMIT
    assert parse_range(str(spec)).max == spec.max
    # what is parsed can be asked for, or is refused by name
    try:
        built = build_request(APP_LIST, {}, range=text)
    except RequestInvalid as exc:
        assert {e.field for e in exc.errors} == {"range"}
    else:
        _sendable(built.headers)


def test_parse_range_refuses_what_is_not_text() -> None:
    for value in (None, 5, b"id ..", ["id .."]):
        with pytest.raises(RangeSyntaxError):
            parse_range(value)  # type: ignore[arg-type]


# -- numbers, JSON and nesting ----------------------------------------------------------


def attr(name: str, *types: str) -> Attribute:
    return Attribute(name=name, path=(name,), types=types)


@pytest.mark.parametrize(("kind", "text"), [
    ("integer", "\u00b2"), ("integer", "\u0663"), ("integer", "1" * 5000),
    ("number", "\u00b2"), ("number", "1_000"), ("number", "\u0663.5"), ("number", "9" * 5000),
    ("number", "infinity"), ("number", "nan"), ("integer", "+"),
])
def test_typed_numbers_are_ascii_and_bounded(kind: str, text: str) -> None:
    with pytest.raises(ValidationError) as info:
        coerce_text(Param("n", "body", False, attr("n", kind)), text)
    assert info.value.field == "n"
    one_sentence(info.value)


@pytest.mark.parametrize(("kind", "text", "value"), [
    ("integer", "42", 42), ("integer", "-7", -7), ("number", "1.5", 1.5), ("number", "1e3", 1000.0),
    ("number", ".5", 0.5), ("number", "3", 3),
])
def test_plain_numbers_still_work(kind: str, text: str, value: Any) -> None:
    assert coerce_text(attr("n", kind), text) == value


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_json_nested_without_end_is_refused() -> None:
    for levels in (MAX_DEPTH + 2, 3000, 100_000):
        with pytest.raises(ValidationError) as info:
            coerce_text(attr("o", "array"), deep(levels))
        assert "nested deeper" in str(info.value)
        (err,) = problems(body=deep(levels))
        assert err.field == "body" and "nested deeper" in err.message
    nested: Any = []
    for _ in range(3000):
        nested = [nested]
    (err,) = problems(body=nested)
    assert "nested deeper" in err.message
    with pytest.raises(RequestInvalid) as info:
        build_request(SPEC.action("app.create"), {"name": nested})  # type: ignore[arg-type]
    assert [e.field for e in info.value.errors] == ["name"]
    assert coerce_text(attr("o", "array"), deep(10)) == json.loads(deep(10))


def test_too_deep_needs_no_recursion() -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert too_deep(loop)
    assert not too_deep({"a": [{"b": [1]}]})
    assert too_deep(json.loads(deep(MAX_DEPTH + 1)))
    assert not too_deep(json.loads(deep(MAX_DEPTH)))


@pytest.mark.parametrize("body", ['{"a": NaN}', "[Infinity]", "-Infinity", b"\xff\xfe{", "{"])
def test_raw_bodies_must_be_json(body: str | bytes) -> None:
    (err,) = problems(body=body)
    assert err.field == "body"
    one_sentence(err)


@pytest.mark.parametrize("method", ["GE T", "", "G\u00c9T", "GET\x00", "\x1b[2J"])
def test_a_method_that_is_not_one_says_so(method: str) -> None:
    with pytest.raises(RequestInvalid) as info:
        raw_request(method, "/apps")
    (err,) = info.value.errors
    assert err.field == "method"
    one_sentence(err)
