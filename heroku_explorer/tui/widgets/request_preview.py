"""Two read-only views of a request before it is sent.

``RequestPreview`` follows the form as the person types: method, URL, headers,
body and the same request as curl, or what stops it from being sent.
``ExampleView`` is the reference-docs view of an action: the request built from
the schema's examples as curl, and the answer the schema promises.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from heroku_explorer.client.exports import WireRequest as Wire
from heroku_explorer.errors import ValidationError
from heroku_explorer.examples import promised_response
from heroku_explorer.protocol import reason_phrase
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action, ApiSpec
from heroku_explorer.tui.widgets.json_text import KINDS, highlight, pretty

__all__ = ["ExampleView", "RequestPreview", "Wire"]


class _TextPanel(VerticalScroll):
    """Shared styling for the two panels: JSON token styles and a few parts."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"request-preview--{k}" for k in KINDS} | {
        "request-preview--heading",
        "request-preview--muted",
        "request-preview--error",
        "request-preview--method",
    }
    """JSON token styles and ``--heading``, ``--muted``, ``--error``, ``--method``."""

    def compose(self) -> ComposeResult:
        yield Static("", classes="panel-body")

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"request-preview--{part}")

    def _json(self, text: str) -> Text:
        return highlight(visible(text), {k: self._style(k) for k in KINDS})

    def _wire(self, wire: Wire) -> list[RenderableType]:
        line = Text(wire.method, self._style("method"))
        line.append(" " + visible(wire.url, single_line=True))
        parts: list[RenderableType] = [line]
        headers = Text()
        for n, (name, value) in enumerate(wire.request_headers):
            if n:
                headers.append("\n")
            headers.append(visible(name, single_line=True), self._style("muted"))
            headers.append(visible(f": {value}", single_line=True))
        if wire.request_headers:
            parts.append(headers)
        if wire.request_body is not None:
            parts.append(Text(""))
            parts.append(self._json(_pretty_bytes(wire.request_body)))
        return parts

    def _put(self, parts: Sequence[RenderableType]) -> None:
        self.query_one(".panel-body", Static).update(Group(*parts))


def _pretty_bytes(body: bytes) -> str:
    import json

    try:
        return pretty(json.loads(body))
    except ValueError:
        return body.decode("utf-8", errors="replace")


class RequestPreview(_TextPanel):
    """The request the form would send now, as the person types."""

    HELP = """\
## Preview

The request the form would send right now: method, URL, headers and body, then
the same request as a curl command (the token is never shown: `-n` reads
`~/.netrc`). Problems that stop it from being sent are listed here too.
"""

    def show(self, wire: Wire | None, curl: str | None,
             errors: Sequence[ValidationError] = ()) -> None:
        parts: list[RenderableType] = []
        if errors:
            parts.append(Text("Not ready to send", self._style("heading")))
            for err in errors:
                parts.append(Text(visible(f"• {err}", single_line=True), self._style("error")))
            parts.append(Text(""))
        if wire is not None:
            parts.extend(self._wire(wire))
        if curl:
            parts.append(Text("\ncurl", self._style("heading")))
            parts.append(Text(visible(curl)))
        if not parts:
            parts.append(Text("Open an action (Enter in the tree) to see its request here.",
                              self._style("muted")))
        self._put(parts)


class ExampleView(_TextPanel):
    """The schema's example request (as curl) and the answer it promises."""

    HELP = """\
## Example

Before anything is sent: the request built from the schema's examples, as curl,
and the answer the schema promises, the way Heroku's reference docs show them.
"""

    def show(self, spec: ApiSpec, action: Action | None, curl: str | None,
             problem: str | None = None) -> None:
        if action is None:
            self._put([Text("Highlight an action to see an example.", self._style("muted"))])
            return
        parts: list[RenderableType] = [Text("Example request", self._style("heading"))]
        if curl:
            parts.append(Text(visible(curl)))
        if problem:
            parts.append(Text(visible(problem), self._style("muted")))
        status, example, known = promised_response(spec, action)
        head = Text("\nExample response", self._style("heading"))
        parts.append(head)
        parts.append(Text(f"HTTP/1.1 {status} {reason_phrase(status)}", self._style("method")))
        if example is not None:
            parts.append(self._json(pretty(example)))
        elif not known:
            parts.append(Text("(the schema gives no example body)", self._style("muted")))
        self._put(parts)
