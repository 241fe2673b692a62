"""A JSON body as a collapsible tree whose children are added on expand.

Adding 29,000 nodes at once takes seconds; adding one level when it opens takes
milliseconds. Each node knows its path, so the attribute documentation of the
key under the cursor can be looked up in the response's resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Attribute
from heroku_explorer.tui.widgets.json_text import DEEPER, KINDS, MAX_DEPTH, short_json

__all__ = ["PAGE", "JsonNode", "JsonTree", "attribute_at"]

#: Children added per expand; a "more" node adds the next batch.
PAGE = 200
PathPart = str | int


@dataclass
class JsonNode:
    """What a tree node shows: a key, its value and where it sits."""

    key: PathPart | None
    value: Any
    path: tuple[PathPart, ...]
    loaded: bool = False
    more_from: int = -1
    """For a "more" node: the index of the next child to add."""


def attribute_at(attributes: tuple[Attribute, ...], path: tuple[PathPart, ...]) -> Attribute | None:
    """The attribute documenting ``path`` (list indexes are skipped)."""
    nodes = attributes
    found: Attribute | None = None
    for part in path:
        if isinstance(part, int):
            if found is not None and found.items is not None:
                found = found.items
                nodes = found.children
            continue
        found = next((a for a in nodes if a.name == part), None)
        if found is None:
            return None
        nodes = found.children or (found.items.children if found.items is not None else ())
    return found


def _size(value: Any) -> str:
    if isinstance(value, dict):
        return f"{{{len(value)}}}"
    return f"[{len(value)}]"


def _preview(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("name", "email", "id", "type", "key"):
            if isinstance(value.get(key), str | int):
                return visible(f"{key}: {short_json(value[key], 40)}", single_line=True)
    return ""


class JsonTree(Tree[JsonNode]):
    """A lazily built tree of a JSON value."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "drill", "Drill down", id="drill-down",
                tooltip="Actions that take this object's identity"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"json-tree--{k}" for k in KINDS} | {
        "json-tree--muted", "json-tree--mark",
    }
    """Token styles (``json-tree--key``, ``--string``...), ``--muted`` for sizes and
    ``--mark`` for a node where the answer departs from its schema."""

    @dataclass
    class ObjectSelected(Message):
        """Enter (or ``d``) on an object: the screen offers the actions it can drill into."""

        path: tuple[PathPart, ...]
        value: dict[str, Any]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("body", JsonNode(None, None, ()), id=id)
        self.auto_expand = False
        self.attributes: tuple[Attribute, ...] = ()
        self.marks: dict[tuple[PathPart, ...], str] = {}
        """Node paths where the answer departs from its schema (what, or "" above one)."""

    def load(self, data: Any, attributes: tuple[Attribute, ...] = ()) -> None:
        """Show ``data``; ``attributes`` document one object of the response's resource."""
        self.attributes = attributes
        self.clear()
        self.root.data = JsonNode(None, data, (), loaded=True)
        self.root.set_label(Text("body " + (_size(data) if isinstance(data, dict | list) else "")))
        if isinstance(data, dict | list):
            self._add_json_children(self.root, 0)
        else:
            self.root.add_leaf(Text(visible(short_json(data, 200), single_line=True)),
                               JsonNode(None, data, ()))
        self.root.expand()

    def doc_for(self, node: JsonNode) -> Attribute | None:
        path = node.path
        return attribute_at(self.attributes, path)

    def _add_json_children(self, parent: TreeNode[JsonNode], start: int) -> None:
        assert parent.data is not None
        value = parent.data.value
        base = parent.data.path
        if len(base) >= MAX_DEPTH:
            parent.add_leaf("", JsonNode(None, DEEPER, base, loaded=True))
            return
        items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
        for key, child in items[start:start + PAGE]:
            node = JsonNode(key, child, (*base, key))
            if isinstance(child, dict | list) and child:
                parent.add("", node, allow_expand=True)
            else:
                parent.add_leaf("", node)
        if len(items) > start + PAGE:
            parent.add_leaf("", JsonNode(None, None, base, more_from=start + PAGE))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[JsonNode]) -> None:
        data = event.node.data
        if data is not None and not data.loaded:
            data.loaded = True
            self._add_json_children(event.node, 0)

    def on_tree_node_selected(self, event: Tree.NodeSelected[JsonNode]) -> None:
        event.stop()
        node = event.node
        data = node.data
        if data is None:
            return
        if data.more_from >= 0 and node.parent is not None:
            parent = node.parent
            node.remove()
            self._add_json_children(parent, data.more_from)
        elif isinstance(data.value, dict):
            self.post_message(self.ObjectSelected(data.path, data.value))
        elif isinstance(data.value, list):
            node.toggle()

    def action_drill(self) -> None:
        node = self.cursor_node
        if node is not None and node.data is not None and isinstance(node.data.value, dict):
            self.post_message(self.ObjectSelected(node.data.path, node.data.value))

    def _style(self, kind: str) -> Style:
        return self.get_component_rich_style(f"json-tree--{kind}")

    def render_label(self, node: TreeNode[JsonNode], base_style: Style, style: Style) -> Text:
        data = node.data
        if data is None or node is self.root:
            return super().render_label(node, base_style, style)
        if data.more_from >= 0:
            return Text(f"… more (Enter adds {PAGE})", self._style("muted") + style)
        label = super().render_label(node, base_style, Style.null())
        if data.key is not None:
            key = (f"[{data.key}]" if isinstance(data.key, int)
                   else visible(str(data.key), single_line=True))
            label.append(key, self._style("key") + style)
            if not isinstance(data.value, dict | list):
                label.append(": ", self._style("punct"))
        value = data.value
        if isinstance(value, dict | list):
            label.append(" " + _size(value), self._style("muted"))
            preview = _preview(value)
            if preview:
                label.append("  " + preview, self._style("muted"))
        elif value is None or isinstance(value, bool):
            label.append(short_json(value), self._style("literal"))
        elif isinstance(value, int | float):
            label.append(short_json(value), self._style("number"))
        else:
            label.append(visible(short_json(value, 120), single_line=True), self._style("string"))
        if data.path in self.marks:
            label.append("  ⚠", self._style("mark"))
        return label
