"""Copy a request as curl, HTTPie or a Python httpx snippet.

Exports are built from exactly what is sent (an :class:`Outgoing` from
``HerokuClient.prepare`` or a recorded :class:`Exchange`): the same method,
URL, body bytes and headers. curl follows Heroku's docs style::

    curl -n -X PATCH https://api.heroku.com/apps/example \\
      -d '{"name": "renamed"}' \\
      -H "Content-Type: application/json" \\
      -H "Accept: application/vnd.heroku+json; version=3"

No secret is ever written out:

* the session's own token stands in as it was found: ``-n`` (``~/.netrc``, as in
  Heroku's docs) or ``-H "Authorization: Bearer $HEROKU_API_KEY"`` (the
  environment or the command line); an ``Authorization`` typed by the person
  becomes that same placeholder;
* any other header whose name says it carries a credential (``X-Api-Key``,
  ``Cookie``, ``Heroku-Two-Factor-Code``...; :func:`~heroku_explorer.redaction.is_secret_header`)
  reads its value from an environment variable named after it (``$X_API_KEY``);
* query parameters and JSON body fields whose names say so (``api_key``,
  ``password``, ``access_token``...) become ``[REDACTED]``, and so does every
  secret string the session knows (the token in any form, and each value found
  above) wherever else it appears: URL, header values, body.

An export made on the sandbox targets ``https://api.heroku.com`` (what the learner
will run for real), uses the environment-variable placeholder and says in a leading
comment where it was made.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import quote, quote_plus, unquote_plus, urlencode

from heroku_explorer.client.auth import ENV_VAR
from heroku_explorer.protocol import DEFAULT_VARIANT, HeaderName, accept_header, header_value
from heroku_explorer.redaction import REDACTED, is_secret_header, is_secret_name

if TYPE_CHECKING:
    from heroku_explorer.request import RequestSpec

__all__ = ["LIVE_BASE_URL", "SANDBOX_NOTE", "AuthStyle", "Format", "UnsentRequest",
           "WireRequest", "export", "scrub", "to_curl", "to_httpie", "to_python", "unsent"]

AuthStyle = Literal["netrc", "env"]
Format = Literal["curl", "httpie", "python"]

#: Where an export made on the sandbox points: the real API.
LIVE_BASE_URL = "https://api.heroku.com"
#: The first line of an export made on the sandbox.
SANDBOX_NOTE = "# made on the heroku-explorer sandbox"

#: Headers the transport writes itself.
_SKIP = frozenset({"user-agent", "host", "content-length", "accept-encoding", "connection"})
_TWO_FACTOR_VAR = "HEROKU_TWO_FACTOR_CODE"
#: Values found under secret names shorter than this are not hunted for elsewhere
#: (a one-letter password would blank every ``a`` in the URL).
_MIN_FOUND = 6
_GLOB = frozenset("[]{}")


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
    """``spec`` as the client would send it to ``base_url`` (auth aside): the same
    headers ``HerokuClient.prepare`` writes (a typed ``Accept`` or ``Content-Type``
    replaces the default, never both)."""
    headers: list[tuple[str, str]] = []
    if spec.header(HeaderName.ACCEPT) is None:
        headers.append((HeaderName.ACCEPT, accept_header(variant)))
    body = spec.body_bytes()
    if body is not None and spec.header(HeaderName.CONTENT_TYPE) is None:
        headers.append((HeaderName.CONTENT_TYPE, "application/json"))
    headers.extend(spec.wire_headers)
    url = spec.path if spec.path.startswith(("http://", "https://")) else (
        base_url.rstrip("/") + spec.path)
    if spec.query:
        url += "?" + urlencode(spec.query)
    return UnsentRequest(spec.wire_method, url, tuple(headers), body, authenticated)


# -- scrubbing ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Header:
    name: str
    value: str
    env: str | None = None
    """The environment variable the value is read from, instead of ``value``."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """A request ready to be written out: every secret already out of it."""

    method: str
    url: str
    headers: tuple[_Header, ...]
    body: str | None
    auth: AuthStyle | None
    """How the token stands in: ``netrc``, ``env``, or not at all."""
    note: str | None = None


def _env_name(header: str) -> str:
    if header.lower() == HeaderName.TWO_FACTOR.lower():
        return _TWO_FACTOR_VAR
    name = re.sub(r"[^A-Za-z0-9]+", "_", header).strip("_").upper() or "SECRET"
    return name if not name[0].isdigit() else "_" + name


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _forms(secrets: Iterable[str]) -> list[str]:
    """Each secret as written in text, in a URL and inside JSON, longest first."""
    forms: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        forms.update({secret, quote(secret, safe=""), quote_plus(secret),
                      json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]})
    return sorted((f for f in forms if f), key=len, reverse=True)


def _found_in_query(url: str) -> list[str]:
    _, _, query = url.partition("?")
    found = []
    for item in query.split("&") if query else ():
        key, eq, value = item.partition("=")
        if eq and is_secret_name(unquote_plus(key)):
            found.append(unquote_plus(value))
    return found


def _scrub_url(url: str, secrets: list[str]) -> str:
    base, sep, query = url.partition("?")
    if sep:
        items = []
        for item in query.split("&"):
            key, eq, value = item.partition("=")
            if eq and value and is_secret_name(unquote_plus(key)):
                item = f"{key}={REDACTED}"
            items.append(item)
        query = "&".join(items)
    return _redact(base + sep + query, secrets)


def _scrub_json(value: Any, secrets: list[str], found: list[str]) -> Any:
    """``value`` with every field a secret name marks replaced (its value noted in
    ``found``) and every known secret string removed."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if is_secret_name(str(key)) and item is not None and item != "":
                if isinstance(item, str | int | float) and not isinstance(item, bool):
                    found.append(str(item))
                out[key] = REDACTED
            else:
                out[key] = _scrub_json(item, secrets, found)
        return out
    if isinstance(value, list):
        return [_scrub_json(item, secrets, found) for item in value]
    if isinstance(value, str):
        return _redact(value, secrets)
    return value


