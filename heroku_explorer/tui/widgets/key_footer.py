"""The footer of the explorer's screens: the keys that matter first.

Textual's footer lists the focused widget's keys before the screen's and the
app's, so at 80 columns F1 / F2 / F3 and Send fall off the right edge. This one
puts them first, then the keys of the part in focus (the response's ``b`` ``t``
``h`` ``n`` ``N`` when it has focus), then the rest.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["LEADING", "KeyFooter", "footer_bindings"]

#: Binding ids always shown first, in this order, when they are active.
LEADING = ("help", "overview", "history", "send", "close-history", "resend")
#: Binding ids of the part in focus shown right after them.
FOCUSED = ("show-body", "show-tree", "show-headers", "next-match", "previous-match")


def footer_bindings(active: list[tuple[Binding, bool, str]]) -> list[tuple[Binding, bool, str]]:
    """``active`` (one entry per action) in the footer's order: :data:`LEADING`, then
    :data:`FOCUSED`, then the others as they came."""
    order = {name: n for n, name in enumerate(LEADING + FOCUSED)}
    last = len(order)
    ranked = sorted(enumerate(active),
                    key=lambda item: (order.get(item[1][0].id or "", last), item[0]))
    return [entry for _, entry in ranked]


class KeyFooter(Footer):
    """A footer that keeps the important keys visible on a narrow terminal."""

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        seen: set[str] = set()
        entries: list[tuple[Binding, bool, str]] = []
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                entries.append((binding, enabled, tooltip))
        entries = footer_bindings(entries)
        self.styles.grid_size_columns = len(entries)
        for binding, enabled, tooltip in entries:
            yield FooterKey(binding.key, self.app.get_key_display(binding),
                            binding.description, binding.action, disabled=not enabled,
                            tooltip=tooltip).data_bind(compact=Footer.compact)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE and palette:
            _, binding, enabled, _tip = palette
            yield FooterKey(binding.key, self.app.get_key_display(binding),
                            binding.description, binding.action,
                            classes="-command-palette", disabled=not enabled,
                            tooltip=binding.tooltip or binding.description)
