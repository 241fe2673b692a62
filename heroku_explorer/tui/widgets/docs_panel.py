"""The docs panel: what the schema says about the highlighted resource or action.

For a resource: its description, identity and attributes as a tree (type, format,
description, example, read-only) and its actions. For an action: method, path,
expected statuses, what it returns, range sorting and a parameter list (location,
required, type, description, example).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from heroku_explorer.protocol import reason_phrase
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action, ApiSpec, Attribute, Param, Resource
from heroku_explorer.tui.widgets.json_text import short_json
from heroku_explorer.tui.widgets.resource_tree import METHODS

__all__ = ["DocsPanel", "attribute_detail"]

TreeItem = Resource | Action
_PARTS = ("heading", "title", "muted", "name", "required", "badge", "example", "path")


def _v(text: str) -> str:
    """Schema text for one line: control characters as visible escapes."""
    return visible(text, single_line=True)


_INLINE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)|`([^`]+)`")


def prose(text: str, code: Style | None = None) -> Text:
    """Schema prose as ``Text``: Markdown links become links, backticks code."""
    text = visible(text)
    out = Text()
    pos = 0
    for match in _INLINE.finditer(text):
        out.append(text[pos:match.start()])
        if match.group(1) is not None:
            out.append(match.group(1), Style(underline=True, link=match.group(2)))
        else:
            out.append(match.group(3), code)
        pos = match.end()
    out.append(text[pos:])
    return out


def attribute_detail(attr: Attribute) -> str:
    """One line about an attribute: type, flags, description and example."""
    bits = [attr.type_label]
    if attr.read_only:
        bits.append("read-only")
    if attr.enum:
        bits.append("one of " + ", ".join(short_json(v, 20) for v in attr.enum))
    if attr.description:
        bits.append(attr.description)
    if attr.has_example:
        bits.append("e.g. " + short_json(attr.example))
    return visible(" · ".join(bits), single_line=True)


class DocsPanel(VerticalScroll):
    """Documentation of the resource or action under the tree's cursor."""

    ALLOW_MAXIMIZE = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"docs-panel--{p}" for p in _PARTS} | {
        f"docs-panel--{m.lower()}" for m in METHODS
    }
    """Styles of the parts of the docs: heading, title, muted, name, required, badge,
    example, path and one per HTTP method (``docs-panel--get``...)."""

    HELP = """\
## Docs

What the schema says about the highlighted item. For an action: its method and
path, the statuses it answers with, what it returns and each parameter (where it
goes, whether it is required, its type, description and example).
"""

    def __init__(self, spec: ApiSpec, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spec = spec
        self.item: TreeItem | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._intro(), id="docs-body")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._render_item())

    def show(self, item: TreeItem | None) -> None:
        """Document ``item`` (a resource or an action)."""
        if item is self.item:
            return
        self.item = item
        self._render_item()
        self.scroll_home(animate=False)

    def _render_item(self) -> None:
        if not self.is_mounted:
            return
        item = self.item
        if isinstance(item, Action):
            body: RenderableType = self._action(item)
        elif isinstance(item, Resource):
            body = self._resource(item)
        else:
            body = self._intro()
        self.query_one("#docs-body", Static).update(body)

    # -- styles -----------------------------------------------------------

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"docs-panel--{part}")

    def _method(self, method: str) -> Style:
        return self._style(method.lower() if method in METHODS else "muted")

    # -- renderers ---------------------------------------------------------

    def _intro(self) -> RenderableType:
        spec = self.spec
        text = Text()
        text.append(_v(spec.title or "API"), self._style("title") if self.is_mounted else "")
        text.append(f"\n{len(spec.resources)} resources, {spec.action_count} actions\n\n")
        if spec.description:
            text.append_text(prose(spec.description))
            text.append("\n\n")
        text.append("Move in the tree to read about a resource or an action; Enter opens "
                    "an action in the form. F2 shows the schema's own overview.")
        return text

    def _resource(self, res: Resource) -> RenderableType:
        head = Text(_v(res.name), self._style("title"))
        head.append(_v(f"  {res.key}"), self._style("muted"))
        if res.deprecated:
            head.append("  deprecated", self._style("badge"))
        if res.stability:
            head.append(_v(f"  {res.stability}"), self._style("badge"))
        parts: list[RenderableType] = [head]
        if res.description:
            parts.append(prose(res.description, self._style("example")))
        if res.identity:
            ident = Text("Identified by ", self._style("muted"))
            ident.append(_v(" or ".join(a.name for a in res.identity)), self._style("name"))
            parts.append(ident)
        parts.append(Text("\nAttributes", self._style("heading")))
        parts.append(self._attr_table(res.attributes))
        if res.map_values is not None:
            parts.append(Text(_v(f"Any key → {res.map_values.value.type_label}"),
                              self._style("muted")))
        parts.append(Text("\nActions", self._style("heading")))
        for act in res.actions:
            line = Text(f"{act.method:<7}", self._method(act.method))
            line.append(_v(act.title) + "  ")
            line.append(_v(act.path), self._style("path"))
            parts.append(line)
        return Group(*parts)

    def _attr_table(self, attrs: Iterable[Attribute]) -> Table:
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(max_width=30, overflow="fold")
        table.add_column(ratio=1)
        for attr, guide in self._walk(tuple(attrs), "", top=True):
            name = Text(guide, self._style("muted"))
            name.append(_v(attr.name), self._style("name"))
            table.add_row(name, self._detail(attr))
        return table

    def _walk(
        self, attrs: tuple[Attribute, ...], prefix: str, *, top: bool = False
    ) -> Iterable[tuple[Attribute, str]]:
        for n, attr in enumerate(attrs):
            last = n == len(attrs) - 1
            yield attr, "" if top else prefix + ("└ " if last else "├ ")
            kids = attr.children or (attr.items.children if attr.items is not None else ())
            if kids:
                yield from self._walk(kids, "" if top else prefix + ("  " if last else "│ "))

    def _detail(self, attr: Attribute) -> Text:
        text = Text(_v(attr.type_label), self._style("muted"))
        if attr.read_only:
            text.append(" · read-only", self._style("badge"))
        return self._described(text, attr)

    def _action(self, act: Action) -> RenderableType:
        res = self.spec.resource(act.resource)
        head = Text(act.method, self._method(act.method))
        head.append(" ")
        head.append(_v(act.path), self._style("path"))
        title = Text(_v(f"{res.name if res else act.resource} {act.title}"), self._style("title"))
        if act.deprecated:
            title.append("  deprecated", self._style("badge"))
        if act.stability:
            title.append(_v(f"  {act.stability}"), self._style("badge"))
        parts: list[RenderableType] = [head, title]
        if act.description:
            parts.append(prose(act.description, self._style("example")))
        facts = Text()
        if act.statuses:
            facts.append("Answers ", self._style("muted"))
            facts.append(", ".join(f"{s} {reason_phrase(s)}" for s in act.statuses))
            facts.append("\n")
        facts.append("Returns ", self._style("muted"))
        facts.append(_v(self._returns(act)))
        if act.is_list:
            facts.append("\nRange ", self._style("muted"))
            fields = ", ".join(act.sort_fields) if act.sort_fields else "id"
            facts.append(_v(f"sort by {fields}; max=1..1000 per page, Next-Range for more"))
        parts.append(facts)
        params = act.params
        parts.append(Text("\nParameters", self._style("heading")))
        if not params and not (act.body and act.body.map_values):
            parts.append(Text("none", self._style("muted")))
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(max_width=28, overflow="fold")
        table.add_column(ratio=1)
        for param in params:
            table.add_row(self._param_name(param), self._param_detail(param))
        if act.body is not None and act.body.map_values is not None:
            table.add_row(
                Text("<any key>", self._style("name")),
                Text(_v(f"body · {act.body.map_values.value.type_label}")
                     + (" · null removes the key" if act.body.map_values.null_deletes else ""),
                     self._style("muted")),
            )
        parts.append(table)
        return Group(*parts)

    def _returns(self, act: Action) -> str:
        resp = act.response
        target = self.spec.resource(resp.resource) if resp.resource else None
        name = target.name if target else (resp.resource or "")
        if resp.kind == "list":
            return f"a list of {name}" if name else "a list"
        if resp.kind == "object":
            return f"one {name}" if name else "an object"
        if resp.kind == "empty":
            return "no body"
        return name or "(not documented)"

    def _param_name(self, param: Param) -> Text:
        text = Text(_v(param.name), self._style("name"))
        if param.required:
            text.append("*", self._style("required"))
        return text

    def _param_detail(self, param: Param) -> Text:
        doc = param.doc
        text = Text(_v(f"{param.location} · "), self._style("muted"))
        text.append("required" if param.required else "optional",
                    self._style("required") if param.required else self._style("muted"))
        text.append(_v(f" · {doc.type_label}"), self._style("muted"))
        return self._described(text, doc)

    def _described(self, text: Text, attr: Attribute) -> Text:
        """``text`` followed by the enum, description and example of ``attr``."""
        if attr.enum:
            text.append(_v(" · one of " + ", ".join(short_json(v, 20) for v in attr.enum)))
        if attr.description:
            text.append("\n")
            text.append_text(prose(attr.description, self._style("example")))
        if attr.has_example:
            text.append("\ne.g. ", self._style("muted"))
            text.append(_v(short_json(attr.example)), self._style("example"))
        return text
