"""JSON highlighting without a parser: one regular expression over one line.

Pretty-printed JSON (``indent=2``) keeps every token on one line, so a body can be
highlighted line by line, only for the lines on screen. The styles come from a
widget's component classes, so they follow the Textual theme.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

__all__ = ["DEEPER", "KINDS", "MAX_DEPTH", "highlight", "pretty", "short_json", "styles_for",
           "tokenize"]

KINDS = ("key", "string", "number", "literal", "punct")
#: Levels of nesting shown; what lies deeper is replaced by :data:`DEEPER`.
MAX_DEPTH = 64
DEEPER = "… deeper levels not shown"

_TOKEN = re.compile(
    r'(?P<key>"(?:[^"\\]|\\.)*"(?=\s*:))'
    r'|(?P<string>"(?:[^"\\]|\\.)*"?)'
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<literal>\b(?:true|false|null)\b)"
    r"|(?P<punct>[{}\[\],:])"
)


def tokenize(line: str) -> list[tuple[str, str]]:
    """``[(text, kind), ...]`` covering ``line``; ``kind`` is ``""`` for plain text."""
    out: list[tuple[str, str]] = []
    pos = 0
    for match in _TOKEN.finditer(line):
        start = match.start()
        if start > pos:
            out.append((line[pos:start], ""))
        out.append((match.group(), match.lastgroup or ""))
        pos = match.end()
    if pos < len(line):
        out.append((line[pos:], ""))
    return out


def styles_for(widget: Widget, prefix: str) -> dict[str, Style]:
    """Rich styles for each token kind, from ``{prefix}--{kind}`` component classes."""
    return {
        kind: widget.get_component_rich_style(f"{prefix}--{kind}") for kind in KINDS
    }


def highlight(text: str, styles: Mapping[str, Style]) -> Text:
    """A whole (small) JSON text as highlighted rich ``Text``."""
    out = Text(no_wrap=False, end="")
    for n, line in enumerate(text.splitlines()):
        if n:
            out.append("\n")
        for part, kind in tokenize(line):
            out.append(part, styles.get(kind))
    return out


def depth_capped(value: Any, depth: int = MAX_DEPTH) -> Any:
    """``value`` with every object or array nested deeper than ``depth`` replaced by
    the string :data:`DEEPER` (a body nested 3,000 deep must not exhaust the stack).

    Walks without recursion; returns ``value`` itself when nothing is that deep.
    """
    if not _deeper_than(value, depth):
        return value
    root: list[Any] = [None]
    todo: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 0)]
    while todo:
        item, holder, slot, level = todo.pop()
        if isinstance(item, dict | list) and level >= depth:
            holder[slot] = DEEPER
        elif isinstance(item, dict):
            copy: dict[Any, Any] = {}
            holder[slot] = copy
            todo.extend((v, copy, k, level + 1) for k, v in item.items())
        elif isinstance(item, list):
            items: list[Any] = [None] * len(item)
            holder[slot] = items
            todo.extend((v, items, n, level + 1) for n, v in enumerate(item))
        else:
            holder[slot] = item
    return root[0]


def _deeper_than(value: Any, depth: int) -> bool:
    todo = [(value, 0)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict | list):
            if level >= depth:
                return True
            children = item.values() if isinstance(item, dict) else item
            todo.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return False


def pretty(value: Any) -> str:
    """``value`` as indented JSON (anything JSON cannot hold is written with ``str``),
    nested at most :data:`MAX_DEPTH` levels deep."""
    return json.dumps(depth_capped(value), indent=2, ensure_ascii=False, default=str)


def short_json(value: Any, limit: int = 60) -> str:
    """A one-line JSON rendering of ``value``, cut at ``limit`` characters."""
    text = json.dumps(depth_capped(value, 8), ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
