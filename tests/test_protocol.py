"""The wire rules shared by the client and the sandbox."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heroku_explorer.protocol import (
    RANGE_LIMIT,
    RangeSpec,
    RangeSyntaxError,
    accept_header,
    accept_variant,
    compute_etag,
    error_body,
    etag_matches,
    parse_error_body,
    parse_range,
    parse_retry_after,
    reason_phrase,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("id ..", RangeSpec("id")),
        ("id ..; max=10;", RangeSpec("id", max=10)),
        ("name ]my-app..; max=200", RangeSpec("name", "my-app", None, True, False, 200)),
        ("name a..z[; order=desc", RangeSpec("name", "a", "z", False, True, None, "desc")),
        (
            "id 01234567-89ab-cdef-0123-456789abcdef..76543210-89ab-cdef-0123-456789abcdef",
            RangeSpec(
                "id",
                "01234567-89ab-cdef-0123-456789abcdef",
                "76543210-89ab-cdef-0123-456789abcdef",
            ),
        ),
        ("id ..; max=1000, order=asc", RangeSpec("id", max=1000, order="asc")),
        ("updated_at ]2012-01-01T12:00:00Z..", RangeSpec("updated_at", "2012-01-01T12:00:00Z",
                                                         start_exclusive=True)),
        ("id", RangeSpec("id")),
    ],
)
def test_parse_range(value: str, expected: RangeSpec) -> None:
    assert parse_range(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "   ", "..", "id ..; max=0", "id ..; max=1001", "id ..; max=ten", "id ..; order=up",
     "id ..; colour=red", "id ab", "9id ..", "id ..; max"],
)
def test_bad_ranges_say_why(value: str) -> None:
    with pytest.raises(RangeSyntaxError) as info:
        parse_range(value)
    assert str(info.value)


def test_range_round_trip_and_next_page() -> None:
    spec = RangeSpec("name", "a", "m", True, True, 10, "desc")
    assert parse_range(str(spec)) == spec
    nxt = spec.after("foo")
    assert nxt.start == "foo" and nxt.start_exclusive and nxt.max == 10
    assert RangeSpec("id").page_size == 200
    assert RANGE_LIMIT == 1000


@given(
    attr=st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True),
    start=st.one_of(st.none(), st.from_regex(r"[A-Za-z0-9:-]{1,20}", fullmatch=True)),
    end=st.one_of(st.none(), st.from_regex(r"[A-Za-z0-9:-]{1,20}", fullmatch=True)),
    sx=st.booleans(),
    ex=st.booleans(),
    mx=st.one_of(st.none(), st.integers(1, 1000)),
    order=st.sampled_from([None, "asc", "desc"]),
)
def test_range_round_trip_property(
    attr: str, start: str | None, end: str | None, sx: bool, ex: bool, mx: int | None,
    order: str | None,
) -> None:
    spec = RangeSpec(attr, start, end, sx and start is not None, ex and end is not None, mx,
                     order)  # type: ignore[arg-type]
    assert parse_range(str(spec)) == spec


@given(st.text(max_size=60))
def test_parse_range_never_raises_anything_else(text: str) -> None:
    with contextlib.suppress(RangeSyntaxError):
        parse_range(text)


def test_accept_variants() -> None:
    assert accept_variant(accept_header()) == "3"
    assert accept_variant("application/vnd.heroku+json; version=3.sdk") == "3.sdk"
    assert accept_variant("text/html, application/vnd.heroku+json; version=3") == "3"
    assert accept_variant('application/vnd.heroku+json; version="3"') == "3"
    for bad in (None, "", "*/*", "application/json", "application/vnd.heroku+json",
                "application/vnd.heroku+json; version=2",
                "application/vnd.heroku+json; version=3x"):
        assert accept_variant(bad) is None


def test_etags() -> None:
    tag = compute_etag(b"{}")
    assert tag.startswith('"') and tag.endswith('"')
    assert compute_etag(b"{}") == tag != compute_etag(b"[]")
    assert etag_matches(tag, tag)
    assert etag_matches(f'"x", {tag}', tag)
    assert etag_matches("*", tag)
    assert etag_matches("W/" + tag, tag)
    assert not etag_matches("W/" + tag, tag, weak=False)
    assert not etag_matches('"other"', tag)
    assert not etag_matches(None, tag)


def test_error_bodies() -> None:
    body = error_body("not_found")
    assert body == {"id": "not_found", "message": "Couldn't find that resource."}
    parsed = parse_error_body(b'{"id": "rate_limit", "message": "slow down", "url": "u"}')
    assert parsed is not None and parsed.id == "rate_limit" and parsed.url == "u"
    for junk in (b"", b"<html>", b"[]", b"{}", b"\xff\xfe", b'{"id": 5}'):
        assert parse_error_body(junk) is None


def test_retry_after_and_reasons() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-1") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert reason_phrase(404) == "Not Found"
    assert reason_phrase(799) == ""
