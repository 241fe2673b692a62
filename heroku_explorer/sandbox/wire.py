"""The ASGI side of the sandbox: the scope's headers and raw path decoded, the
header values it writes made safe on the wire, and the lifespan protocol."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

__all__ = ["Receive", "Scope", "Send", "header_bytes", "lifespan", "raw_path",
           "request_headers"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def request_headers(scope: Scope) -> dict[str, str]:
    """Header names folded to lower case; repeated headers joined with ``, ``."""
    headers: dict[str, str] = {}
    for raw_key, raw_value in scope.get("headers", ()):
        key = bytes(raw_key).decode("latin-1").lower()
        value = _header_text(bytes(raw_value))
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _header_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def header_bytes(value: str) -> bytes:
    """A header value the sandbox writes, safe on the wire: no control characters
    (percent-escaped), no surrounding blanks, UTF-8."""
    text = _CONTROL_RE.sub(lambda m: f"%{ord(m.group()):02X}", value).strip()
    return text.encode("utf-8", "backslashreplace")


def raw_path(scope: Scope) -> str:
    """The request path as sent, still percent-encoded (``raw_path``; the decoded
    ``path`` would turn ``%2F`` into a separator)."""
    raw = scope.get("raw_path")
    if isinstance(raw, bytes | bytearray) and raw:
        text = bytes(raw).decode("latin-1").partition("?")[0]
    else:
        text = quote(str(scope.get("path", "/")), safe="/!$&'()*+,;=:@~")
    return text or "/"


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return