def _scrub_body(body: bytes | None, secrets: list[str]) -> tuple[str | None, list[str]]:
    if body is None:
        return None, []
    text = body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return _redact(text, _forms(secrets)), []
    found: list[str] = []
    clean = _scrub_json(data, secrets, found)
    if found:  # what was under a secret name goes wherever else it appears too
        clean = _scrub_json(clean, _forms([*secrets, *_long(found)]), [])
    if clean == data:
        return text, []
    return json.dumps(clean), found


def _long(values: Iterable[str]) -> list[str]:
    return [v for v in values if len(v) >= _MIN_FOUND]


def _plan(request: WireRequest, auth: AuthStyle, secrets: Iterable[str],
          sandbox_base: str | None) -> _Plan:
    url = request.url
    authenticated = request.authenticated
    note = None
    if sandbox_base is not None:
        base = sandbox_base.rstrip("/")
        if url == base or url.startswith((base + "/", base + "?")):
            url = LIVE_BASE_URL + url[len(base):]
            authenticated, auth, note = True, "env", SANDBOX_NOTE
    known = [s for s in secrets if s]
    # Values typed under secret names are secrets wherever else they appear.
    found: list[str] = _found_in_query(request.url)
    typed_auth = header_value(request.request_headers, HeaderName.AUTHORIZATION)
    if typed_auth is not None and not authenticated:
        authenticated, auth = True, "env"  # a typed token stands in as the env placeholder
    for name, value in request.request_headers:
        if is_secret_header(name) and value:
            found.append(value)
            if name.lower() in ("authorization", "proxy-authorization"):
                found.append(value.partition(" ")[2].strip())
    found = [f for f in found if REDACTED not in f]
    body, in_body = _scrub_body(request.request_body, known + _long(found))
    everything = _forms([*known, *_long([*found, *in_body])])
    headers: list[_Header] = []
    seen_accept = False
    for name, value in request.request_headers:
        folded = name.lower()
        if folded in _SKIP or folded == "authorization":
            continue
        if folded == "accept":
            if seen_accept:
                continue
            seen_accept = True
        if is_secret_header(name):
            headers.append(_Header(name, "", _env_name(name)))
        else:
            headers.append(_Header(name, _redact(value, everything)))
    order = {HeaderName.CONTENT_TYPE.lower(): 0, HeaderName.ACCEPT.lower(): 1}
    headers.sort(key=lambda h: order.get(h.name.lower(), 2))
    return _Plan(request.method, _scrub_url(url, everything), tuple(headers), body,
                 auth if authenticated else None, note)


def scrub(request: WireRequest, secrets: Iterable[str]) -> WireRequest:
    """``request`` with every secret out of it (as :func:`export` writes it): the
    known ``secrets`` and whatever is under a secret name become ``[REDACTED]``."""
    from heroku_explorer.client.response import Outgoing

    plan = _plan(request, "env", secrets, None)
    headers = tuple((h.name, REDACTED if h.env else h.value) for h in plan.headers)
    body = plan.body.encode("utf-8") if plan.body is not None else None
    return Outgoing(plan.method, plan.url, headers, body, request.authenticated)


# -- writing --------------------------------------------------------------------


def _dq(text: str) -> str:
    """Double quotes, as the docs write headers, when nothing in ``text`` expands."""
    if any(c in text for c in '$`\\"!'):
        return shlex.quote(text)
    return f'"{text}"'


def _from_env(prefix: str, env: str) -> str:
    """``prefix`` then the value of ``$env``, as one shell word."""
    if any(c in prefix for c in '$`\\"!'):
        return f'{shlex.quote(prefix)}"${env}"'
    return f'"{prefix}${env}"'


