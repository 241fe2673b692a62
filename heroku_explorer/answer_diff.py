"""Two answers compared by key path: what was added, removed or changed.

Not a line diff: objects are compared key by key, lists of objects are matched by
their ``id`` where every item has one (else by position), so a list that only
changed order, or an app that moved to another page, shows only what changed in
each item. Paths read like jq's: ``.owner.email``, ``[2].name``,
``[id=01234567-...].state``.

Both sides are compared in their redacted form (:func:`redacted`): history keeps
nothing secret, and a fresh answer is redacted the same way before it is compared,
so a diff never shows a secret, not even that one changed into another.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from heroku_explorer import redaction
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from collections.abc import Sequence

    from heroku_explorer.client.history import HistoryEntry
    from heroku_explorer.client.response import Exchange

__all__ = ["MAX_CHANGES", "Change", "ChangeKind", "answer_of", "diff", "earlier", "redacted",
           "render", "stored_answer", "summary"]

ChangeKind = Literal["added", "removed", "changed"]

#: Changes listed at most (a diff of two unrelated lists stops there).
MAX_CHANGES = 500
_MAX_DEPTH = 64
_MARK = {"added": "+", "removed": "-", "changed": "~"}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: at ``path``, ``old`` became ``new`` (absent on one side for
    ``added`` / ``removed``)."""

    path: str
    kind: ChangeKind
    old: Any = None
    new: Any = None


def redacted(data: Any, url_path: str = "", secrets: Iterable[str] = ()) -> Any:
    """``data`` as history keeps it: secret fields, config-var values (for a config-var
    URL) and the known ``secrets`` replaced by ``[REDACTED]``."""
    try:
        return redaction.redact_json(data, secrets=tuple(secrets),
                                     config_vars=redaction.is_config_var_path(url_path))
    except RecursionError:
        return redaction.REDACTED


def answer_of(exchange: Exchange, secrets: Iterable[str] = ()) -> Any:
    """An exchange's JSON answer redacted as history keeps it; ``None`` when it has
    no complete JSON answer."""
    if exchange.body_state != "json" or exchange.truncated or exchange.status is None:
        return None
    return redacted(exchange.data, urlsplit(exchange.url).path, secrets)


def stored_answer(entry: HistoryEntry) -> Any:
    """A history row's JSON answer (already redacted); ``None`` when it kept none."""
    if entry.body_state != "json" or entry.body_truncated or not entry.response_body:
        return None
    try:
        return json.loads(entry.response_body)
    except (ValueError, RecursionError):
        return None


def earlier(current: Exchange, exchanges: Sequence[Exchange]) -> Exchange | None:
    """The newest exchange of ``exchanges`` (oldest first) before ``current`` with its
    method and URL and a JSON answer: what ``current`` is compared with by default."""
    for item in reversed(exchanges):
        if item is current:
            continue
        if item.method == current.method and item.url == current.url \
                and item.body_state == "json" and item.error is None and item.status:
            return item
    return None


def diff(old: Any, new: Any, *, limit: int = MAX_CHANGES) -> list[Change]:
    """The changes from ``old`` to ``new`` (both parsed JSON), at most ``limit``."""
    out: list[Change] = []
    _walk(old, new, "", out, limit, 0)
    return out


def _walk(old: Any, new: Any, path: str, out: list[Change], limit: int, depth: int) -> None:
    if len(out) >= limit:
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping) and depth < _MAX_DEPTH:
        for key in old:
            if key not in new:
                _add(out, limit, Change(_key(path, key), "removed", old=old[key]))
        for key in new:
            if key not in old:
                _add(out, limit, Change(_key(path, key), "added", new=new[key]))
            else:
                _walk(old[key], new[key], _key(path, key), out, limit, depth + 1)
        return
    if isinstance(old, list) and isinstance(new, list) and depth < _MAX_DEPTH:
        old_ids, new_ids = _ids(old), _ids(new)
        if old_ids is not None and new_ids is not None:
            _by_id(old, new, old_ids, new_ids, path, out, limit, depth)
            return
        for i in range(max(len(old), len(new))):
            where = f"{path}[{i}]"
            if i >= len(new):
                _add(out, limit, Change(where, "removed", old=old[i]))
            elif i >= len(old):
                _add(out, limit, Change(where, "added", new=new[i]))
            else:
                _walk(old[i], new[i], where, out, limit, depth + 1)
        return
    if not _same(old, new):
        _add(out, limit, Change(path or ".", "changed", old=old, new=new))


def _by_id(old: list[Any], new: list[Any], old_ids: list[str], new_ids: list[str],
           path: str, out: list[Change], limit: int, depth: int) -> None:
    before = dict(zip(old_ids, old, strict=True))
    after = dict(zip(new_ids, new, strict=True))
    for ident, item in before.items():
        if ident not in after:
            _add(out, limit, Change(f"{path}[id={ident}]", "removed", old=item))
    for ident, item in after.items():
        where = f"{path}[id={ident}]"
        if ident not in before:
            _add(out, limit, Change(where, "added", new=item))
        else:
            _walk(before[ident], item, where, out, limit, depth + 1)


def _ids(items: list[Any]) -> list[str] | None:
    """Each item's ``id`` when every item is an object with a distinct scalar id."""
    if not items:
        return []
    ids: list[str] = []
    for item in items:
        if not isinstance(item, Mapping):
            return None
        ident = item.get("id")
        if not isinstance(ident, str | int) or isinstance(ident, bool):
            return None
        ids.append(str(ident))
    return ids if len(set(ids)) == len(ids) else None


def _same(a: Any, b: Any) -> bool:
    # 1 and 1.0 are the same JSON number; True and 1 are not the same value.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def _key(path: str, key: Any) -> str:
    text = str(key)
    if text.isidentifier():
        return f"{path}.{text}"
    return f"{path}[{json.dumps(text, ensure_ascii=False)}]"


def _add(out: list[Change], limit: int, change: Change) -> None:
    if len(out) < limit:
        out.append(change)


def _short(value: Any, width: int = 100) -> str:
    if isinstance(value, Mapping):  # what names an object first
        first = [k for k in ("name", "id") if k in value]
        value = {**{k: value[k] for k in first},
                 **{k: value[k] for k in sorted(value, key=str) if k not in first}}
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def summary(changes: list[Change]) -> str:
    """``3 changes: 1 added, 1 removed, 1 changed`` (or ``no changes``)."""
    if not changes:
        return "no changes"
    counts = {k: sum(1 for c in changes if c.kind == k) for k in ("added", "removed", "changed")}
    parts = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    noun = "change" if len(changes) == 1 else "changes"
    more = "+" if len(changes) >= MAX_CHANGES else ""
    return f"{len(changes)}{more} {noun}: {parts}"


def render(changes: list[Change]) -> list[str]:
    """One line per change, ``+``/``-``/``~`` then the path and the values, every
    outside string made visible (control characters escaped)."""
    lines: list[str] = []
    for change in changes:
        if change.kind == "added":
            text = f"{change.path}: {_short(change.new)}"
        elif change.kind == "removed":
            text = f"{change.path}: {_short(change.old)}"
        else:
            text = f"{change.path}: {_short(change.old)} → {_short(change.new)}"
        lines.append(f"{_MARK[change.kind]} {visible(text, single_line=True)}")
    return lines
