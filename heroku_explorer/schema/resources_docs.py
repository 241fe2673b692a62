"""The 2013 manifest's ``overview``: prose sections, some of them tables.

A section's value is a string, a list of paragraphs (which may hold code fences), or a
list of row objects (``{"Code": 200, "Id": "OK", ...}``). Rows become a markdown table
and are kept as ``columns``/``rows`` data as well.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from heroku_explorer.schema.model import DocSection
from heroku_explorer.schema.resources_attrs import MAPPING, LoadContext

__all__ = ["load_overview", "markdown_table"]

_CODE_TAG = re.compile(r"<code>(.*?)</code>", re.DOTALL)
_LINK_TAG = re.compile(r"""<a\s+href=["']([^"']*)["']\s*>(.*?)</a>""", re.DOTALL)


def load_overview(ctx: LoadContext, raw: Any) -> tuple[DocSection, ...]:
    """Every usable section of ``raw`` (the ``overview`` object), in document order."""
    if raw is None:
        return ()
    if not isinstance(raw, MAPPING):
        ctx.bad("overview", "'overview' must be an object of titled sections")
        return ()
    sections: list[DocSection] = []
    for title, value in raw.items():
        section = _section(ctx, str(title), value)
        if section is not None:
            sections.append(section)
    return tuple(sections)


def _section(ctx: LoadContext, title: str, value: Any) -> DocSection | None:
    where = f"overview/{title}"
    if isinstance(value, str):
        return DocSection(title, value.strip())
    if not isinstance(value, list):
        ctx.bad(where, "a section must be text, a list of paragraphs or a list of rows")
        return None
    if where in ctx.cut:
        ctx.warn(where, "the file is cut off inside this section; the rest of it is missing")
    rows: list[Mapping[str, Any]] = [item for item in value if isinstance(item, MAPPING)]
    columns = list(dict.fromkeys(str(k) for row in rows for k in row))
    for _ in range(sum(not isinstance(item, (str, *MAPPING)) for item in value)):
        ctx.bad(where, "a section list may hold only paragraphs and rows")
    blocks: list[str] = []
    pending: list[Mapping[str, Any]] = []
    for item in value:
        if isinstance(item, MAPPING):
            pending.append(item)
            continue
        if pending:
            blocks.append(markdown_table(columns, _cells(columns, pending)))
            pending = []
        if isinstance(item, str):
            blocks.append(item.strip())
    if pending:
        blocks.append(markdown_table(columns, _cells(columns, pending)))
    return DocSection(title, "\n\n".join(blocks), tuple(columns), _cells(columns, rows))


def _cells(columns: list[str], rows: list[Mapping[str, Any]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_cell(row.get(col)) for col in columns) for row in rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def markdown_table(columns: list[str] | tuple[str, ...],
                   rows: tuple[tuple[str, ...], ...]) -> str:
    """A pipe table; ``<code>`` and ``<a href>`` tags become markdown, and each cell
    stays on one line."""

    def fmt(text: str) -> str:
        text = _CODE_TAG.sub(lambda m: f"`{m.group(1)}`", text)
        text = _LINK_TAG.sub(lambda m: f"[{m.group(2)}]({m.group(1)})", text)
        return " ".join(text.split()).replace("|", "\\|")

    lines = ["| " + " | ".join(fmt(c) for c in columns) + " |",
             "| " + " | ".join("---" for _ in columns) + " |"]
    lines.extend("| " + " | ".join(fmt(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)