def _with_note(plan: _Plan, text: str) -> str:
    return f"{plan.note}\n{text}" if plan.note else text


def _render_curl(plan: _Plan, multiline: bool) -> str:
    head = ["curl"]
    if plan.auth == "netrc":
        head.append("-n")
    if _GLOB & set(plan.url):
        head.append("-g")  # brackets and braces in the URL are not curl's globbing
    if plan.method == "HEAD":
        head.append("--head")
    elif plan.method != "GET" or plan.body is not None:
        head += ["-X", plan.method]
    head.append(shlex.quote(plan.url))
    parts = [" ".join(head)]
    if plan.body is not None:
        flag = "--data-raw" if plan.body.startswith("@") else "-d"
        parts.append(f"{flag} {shlex.quote(plan.body)}")
    for h in plan.headers:
        if h.env:
            parts.append(f"-H {_from_env(f'{h.name}: ', h.env)}")
        else:
            parts.append(f"-H {_dq(f'{h.name}: {h.value}')}")
    if plan.auth == "env":
        parts.append(f'-H "Authorization: Bearer ${ENV_VAR}"')
    return _with_note(plan, (" \\\n  " if multiline else " ").join(parts))


def _render_httpie(plan: _Plan) -> str:
    parts = ["http", "--ignore-stdin"]
    if plan.body is not None:
        parts += ["--raw", shlex.quote(plan.body)]
    parts += [plan.method, shlex.quote(plan.url)]
    for h in plan.headers:
        if h.env:
            parts.append(f'{shlex.quote(f"{h.name}:")}"${h.env}"')
        else:
            parts.append(shlex.quote(f"{h.name}:{h.value}"))
    if plan.auth == "env":
        parts.append(f'Authorization:"Bearer ${ENV_VAR}"')
    return _with_note(plan, " ".join(parts))


def _render_python(plan: _Plan) -> str:
    uses_env = plan.auth == "env" or any(h.env for h in plan.headers)
    lines = [plan.note, ""] if plan.note else []
    lines += ["import os", "", "import httpx", ""] if uses_env else ["import httpx", ""]
    q = json.dumps
    lines += ["response = httpx.request(", f"    {q(plan.method)},", f"    {q(plan.url)},",
              "    headers={"]
    for h in plan.headers:
        shown = f"os.environ[{q(h.env)}]" if h.env else q(h.value)
        lines.append(f"        {q(h.name)}: {shown},")
    if plan.auth == "env":
        lines.append(f'        "Authorization": "Bearer " + os.environ[{q(ENV_VAR)}],')
    lines.append("    },")
    if plan.body is not None:
        lines.append(f"    content={q(plan.body)},")
    if plan.auth == "netrc":
        lines.append("    auth=httpx.NetRCAuth(),")
    lines += [")", 'print(response.status_code, response.headers.get("Request-Id"))',
              "print(response.text)"]
    return "\n".join(lines) + "\n"


def to_curl(request: WireRequest, *, auth: AuthStyle = "netrc", multiline: bool = True,
            secrets: Iterable[str] = (), sandbox_base: str | None = None) -> str:
    """A curl command in the style of Heroku's API reference."""
    return _render_curl(_plan(request, auth, secrets, sandbox_base), multiline)


def to_httpie(request: WireRequest, *, auth: AuthStyle = "netrc", secrets: Iterable[str] = (),
              sandbox_base: str | None = None) -> str:
    """An HTTPie command. HTTPie reads ``~/.netrc`` on its own, so ``netrc`` adds
    nothing; ``env`` adds an Authorization item that expands ``$HEROKU_API_KEY``."""
    return _render_httpie(_plan(request, auth, secrets, sandbox_base))


def to_python(request: WireRequest, *, auth: AuthStyle = "netrc", secrets: Iterable[str] = (),
              sandbox_base: str | None = None) -> str:
    """A runnable Python snippet using httpx."""
    return _render_python(_plan(request, auth, secrets, sandbox_base))


def export(request: WireRequest, format: Format = "curl", *, auth: AuthStyle = "netrc",
           secrets: Iterable[str] = (), sandbox_base: str | None = None) -> str:
    """One of the three exports by name.

    ``secrets`` are the strings the session knows to be secret (they never appear);
    ``sandbox_base`` is the sandbox's base URL when the request was made there (the
    export then targets :data:`LIVE_BASE_URL` and says so in a leading comment).
    """
    if format not in ("curl", "httpie", "python"):
        raise ValueError(f"unknown export format {format!r}; use curl, httpie or python")
    plan = _plan(request, auth, secrets, sandbox_base)
    if format == "curl":
        return _render_curl(plan, True)
    if format == "httpie":
        return _render_httpie(plan)
    return _render_python(plan)
