"""Ranges on the client side: build a ``Range`` header, read ``Content-Range``,
``Next-Range`` and ``Accept-Ranges``. The grammar itself is
:func:`heroku_explorer.protocol.parse_range`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from heroku_explorer.errors import ValidationError
from heroku_explorer.protocol import (
    RANGE_LIMIT,
    HeaderName,
    RangeSpec,
    RangeSyntaxError,
    parse_range,
)

if TYPE_CHECKING:
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.request import RequestSpec

__all__ = [
    "build_range",
    "continue_range",
    "next_page_request",
    "parse_accept_ranges",
    "parse_content_range",
    "parse_next_range",
]


def build_range(
    attr: str = "id",
    start: str | None = None,
    end: str | None = None,
    *,
    start_exclusive: bool = False,
    end_exclusive: bool = False,
    max: int | None = None,
    order: Literal["asc", "desc"] | None = None,
    sort_fields: tuple[str, ...] | None = None,
) -> RangeSpec:
    """A checked :class:`RangeSpec`; ``str()`` of it is the header value.

    Raises :class:`ValidationError` (field ``range``) for a ``max`` outside 1 to
    1000, an unknown ``order`` or an attribute not in ``sort_fields``.
    """
    if max is not None and not 1 <= max <= RANGE_LIMIT:
        raise ValidationError("range", f"max must be from 1 to {RANGE_LIMIT}, got {max}")
    if order not in (None, "asc", "desc"):
        raise ValidationError("range", f"order must be asc or desc, got {order!r}")
    if sort_fields and attr not in sort_fields:
        raise ValidationError(
            "range", f"cannot sort on {attr!r}; expected one of {', '.join(sort_fields)}")
    spec = RangeSpec(attr=attr, start=start or None, end=end or None,
                     start_exclusive=start_exclusive, end_exclusive=end_exclusive,
                     max=max, order=order)
    try:
        parsed = parse_range(str(spec))
    except RangeSyntaxError as exc:
        raise ValidationError("range", str(exc)) from None
    if parsed != spec:
        raise ValidationError("range", f"{str(spec)!r} does not read back as written; "
                              "check the attribute and the bounds")
    return spec


def _parse(value: str | None) -> RangeSpec | None:
    if not value:
        return None
    try:
        return parse_range(value)
    except (RangeSyntaxError, ValueError, TypeError, OverflowError, RecursionError):
        # A server's value: whatever fails to parse is "absent", never an exception.
        return None


def parse_content_range(value: str | None) -> RangeSpec | None:
    """The range a list response covers; ``None`` when absent or unreadable."""
    return _parse(value)


def parse_next_range(value: str | None) -> RangeSpec | None:
    """The range of the next page; ``None`` when absent or unreadable."""
    return _parse(value)


_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.\-]{0,99}")


def parse_accept_ranges(value: str | None) -> tuple[str, ...]:
    """The attributes a list may be sorted on: ``id, name`` -> ``("id", "name")``."""
    if not value:
        return ()
    # A server's value is outside text: only names an attribute can have are kept.
    return tuple(name for part in value.split(",")
                 if (name := part.strip()) and _ATTRIBUTE_NAME.fullmatch(name))


def continue_range(next_range: str, previous: str | None) -> str:
    """The ``Range`` for the next page: ``Next-Range`` verbatim, keeping the
    ``max`` (and ``order``) the previous request asked for when the server's value
    leaves them out."""
    nxt, prev = _parse(next_range), _parse(previous)
    if nxt is None or prev is None:
        return next_range
    extra = []
    if nxt.max is None and prev.max is not None:
        extra.append(f"max={prev.max}")
    if nxt.order is None and prev.order is not None:
        extra.append(f"order={prev.order}")
    if not extra:
        return next_range
    head = next_range.strip().rstrip(";").rstrip()
    joiner = ", " if ";" in head else "; "
    return head + joiner + ", ".join(extra)


def next_page_request(exchange: Exchange) -> RequestSpec | None:
    """The request for the page after ``exchange``: its ``Next-Range`` as the
    ``Range`` (keeping the ``max`` asked for), or ``None`` on the last page."""
    if exchange.status != 206 or not exchange.next_range or exchange.spec is None:
        return None
    # A Next-Range that does not parse is dropped (with a note) when the answer is
    # read; this is the net for exchanges made elsewhere.
    if parse_next_range(exchange.next_range) is None:
        return None
    spec = exchange.spec
    try:
        value = continue_range(exchange.next_range, spec.header(HeaderName.RANGE))
        return spec.with_header(HeaderName.RANGE, value).with_header(HeaderName.IF_NONE_MATCH, None)
    except Exception:  # a server's value must not end the caller
        return None
