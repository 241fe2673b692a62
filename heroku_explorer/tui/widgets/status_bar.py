"""The status bar: mode, base URL, schema source, account, rate-limit gauge and last
Request-Id.

One widget drawing one line (rather than a row of labels): it is on the first
frame, so it should cost no more than a line of text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from heroku_explorer.safe_text import visible
from heroku_explorer.tui.widgets.text import PartStyles

__all__ = ["SOURCE_WIDTH", "StatusBar", "compact_source", "gauge"]

_CELLS = 8
#: The most cells the schema source takes.
SOURCE_WIDTH = 44


def compact_source(source: str, width: int = SOURCE_WIDTH) -> str:
    """One line on the schema in use, short: ``cached 2026-11-30 14:02 (api.heroku.com,
    variant 3)`` becomes ``cached 2026-11-30 14:02``; anything longer than ``width``
    ends in an ellipsis. Control characters are shown as escapes."""
    text = visible(source, single_line=True).strip()
    if text.startswith("cached ") and text.endswith(")") and " (" in text:
        text = text[:text.index(" (")]
    return text if len(text) <= width else text[:width - 1] + "…"


def gauge(remaining: int, limit: int) -> tuple[str, str]:
    """A bar of ``_CELLS`` cells and its level: ``high``, ``medium`` or ``low``, for
    ``remaining`` requests of a pool of ``limit``."""
    ratio = max(0.0, min(1.0, remaining / limit)) if limit else 0.0
    full = round(ratio * _CELLS)
    level = "high" if ratio > 0.5 else "medium" if ratio > 0.2 else "low"
    return "▰" * full + "▱" * (_CELLS - full), level


class StatusBar(Widget):
    """One line of facts about the connection."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--sandbox",
        "status-bar--live",
        "status-bar--url",
        "status-bar--schema",
        "status-bar--account",
        "status-bar--label",
        "status-bar--high",
        "status-bar--medium",
        "status-bar--low",
        "status-bar--unknown",
        "status-bar--request-id",
    }
    """
    | Class | Description |
    | :- | :- |
    | `status-bar--sandbox`, `--live` | The mode badge. |
    | `status-bar--url`, `--account` | Where requests go, and as whom. |
    | `status-bar--schema` | Where the schema in use comes from. |
    | `status-bar--label` | "RateLimit" and "Request-Id". |
    | `status-bar--high` ... `--unknown` | The rate-limit gauge, by how much is left. |
    | `status-bar--request-id` | The last Request-Id. |
    """

    mode: reactive[str] = reactive("SANDBOX")
    """``SANDBOX`` or ``LIVE``."""
    base_url: reactive[str] = reactive("")
    """Where requests go."""
    account: reactive[str | None] = reactive(None)
    """The account's email, when known."""
    remaining: reactive[int | None] = reactive(None)
    """The last RateLimit-Remaining seen."""
    request_id: reactive[str | None] = reactive(None)
    """The Request-Id of the last answer."""
    read_only: reactive[bool] = reactive(False)
    """Non-GET requests are refused."""
    limit: reactive[int | None] = reactive(None)
    """The full budget when known; ``None`` (the default): the pool the server reports,
    that is the largest RateLimit-Remaining seen (pools differ by account and server:
    the sandbox's holds 1200)."""
    schema: reactive[str] = reactive("")
    """Where the schema in use comes from ("loading the schema from ..." meanwhile)."""

    def __init__(
        self,
        *,
        mode: str = "SANDBOX",
        base_url: str = "",
        account: str | None = None,
        read_only: bool = False,
        limit: int | None = None,
        schema: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.set_reactive(StatusBar.mode, mode)
        self.set_reactive(StatusBar.base_url, base_url)
        self.set_reactive(StatusBar.account, account)
        self.set_reactive(StatusBar.read_only, read_only)
        self.set_reactive(StatusBar.limit, limit)
        self.set_reactive(StatusBar.schema, schema)
        self._peak = 0
        self._part = PartStyles(self, "status-bar")
        """A component style by part name, cached until the styles change."""

    def watch_remaining(self, remaining: int | None) -> None:
        if remaining is not None:
            self._peak = max(self._peak, remaining)

    @property
    def level(self) -> str:
        """How much of the budget is left: ``high``, ``medium``, ``low`` or ``unknown``."""
        if self.remaining is None:
            return "unknown"
        return gauge(self.remaining, self.limit or self._peak)[1]

    def notify_style_update(self) -> None:
        self._part.clear()
        super().notify_style_update()

    def render(self) -> Text:
        live = self.mode == "LIVE"
        badge = f" {self.mode} " + ("· READ-ONLY " if self.read_only else "")
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(badge, self._part("live" if live else "sandbox"))
        text.append(f" {visible(self.base_url, single_line=True)} ", self._part("url"))
        if self.schema:
            text.append(f" {compact_source(self.schema, SOURCE_WIDTH + 2)} ",
                        self._part("schema"))
        if self.account:
            text.append(f" {visible(self.account, single_line=True)} ", self._part("account"))
        text.append(" RateLimit ", self._part("label"))
        if self.remaining is None:
            text.append("– ", self._part("unknown"))
        else:
            bar, level = gauge(self.remaining, self.limit or self._peak)
            text.append(f"{bar} {self.remaining} ", self._part(level))
        text.append(" Request-Id ", self._part("label"))
        text.append(visible(self.request_id or "–", single_line=True), self._part("request-id"))
        return text
