"""A list answered through a ``Range`` header (grammar in :mod:`heroku_explorer.protocol`).

Items are sorted on the range attribute (ties broken by id), the bounds are
applied in the direction of the order, and the first ``max`` items are returned.
A truncated page is a 206 with ``Next-Range`` (only while more items remain); a
complete one a 200. Both carry ``Content-Range`` and ``Accept-Ranges``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Generic, TypeVar

from heroku_explorer.protocol import HeaderName, RangeSpec, RangeSyntaxError, parse_range

__all__ = ["Page", "RangeError", "paginate"]


class RangeError(ValueError):
    """The Range header cannot be satisfied: answered with 416."""


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    status: int
    headers: list[tuple[str, str]]


_Key = tuple[int, float, str]


def _key(value: Any) -> _Key:
    """Numbers sort as numbers, everything else as text; missing values first."""
    if type(value) is str:
        return (2, 0.0, value)
    if value is None:
        return (0, 0.0, "")
    if isinstance(value, bool):
        return (1, float(value), "")
    if isinstance(value, int | float):
        return (1, float(value), "")
    return (2, 0.0, value if isinstance(value, str) else str(value))


def _bound(text: str, numeric: bool) -> _Key:
    if numeric:
        try:
            return (1, float(text), "")
        except ValueError:
            raise RangeError(f"The range bound {text} is not a number.") from None
    return (2, 0.0, text)


def _after(key: _Key, bound: _Key, desc: bool, exclusive: bool) -> bool:
    """Is ``key`` on the far side of ``bound`` in the direction of the order?"""
    if key == bound:
        return not exclusive
    return key < bound if desc else key > bound


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def paginate(
    items: Sequence[T],
    header: str | None,
    sort_fields: tuple[str, ...],
    data: Callable[[T], Mapping[str, Any]],
    aliases: Mapping[str, str] | None = None,
) -> Page[T]:
    """The page of ``items`` that ``header`` asks for (the default page without one,
    in the order of ``sort_fields[0]``); ``data`` gives an item's attributes and
    ``aliases`` other names accepted for a sort attribute (both are listed in
    ``Accept-Ranges``)."""
    aliases = dict(aliases or {})
    accepted = list(dict.fromkeys([*sort_fields, *aliases]))
    accept = [(HeaderName.ACCEPT_RANGES, ", ".join(accepted))]
    try:
        spec = parse_range(header) if header and header.strip() else RangeSpec(
            attr=sort_fields[0])
    except RangeSyntaxError as exc:
        raise RangeError(str(exc)) from None
    except ValueError:  # e.g. ``max=²`` (a digit to str.isdigit, not to int) or 5,000 digits
        raise RangeError("max must be a whole number written in the digits 0-9") from None
    if spec.attr not in accepted:
        raise RangeError(f"The list cannot be ordered by {spec.attr}: use one of "
                         f"{', '.join(accepted)}, as in Range: {accepted[0]} ..; max=10.")
    attr = aliases.get(spec.attr, spec.attr)
    desc = spec.order == "desc"
    # Sort on the attribute, ties broken by id (items themselves are never compared).
    keyed = sorted((((_key(data(it).get(attr)), str(data(it).get("id", ""))), it)
                    for it in items), key=itemgetter(0), reverse=desc)
    numeric = any(k[0][0] == 1 for k, _it in keyed)
    if spec.start is not None:
        low = _bound(spec.start, numeric)
        keyed = [(k, it) for k, it in keyed if _after(k[0], low, desc, spec.start_exclusive)]
    if spec.end is not None:
        high = _bound(spec.end, numeric)
        keyed = [(k, it) for k, it in keyed if _after(high, k[0], desc, spec.end_exclusive)]
    ordered = [it for _k, it in keyed]
    size = spec.page_size
    page = ordered[:size]
    more = len(ordered) > size
    first = _text(data(page[0]).get(attr)) if page else None
    last = _text(data(page[-1]).get(attr)) if page else None
    content = RangeSpec(attr=spec.attr, start=first, end=last, max=size, order=spec.order)
    headers = [*accept, (HeaderName.CONTENT_RANGE, str(content))]
    if more and last is not None:
        following = RangeSpec(attr=spec.attr, start=last, start_exclusive=True, end=spec.end,
                              end_exclusive=spec.end_exclusive, max=size, order=spec.order)
        headers.append((HeaderName.NEXT_RANGE, str(following)))
        return Page(page, 206, headers)
    return Page(page, 200, headers)
