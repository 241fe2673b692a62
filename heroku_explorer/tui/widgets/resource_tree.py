"""The resource tree: every resource and its actions, with a fuzzy filter above it.

Resources are listed by title (those with no action are left out); actions show a
coloured method, their title and a short path; resources show a stability badge
when they are not in production. Typing in the filter keeps the actions whose
resource, title, method or path match every word typed; the docs follow the item
the cursor lands on, and a filter nothing matches says so.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static, Tree
from textual.widgets.tree import TreeNode

from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action, ApiSpec, Resource
from heroku_explorer.tui.widgets.text import PartStyles

__all__ = ["ResourceBrowser", "ResourceTree", "action_haystack", "fuzzy_match", "listed",
           "short_path"]

TreeItem = Resource | Action

_PLACEHOLDER = re.compile(r"\{([^}]+)\}")
_SUFFIX = re.compile(r"(_id_or_[a-z_]+|_id|_or_[a-z_]+)$")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def short_path(path: str) -> str:
    """``/apps/{app_id_or_name}/addons/{addon_id}`` -> ``/apps/{app}/addons/{addon}``."""
    return _PLACEHOLDER.sub(lambda m: "{" + (_SUFFIX.sub("", m.group(1)) or m.group(1)) + "}", path)


def action_haystack(action: Action, resource: Resource) -> tuple[str, str, str]:
    """What a filter word is matched against: name, method and path (folded)."""
    name = f"{resource.name} {action.title} {resource.key} {action.key}".casefold()
    return name, action.method.casefold(), action.path.casefold()


def listed(spec: ApiSpec) -> list[Resource]:
    """The resources the tree lists: those with at least one action, by title."""
    return sorted((res for res in spec.resources if res.actions),
                  key=lambda res: (res.name.casefold(), res.key))


def _is_fuzzy(needle: str, text: str) -> bool:
    """``needle`` is a subsequence of ``text`` that starts a word and stays compact."""
    start = text.find(needle[0])
    while start >= 0:
        if start == 0 or not text[start - 1].isalnum():
            pos, ok = start, True
            for ch in needle[1:]:
                pos = text.find(ch, pos + 1)
                if pos < 0 or pos - start > 2 * len(needle) + 2:
                    ok = False
                    break
            if ok:
                return True
        start = text.find(needle[0], start + 1)
    return False


def fuzzy_match(query: str, haystack: tuple[str, str, str]) -> bool:
    """Every word of ``query`` matches: a method word the method, a word with ``/``
    or ``{`` the path, any other word the resource and action names (as a substring
    or, fuzzily, as a subsequence)."""
    name, method, path = haystack
    for word in query.casefold().split():
        if word.upper() in METHODS:
            ok = word == method
        elif "/" in word or "{" in word:
            ok = word in path
        else:
            ok = word in name or _is_fuzzy(word, name)
        if not ok:
            return False
    return True


class ResourceTree(Tree[TreeItem]):
    """Resources and their actions; select an action to open it in the form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter", id="focus-filter", tooltip="Filter actions"),
        Binding("right", "open_node", "Expand", show=False),
        Binding("left", "close_node", "Collapse", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-tree--get",
        "resource-tree--post",
        "resource-tree--put",
        "resource-tree--patch",
        "resource-tree--delete",
        "resource-tree--path",
        "resource-tree--badge",
        "resource-tree--count",
    }
    """
    | Class | Description |
    | :- | :- |
    | `resource-tree--get` ... `--delete` | The method of an action. |
    | `resource-tree--path` | The short path after an action's title. |
    | `resource-tree--badge` | A resource's stability or deprecation badge. |
    | `resource-tree--count` | The action count beside a resource. |
    """

    HELP = """\
## Resource tree

Every resource of the schema and its actions. Move with the arrow keys: the docs
follow the highlighted item. **Enter** on an action opens it in the form;
**/** jumps to the filter (words match the resource, title, method or path).
"""

    # Plain classes, not dataclasses: they are created on the way to the first frame.

    class ActionSelected(Message):
        """An action was chosen (Enter or click): ``on_resource_tree_action_selected``."""

        def __init__(self, action: Action) -> None:
            super().__init__()
            self.action = action
            """The chosen action."""

    class ItemHighlighted(Message):
        """The cursor moved to a resource or an action."""

        def __init__(self, item: TreeItem) -> None:
            super().__init__()
            self.item = item
            """What the cursor is on."""

    class FilterCleared(Message):
        """The tree dropped its filter (to show an action it hid): the box empties."""

    class FilterRequested(Message):
        """The person pressed ``/`` (or started typing) in the tree."""

        def __init__(self, text: str = "") -> None:
            super().__init__()
            self.text = text
            """What was typed, to go into the filter."""

    def __init__(self, spec: ApiSpec, *, id: str | None = None) -> None:
        super().__init__("API", id=id)
        self.spec = spec
        self.show_root = False
        self.guide_depth = 2
        self.query_text = ""
        self._typing = False
        self._haystacks = {
            act.id: action_haystack(act, res) for res in spec.resources for act in res.actions
        }
        self._paths = {act.id: short_path(act.path) for act in spec.actions()}
        self._part = PartStyles(self, "resource-tree")
        """A component style by part name, cached until the styles change."""
        self._resources = listed(spec)
        self._fill("", None)  # before mounting, so that the first frame shows the tree

    def rebuild(self, query: str = "") -> int:
        """Show the items matching ``query``; returns the number of actions shown."""
        current = self.cursor_node.data if self.cursor_node is not None else None
        self.clear()
        shown, target = self._fill(query, current)
        # Lay the lines out now (last_line does) so that the cursor moves in the same
        # frame as the new lines: one repaint per keystroke, not two.
        if target is not None and self.last_line >= 0:
            self._move_to(target)
        # The cursor's line may be the same as before (no highlight event then): the
        # docs must follow the item now under it all the same. Posted to the screen:
        # posted to the tree while the filter box's handler runs, it would bubble no
        # further than the browser (its sender).
        if target is not None and target.data is not None and target.data is not current \
                and self.is_attached:
            self.screen.post_message(self.ItemHighlighted(target.data))
        return shown

    def _fill(self, query: str, current: TreeItem | None) -> tuple[int, TreeNode[TreeItem] | None]:
        """Add the items matching ``query``: the count of actions, and where the cursor goes."""
        self.query_text = query.strip()
        shown = 0
        first: TreeNode[TreeItem] | None = None
        keep: TreeNode[TreeItem] | None = None
        for res in self._resources:
            matches = [
                act
                for act in res.actions
                if not self.query_text or fuzzy_match(self.query_text, self._haystacks[act.id])
            ]
            if self.query_text and not matches:
                continue
            node = self.root.add(Text(visible(res.name, single_line=True)), res,
                                 expand=bool(self.query_text))
            for act in matches:
                leaf = node.add_leaf(Text(visible(act.title, single_line=True)), act)
                first = first or leaf
                if current is act:
                    keep = leaf
            if current is res:
                keep = node
            shown += len(matches)
        return shown, keep or (first if self.query_text else None)

    def _move_to(self, node: TreeNode[TreeItem]) -> None:
        if node.tree is self and node.parent is not None:
            # expand() lays the whole screen out again even when the node is open; once
            # it has, the node's line is known only after the lines are laid out again.
            if not node.parent.is_expanded:
                node.parent.expand()
                _ = self.last_line
            self.move_cursor(node)

    def select_action(self, action: Action) -> None:
        """Move the cursor to ``action``, clearing a filter that hides it."""
        for res_node in self.root.children:
            for leaf in res_node.children:
                if leaf.data is action:
                    if not res_node.is_expanded:
                        res_node.expand()
                    self.call_after_refresh(self.move_cursor, leaf)
                    return
        if self.query_text:
            self.rebuild("")
            self.post_message(self.FilterCleared())
            self.call_after_refresh(self.select_action, action)

    def notify_style_update(self) -> None:
        self._part.clear()
        super().notify_style_update()

    def render_label(self, node: TreeNode[TreeItem], base_style: Style, style: Style) -> Text:
        data = node.data
        if isinstance(data, Action):
            method = self._part(data.method.lower() if data.method in METHODS else "path")
            path = self._part("path")
            label = Text.assemble(
                (f"{data.method:<6} ", method),
                (visible(data.title, single_line=True), style),
                " ",
                (visible(self._paths.get(data.id) or short_path(data.path), single_line=True),
                 path + style if style else path),
            )
            return label
        if isinstance(data, Resource):
            label = super().render_label(node, base_style, style)
            badge = self._part("badge")
            count = self._part("count")
            label.append(f" {len(data.actions)}", count)
            if data.deprecated:
                label.append(" deprecated", badge)
            elif data.stability and data.stability != "production":
                label.append(visible(f" {data.stability}", single_line=True), badge)
            return label
        return super().render_label(node, base_style, style)

    def get_label_width(self, node: TreeNode[TreeItem]) -> int:
        # Counted from the parts, without building the label: the tree asks for the
        # width of every line on each rebuild, and a filter rebuilds on each key.
        data = node.data
        if isinstance(data, Action):
            path = self._paths.get(data.id) or data.path
            return 8 + len(data.title) + len(path)
        if isinstance(data, Resource):
            badge = data.stability if data.stability not in (None, "production") else ""
            return 3 + len(data.name) + len(str(len(data.actions))) + len(badge or "") + 12
        return super().get_label_width(node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[TreeItem]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.ItemHighlighted(event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[TreeItem]) -> None:
        event.stop()
        if isinstance(event.node.data, Action):
            self.post_message(self.ActionSelected(event.node.data))

    def action_open_node(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            node.expand()
        else:
            self.action_cursor_down()

    def action_close_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def action_focus_filter(self) -> None:
        self.post_message(self.FilterRequested())

    def on_key(self, event: events.Key) -> None:
        """Type to filter: a printable key in the tree goes to the filter."""
        char = event.character
        if not char or not event.is_printable or char == "/":
            return
        # Space toggles a node, unless the person is in the middle of typing a filter
        # (keys can arrive before the focus has moved to the filter box).
        if char.isspace() and not self._typing:
            return
        event.stop()
        event.prevent_default()
        self._typing = True
        self.post_message(self.FilterRequested(char))

    def on_focus(self) -> None:
        self._typing = False


class ResourceBrowser(Vertical):
    """The filter input above the resource tree.

    The first frame shows the filter's placeholder as plain text; the input itself
    (whose styles and widget cost a first frame more than the tree does) replaces
    it right after, or at once when the person starts typing.
    """

    HELP = ResourceTree.HELP
    PLACEHOLDER = "Filter: name, path or method"

    def __init__(self, spec: ApiSpec, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spec = spec
        self._box: Input | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.PLACEHOLDER, id="tree-filter-hint", markup=False)
        yield ResourceTree(self.spec, id="resource-tree")
        no_match = Static("", id="tree-no-match", markup=False)
        no_match.display = False
        yield no_match

    async def filter_box(self) -> Input:
        """The filter input, mounted in place of the placeholder if it is not yet."""
        if self._box is None:
            self._box = Input(placeholder=self.PLACEHOLDER, id="tree-filter", compact=True,
                              select_on_focus=False)
            await self.mount(self._box, before=0)
            await self.query_one("#tree-filter-hint").remove()
        return self._box

    @on(Input.Changed, "#tree-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        shown = self.query_one(ResourceTree).rebuild(event.value)
        self.show_no_match(event.value if not shown and event.value.strip() else None)

    def show_no_match(self, query: str | None) -> None:
        """Say that nothing matches ``query`` (``None``: hide the line)."""
        line = self.query_one("#tree-no-match", Static)
        line.display = query is not None
        if query is not None:
            line.update(visible(f"No match for {query.strip()!r}: Backspace widens the "
                                "filter, Escape clears it.", single_line=True))

    @on(ResourceTree.FilterCleared)
    def _cleared(self, event: ResourceTree.FilterCleared) -> None:
        event.stop()
        if self._box is not None and self._box.value:
            with self._box.prevent(Input.Changed):
                self._box.value = ""
        self.show_no_match(None)

    @on(Input.Submitted, "#tree-filter")
    def _to_tree(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(ResourceTree).focus()

    @on(ResourceTree.FilterRequested)
    async def _focus_filter(self, event: ResourceTree.FilterRequested) -> None:
        event.stop()
        box = await self.filter_box()
        if event.text:
            box.insert_text_at_cursor(event.text)
        box.focus()
