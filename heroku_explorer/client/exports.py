"""Copy a request as curl, HTTPie or a Python httpx snippet.

Exports are built from exactly what is sent (an :class:`Outgoing` from
``HerokuClient.prepare`` or a recorded :class:`Exchange`): the same method,
URL, body bytes and headers. The token is never inlined: an authenticated
request gets ``-n`` (credentials from ``~/.netrc``, as in Heroku's own docs) or
a reference to ``$HEROKU_API_KEY``. curl follows Heroku's docs style::

    curl -n -X PATCH https://api.heroku.com/apps/example \\
      -d '{"name": "renamed"}' \\
      -H "Content-Type: application/json" \\
      -H "Accept: application/vnd.heroku+json; version=3"
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from heroku_explorer.client.auth import ENV_VAR
from heroku_explorer.protocol import DEFAULT_VARIANT, H, accept_header

if TYPE_CHECKING:
    from heroku_explorer.request import RequestSpec

__all__ = ["AuthStyle", "Format", "UnsentRequest", "WireRequest", "export", "scrub", "to_curl",
           "to_httpie", "to_python", "unsent"]

AuthStyle = Literal["netrc", "env"]
Format = Literal["curl", "httpie", "python"]

#: Headers the transport writes itself, or that must not be copied.
_SKIP = frozenset({"authorization", "user-agent", "host", "content-length", "accept-encoding",
                   "connection", "proxy-authorization"})
_TWO_FACTOR_VAR = "HEROKU_TWO_FACTOR_CODE"


class WireRequest(Protocol):
    """What an export needs: :class:`Outgoing` and :class:`Exchange` both fit."""

    @property
    def method(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def request_headers(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def request_body(self) -> bytes | None: ...
    @property
    def authenticated(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class UnsentRequest:
    """A request written out without the client: an example, or a preview before the
    client has opened."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes | None
    authenticated: bool = False


def unsent(spec: RequestSpec, base_url: str, *, variant: str = DEFAULT_VARIANT,
           authenticated: bool = False) -> UnsentRequest:
    """``spec`` as the client would send it to ``base_url`` (auth aside)."""
    headers: list[tuple[str, str]] = [(H.ACCEPT, accept_header(variant))]
    body = spec.body_bytes()
    if body is not None:
        headers.append((H.CONTENT_TYPE, "application/json"))
    headers.extend(spec.wire_headers)
    return UnsentRequest(spec.wire_method, base_url.rstrip("/") + spec.target, tuple(headers),
                         body, authenticated)


def _headers(request: WireRequest) -> list[tuple[str, str]]:
    """Headers to copy: Content-Type and Accept first (as the docs write them)."""
    kept = [(k, v) for k, v in request.request_headers if k.lower() not in _SKIP]
    order = {H.CONTENT_TYPE.lower(): 0, H.ACCEPT.lower(): 1}
    return sorted(kept, key=lambda kv: order.get(kv[0].lower(), 2))


def _is_secret(name: str) -> bool:
    return name.lower() == H.TWO_FACTOR.lower()


def _dq(text: str) -> str:
    """Double quotes, as the docs write headers, when nothing in ``text`` expands."""
    if any(c in text for c in '$`\\"!'):
        return shlex.quote(text)
    return f'"{text}"'


def _body_text(request: WireRequest) -> str | None:
    if request.request_body is None:
        return None
    return request.request_body.decode("utf-8", errors="replace")


def to_curl(request: WireRequest, *, auth: AuthStyle = "netrc", multiline: bool = True) -> str:
    """A curl command in the style of Heroku's API reference."""
    head = ["curl"]
    if request.authenticated and auth == "netrc":
        head.append("-n")
    if request.method == "HEAD":
        head.append("--head")
    elif request.method != "GET" or request.request_body is not None:
        head += ["-X", request.method]
    head.append(shlex.quote(request.url))
    parts = [" ".join(head)]
    body = _body_text(request)
    if body is not None:
        flag = "--data-raw" if body.startswith("@") else "-d"
        parts.append(f"{flag} {shlex.quote(body)}")
    for name, value in _headers(request):
        if _is_secret(name):
            parts.append(f'-H "{name}: ${_TWO_FACTOR_VAR}"')
        else:
            parts.append(f"-H {_dq(f'{name}: {value}')}")
    if request.authenticated and auth == "env":
        parts.append(f'-H "Authorization: Bearer ${ENV_VAR}"')
    return (" \\\n  " if multiline else " ").join(parts)


def to_httpie(request: WireRequest, *, auth: AuthStyle = "netrc") -> str:
    """An HTTPie command. HTTPie reads ``~/.netrc`` on its own, so ``netrc`` adds
    nothing; ``env`` adds an Authorization item that expands ``$HEROKU_API_KEY``."""
    parts = ["http", "--ignore-stdin"]
    body = _body_text(request)
    if body is not None:
        parts += ["--raw", shlex.quote(body)]
    parts += [request.method, shlex.quote(request.url)]
    for name, value in _headers(request):
        if _is_secret(name):
            parts.append(f'{name}:"${_TWO_FACTOR_VAR}"')
        else:
            parts.append(shlex.quote(f"{name}:{value}"))
    if request.authenticated and auth == "env":
        parts.append(f'Authorization:"Bearer ${ENV_VAR}"')
    return " ".join(parts)


def to_python(request: WireRequest, *, auth: AuthStyle = "netrc") -> str:
    """A runnable Python snippet using httpx."""
    uses_env = (request.authenticated and auth == "env") or any(
        _is_secret(n) for n, _ in _headers(request))
    lines = ["import os", "", "import httpx", ""] if uses_env else ["import httpx", ""]
    q = json.dumps
    lines += ["response = httpx.request(", f"    {q(request.method)},", f"    {q(request.url)},",
              "    headers={"]
    for name, value in _headers(request):
        shown = f"os.environ[{q(_TWO_FACTOR_VAR)}]" if _is_secret(name) else q(value)
        lines.append(f"        {q(name)}: {shown},")
    if request.authenticated and auth == "env":
        lines.append(f'        "Authorization": "Bearer " + os.environ[{q(ENV_VAR)}],')
    lines.append("    },")
    body = _body_text(request)
    if body is not None:
        lines.append(f"    content={q(body)},")
    if request.authenticated and auth == "netrc":
        lines.append("    auth=httpx.NetRCAuth(),")
    lines += [")", 'print(response.status_code, response.headers.get("Request-Id"))',
              "print(response.text)"]
    return "\n".join(lines) + "\n"


def scrub(request: WireRequest, secrets: Iterable[str]) -> WireRequest:
    """``request`` with every occurrence of each secret (a token a person typed into
    a URL or body) replaced by ``[REDACTED]``."""
    found = [s for s in secrets if s]
    if not found:
        return request
    from heroku_explorer.client.history import redact, redact_bytes
    from heroku_explorer.client.response import Outgoing

    body = request.request_body
    return Outgoing(
        request.method, redact(request.url, found),
        tuple((k, redact(v, found)) for k, v in request.request_headers),
        redact_bytes(body, found) if body is not None else None, request.authenticated)


def export(request: WireRequest, format: Format = "curl", *, auth: AuthStyle = "netrc",
           secrets: Iterable[str] = ()) -> str:
    """One of the three exports by name; ``secrets`` are scrubbed first."""
    request = scrub(request, secrets)
    if format == "curl":
        return to_curl(request, auth=auth)
    if format == "httpie":
        return to_httpie(request, auth=auth)
    if format == "python":
        return to_python(request, auth=auth)
    raise ValueError(f"unknown export format {format!r}; use curl, httpie or python")
