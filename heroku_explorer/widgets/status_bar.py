"""The status bar: mode, base URL, account, rate-limit gauge and last Request-Id."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Label

__all__ = ["RATE_LIMIT", "StatusBar", "gauge"]

#: Heroku's budget of requests per account (refilled gradually).
RATE_LIMIT = 4500
_CELLS = 8


def gauge(remaining: int, limit: int = RATE_LIMIT) -> tuple[str, str]:
    """A bar of ``_CELLS`` cells and its level: ``high``, ``medium`` or ``low``."""
    ratio = max(0.0, min(1.0, remaining / limit)) if limit else 0.0
    full = round(ratio * _CELLS)
    level = "high" if ratio > 0.5 else "medium" if ratio > 0.2 else "low"
    return "▰" * full + "▱" * (_CELLS - full), level


class StatusBar(Horizontal):
    """One line of facts about the connection."""

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
    """The full budget (Heroku's is 4500); ``None``: the highest value seen so far."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._peak = 0

    def compose(self) -> ComposeResult:
        yield Label(id="mode-badge")
        yield Label(id="base-url")
        yield Label(id="account")
        yield Label(id="ratelimit")
        yield Label(id="last-request-id")

    def on_mount(self) -> None:
        self._update_mode()
        self._update_url()
        self._update_ratelimit()
        self._update_request_id()

    def _update_mode(self) -> None:
        badge = self.query_one("#mode-badge", Label)
        text = f" {self.mode} " + ("· READ-ONLY " if self.read_only else "")
        badge.update(text)
        badge.set_class(self.mode == "LIVE", "-live")
        badge.set_class(self.mode != "LIVE", "-sandbox")

    def _update_url(self) -> None:
        self.query_one("#base-url", Label).update(self.base_url)
        account = self.query_one("#account", Label)
        account.update(self.account or "")
        account.display = bool(self.account)

    def _update_ratelimit(self) -> None:
        label = self.query_one("#ratelimit", Label)
        if self.remaining is None:
            label.update(Content.assemble(("RateLimit ", "dim"), "–"))
            level = "unknown"
        else:
            self._peak = max(self._peak, self.remaining)
            bar, level = gauge(self.remaining, self.limit or self._peak)
            label.update(Content.assemble(("RateLimit ", "dim"), bar, f" {self.remaining}"))
        for name in ("high", "medium", "low", "unknown"):
            label.set_class(name == level, f"-{name}")

    def _update_request_id(self) -> None:
        label = self.query_one("#last-request-id", Label)
        label.update(Content.assemble(("Request-Id ", "dim"), self.request_id or "–"))

    def watch_mode(self) -> None:
        if self.is_mounted:
            self._update_mode()

    def watch_read_only(self) -> None:
        if self.is_mounted:
            self._update_mode()

    def watch_base_url(self) -> None:
        if self.is_mounted:
            self._update_url()

    def watch_account(self) -> None:
        if self.is_mounted:
            self._update_url()

    def watch_limit(self) -> None:
        if self.is_mounted:
            self._update_ratelimit()

    def watch_remaining(self) -> None:
        if self.is_mounted:
            self._update_ratelimit()

    def watch_request_id(self) -> None:
        if self.is_mounted:
            self._update_request_id()
