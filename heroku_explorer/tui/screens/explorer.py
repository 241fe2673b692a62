"""The explorer screen: the resource tree on the left, the workbench on the right.

The first frame holds only the tree (under its filter's placeholder) and the
status bar; the filter input, the workbench (request tabs and response view, with
the imports they need) and the footer are mounted right after it. The screen
passes the tree's messages to the workbench, and the workbench's answers to the
status bar.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer

from heroku_explorer.schema.model import Action, Resource
from heroku_explorer.tui.context import ExplorerContext
from heroku_explorer.tui.messages import ActionRequested, ResendRequested
from heroku_explorer.tui.widgets.key_footer import KeyFooter
from heroku_explorer.tui.widgets.resource_tree import ResourceBrowser, ResourceTree
from heroku_explorer.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from heroku_explorer.tui.widgets.workbench import Workbench

__all__ = ["ExplorerScreen"]


class ExplorerScreen(Screen[None]):
    """Browse, read, fill, send and inspect."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+e", "fill_examples", "Examples", id="fill-examples", priority=True,
                tooltip="Fill every field from the schema's examples"),
        Binding("ctrl+j", "send", "Send", id="send", priority=True,
                tooltip="Send the request in the form"),
        Binding("escape", "cancel", "Back", id="cancel-request", show=False,
                tooltip="Cancel the request in flight, restore a zoomed part, or go back "
                        "to the tree"),
        Binding("f4", "edit_body", "Edit body", id="edit-body",
                tooltip="Edit the request body as JSON in $EDITOR"),
        Binding("ctrl+n", "next_page", "Next page", id="next-page",
                tooltip="Follow Next-Range to the next page"),
        Binding("ctrl+r", "revalidate", "Revalidate", id="revalidate",
                tooltip="Ask again with If-None-Match"),
        Binding("ctrl+o", "zoom", "Zoom", id="zoom",
                tooltip="Fill the screen with the focused part (again to restore)"),
        # Priority keys: the focus moves as the key is read, so that keys typed right
        # after it (a paste, a fast typist) land in the field it moves to.
        Binding("tab", "focus_field(1)", "Next field", id="next-field", show=False,
                priority=True),
        Binding("shift+tab", "focus_field(-1)", "Previous field", id="previous-field",
                show=False, priority=True),
        Binding("ctrl+b", "toggle_tree", "Tree", id="toggle-tree", show=False,
                tooltip="Show or hide the resource tree"),
        Binding("ctrl+l", "focus_tree", "Focus tree", id="focus-tree", show=False),
        Binding("ctrl+t", "focus_form", "Focus form", id="focus-form", show=False),
        Binding("ctrl+g", "focus_response", "Focus response", id="focus-response", show=False),
    ]

    def __init__(self, context: ExplorerContext) -> None:
        super().__init__(id="explorer")
        self.host = context
        self.bench: Workbench | None = None
        """The request and response side, once mounted."""
        self._ready = asyncio.Event()
        self._pending: Resource | Action | None = None
        self._docs_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield ResourceBrowser(self.host.spec, id="browser")
        host = self.host
        yield StatusBar(mode=host.mode, base_url=host.base_url, account=host.account,
                        read_only=host.read_only, schema=host.schema_status(),
                        id="status-bar")

    def on_mount(self) -> None:
        self.query_one(ResourceTree).focus()
        self.call_after_refresh(self.set_timer, 0.1, self._start_bench)

    def _start_bench(self) -> None:
        # A moment after the first frame, so that the terminal shows it before the
        # workbench's imports and widgets take the interpreter for a while.
        self.run_worker(self._mount_bench(), group="build")

    async def _mount_bench(self) -> None:
        from heroku_explorer.tui.widgets.workbench import Workbench

        self.host.load_deferred_css()
        await self.query_one(ResourceBrowser).filter_box()
        bench = Workbench(self.host)
        await self.query_one("#main").mount(Vertical(bench, id="work"))
        await self.mount(KeyFooter(compact=True, show_command_palette=False))
        self.refresh_bindings()  # the footer draws its keys when the bindings change
        self.bench = bench
        self._ready.set()
        if self._pending is not None:
            bench.show_docs(self._pending)

    async def workbench(self) -> Workbench:
        """The workbench, once it is mounted."""
        await self._ready.wait()
        assert self.bench is not None
        return self.bench

    def on_resize(self) -> None:
        self.set_class(self.size.height < 32, "-compact")

    # -- from the tree, the palette and the history ---------------------------------------

    @on(ResourceTree.ItemHighlighted)
    def _highlighted(self, event: ResourceTree.ItemHighlighted) -> None:
        # The docs follow the cursor a moment later, so that holding an arrow key or
        # typing in the filter repaints the tree, not the docs, at every step.
        self._pending = event.item
        if self._docs_timer is not None:
            self._docs_timer.stop()
        self._docs_timer = self.set_timer(0.08, self._show_pending)

    def _show_pending(self) -> None:
        self._docs_timer = None
        if self.bench is not None and self._pending is not None:
            self.bench.show_docs(self._pending)

    # Handlers never wait for the workbench themselves (that would hold this screen's
    # message queue, which mounts it): they hand the wait to a worker.

    @on(ResourceTree.ActionSelected)
    def _selected(self, event: ResourceTree.ActionSelected) -> None:
        self.run_worker(self._open(event.action, {}), group="open", exclusive=True)

    @on(ActionRequested)
    def _requested(self, event: ActionRequested) -> None:
        action = self.host.spec.action(event.action_id)
        if action is not None:
            self.run_worker(self._open(action, event.values), group="open", exclusive=True)

    async def _open(self, action: Action, values: dict[str, Any]) -> None:
        await (await self.workbench()).open_action(action, values)

    @on(ResendRequested)
    def _resend(self, event: ResendRequested) -> None:
        async def resend() -> None:
            bench = await self.workbench()
            action = self.host.spec.action(event.action_id or "")
            if action is not None and event.values is not None:
                # The exchange's own action, filled from it: editable, and the answer
                # shows under it.
                await bench.open_action(action, event.values)
            bench.resend(event.spec, event.action_id)

        self.run_worker(resend(), group="resend")

    # -- from the workbench ---------------------------------------------------------------

    def on_workbench_action_opened(self, event: Any) -> None:
        self.query_one(ResourceTree).select_action(event.action)

    def on_workbench_exchange_shown(self, event: Any) -> None:
        exchange = event.exchange
        bar = self.query_one(StatusBar)
        if exchange.ratelimit_remaining is not None:
            bar.remaining = exchange.ratelimit_remaining
        if exchange.request_id:
            bar.request_id = exchange.request_id
        bar.account = self.host.account

    # -- keys -------------------------------------------------------------------------------

    def _not_ready(self) -> bool:
        if self.bench is None:
            self.notify("Still starting; try again in a moment.", severity="warning")
            return True
        return False

    def action_send(self) -> None:
        if not self._not_ready() and self.bench is not None:
            self.bench.send_form()

    def action_edit_body(self) -> None:
        if not self._not_ready() and self.bench is not None:
            self.bench.edit_body()

    def action_fill_examples(self) -> None:
        if not self._not_ready() and self.bench is not None:
            self.bench.fill_examples()

    def action_cancel(self) -> None:
        """Escape: restore a zoomed part, else cancel the request in flight, else go
        back to the tree (from the filter box, emptying it first)."""
        if self.maximized is not None:
            self.minimize()
            return
        if self.bench is not None and self.bench.cancel():
            return
        focused = self.focused
        if focused is not None and focused.id == "tree-filter":
            from textual.widgets import Input

            if isinstance(focused, Input) and focused.value:
                focused.value = ""  # the tree is rebuilt unfiltered
        self.action_focus_tree()

    async def action_next_page(self) -> None:
        if not self._not_ready() and self.bench is not None:
            await self.bench.next_page()

    def action_revalidate(self) -> None:
        if not self._not_ready() and self.bench is not None:
            self.bench.revalidate()

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            self.maximize(self.focused)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_field":
            # A JSON field indents with Tab: the key goes to it.
            from textual.widgets import TextArea

            focused = self.focused
            return not (isinstance(focused, TextArea) and focused.tab_behavior == "indent")
        return True

    def action_focus_field(self, step: int) -> None:
        if step < 0:
            self.focus_previous()
        else:
            self.focus_next()

    def action_toggle_tree(self) -> None:
        browser = self.query_one(ResourceBrowser)
        browser.display = not browser.display

    def action_focus_tree(self) -> None:
        self.query_one(ResourceBrowser).display = True
        self.query_one(ResourceTree).focus()

    def action_focus_form(self) -> None:
        if self.bench is not None:
            self.bench.focus_form()

    def action_focus_response(self) -> None:
        if self.bench is not None:
            self.bench.focus_response()
