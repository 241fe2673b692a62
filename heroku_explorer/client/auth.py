"""Credentials: where the API token comes from and where it may go.

Discovery order (the first found wins)::

    explicit option  ->  HEROKU_API_KEY  ->  ~/.netrc entry for the API URL's own host

No credentials means sandbox mode. As with ``curl -n`` and the Heroku CLI, a netrc
entry belongs to its host: the ``api.heroku.com`` entry is used for that host only,
and a ``default`` entry is never used. A netrc file holding passwords that other
users can read is refused. A token with whitespace or control characters in it is
refused when it is loaded.

The token is sent only to the configured API origin (scheme, host and port): not
across a redirect to another host and not to a schema URL elsewhere
(:func:`same_origin`), and never over plain ``http://`` to a host that is not
loopback (:func:`token_refusal`). :func:`check_api_url` is the one rule for what an
API URL may be.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import netrc
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from heroku_explorer.errors import UsageError
from heroku_explorer.safe_text import has_controls, visible

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ENV_VAR",
    "Credentials",
    "Scheme",
    "Source",
    "check_api_url",
    "describe",
    "discover",
    "is_loopback",
    "looked_at",
    "same_origin",
    "token_refusal",
]

ENV_VAR = "HEROKU_API_KEY"
Source = Literal["option", "env", "netrc"]
Scheme = Literal["bearer", "basic"]


@dataclass(frozen=True, slots=True)
class Credentials:
    """An API token and how to present it. ``repr`` never shows the token."""

    token: str = field(repr=False)
    login: str | None = None
    source: Source = "option"
    scheme: Scheme = "bearer"

    def __repr__(self) -> str:
        return (f"Credentials(login={self.login!r}, source={self.source!r}, "
                f"scheme={self.scheme!r}, token='***')")

    def __str__(self) -> str:
        return describe(self)

    @property
    def authorization(self) -> str:
        """The ``Authorization`` header value.

        Bearer by default; Basic is ``base64(login:token)`` as the API overview
        documents (an empty login when none is known).
        """
        if self.scheme == "basic":
            pair = f"{self.login or ''}:{self.token}".encode()
            return "Basic " + base64.b64encode(pair).decode("ascii")
        return f"Bearer {self.token}"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every form of the token that must never be written down."""
        forms = {self.token, self.authorization.partition(" ")[2]}
        if self.scheme == "basic":
            forms.add(self.authorization)
        return tuple(sorted((f for f in forms if f), key=len, reverse=True))

    @property
    def identity(self) -> str:
        """A short, one-way fingerprint of the token (for cache keys)."""
        return hashlib.sha256(self.token.encode()).hexdigest()[:16]


def looked_at(host: str = "api.heroku.com") -> str:
    """The key sources searched, as words for a sentence."""
    return f"--api-key, {ENV_VAR} and the ~/.netrc entry for {visible(host, single_line=True)}"


def describe(creds: Credentials | None, host: str = "api.heroku.com") -> str:
    """One plain sentence saying which credentials are in use."""
    if creds is None:
        return f"No API key found (looked at {looked_at(host)}): sandbox mode."
    where = {"option": "the command line", "env": ENV_VAR, "netrc": "~/.netrc"}[creds.source]
    who = f" for {visible(creds.login, single_line=True)}" if creds.login else ""
    return f"Using the API key{who} from {where} ({creds.scheme} auth)."


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot be an API key (whitespace, control or non-ASCII
    characters inside), or ``None``. The token itself is never in the answer."""
    for char in token:
        if char.isspace() or not char.isascii() or not char.isprintable():
            return "it holds whitespace, a control character or a non-ASCII character"
    return None


def _checked(token: str, where: str) -> str:
    problem = token_problem(token)
    if problem is not None:
        raise UsageError(f"The API key from {where} was not used: {problem}; "
                         "check how it was copied.")
    return token


def _netrc_entry(path: Path, host: str) -> tuple[str | None, str] | None:
    """The login and password of the ``machine`` entry for ``host``, never the
    ``default`` entry. Raises :class:`UsageError` when the file holds passwords and
    other users may read it."""
    try:
        parsed = netrc.netrc(str(path))
    except (OSError, netrc.NetrcParseError, UnicodeDecodeError):
        return None
    if os.name == "posix" and any(password for _l, _a, password in parsed.hosts.values()):
        try:
            mode = path.stat().st_mode
        except OSError:
            return None
        if mode & 0o077:
            shown = visible(str(path), single_line=True)
            raise UsageError(f"{shown} holds passwords and other users may read it (mode "
                             f"{mode & 0o777:o}); make it private with `chmod 600 {shown}`.")
    # Python's netrc keeps a `default` entry under the name "default" and
    # authenticators() falls back to it: look up the machine name alone.
    wanted = host.lower().rstrip(".")
    if not wanted or wanted == "default":
        return None
    for name, (login, _account, password) in parsed.hosts.items():
        if name != "default" and name.lower().rstrip(".") == wanted and password:
            return (login or None, password)
    return None


def discover(
    explicit: str | Credentials | None = None,
    environ: Mapping[str, str] | None = None,
    netrc_path: str | Path | None = None,
    host: str = "api.heroku.com",
    *,
    scheme: Scheme = "bearer",
) -> Credentials | None:
    """Find credentials: the explicit option, then ``HEROKU_API_KEY``, then the
    netrc ``machine`` entry for ``host`` (login = email, password = token), which is
    the API URL's own host.

    Raises :class:`UsageError` for a token with whitespace or control characters
    inside, and for a netrc file with passwords that other users may read.
    """
    if isinstance(explicit, Credentials):
        return explicit
    env = os.environ if environ is None else environ
    if explicit is not None and explicit.strip():
        token = _checked(explicit.strip(), "--api-key")
        return Credentials(token=token, source="option", scheme=scheme)
    token = env.get(ENV_VAR, "").strip()
    if token:
        return Credentials(token=_checked(token, ENV_VAR), source="env", scheme=scheme)
    if netrc_path is None:
        home = env.get("HOME")
        netrc_path = Path(home) / ".netrc" if home else Path.home() / ".netrc"
    found = _netrc_entry(Path(netrc_path), host)
    if found is not None:
        login, password = found
        token = _checked(password.strip(), f"the netrc entry for {visible(host)}")
        return Credentials(token=token, login=login, source="netrc", scheme=scheme)
    return None


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and the loopback addresses (127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def token_refusal(url: str) -> str | None:
    """Why a token may not be sent to ``url`` (a sentence naming it), or ``None``.

    A token goes over ``https://``, or over plain ``http://`` to a loopback host
    only: anywhere else it would cross the network unencrypted.
    """
    shown = visible(url, single_line=True)
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return f"The API key is not sent to {shown}: it is not a valid URL."
    scheme = parts.scheme.lower()
    if scheme == "https" or (scheme == "http" and is_loopback(host)):
        return None
    return (f"The API key is not sent to {shown}: plain http:// would carry it unencrypted "
            "off this machine; use https:// (plain http:// only to 127.0.0.1, ::1 or "
            "localhost).")


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_HOST = re.compile(r"[\w.-]+")


def check_api_url(url: str, origin: str = "--api-url", *, base: bool = True) -> str:
    """``url`` when it can be an API base URL, else :class:`UsageError` with one
    sentence: an http or https URL with a host, and no user name, password, query or
    fragment in it. ``origin`` names where it came from (``--api-url``,
    ``HEROKU_API_URL``). ``base=False`` (a schema URL) allows a query."""
    # A user name and password in the URL are not repeated on screen.
    shown = visible(_USERINFO.sub(r"\1***@", url), single_line=True)

    def refuse(reason: str) -> UsageError:
        return UsageError(f"{origin} {shown} cannot be used: {reason}.")

    if not url.strip():
        raise refuse("it is empty")
    if has_controls(url) or any(c.isspace() for c in url):
        raise refuse("it holds spaces or control characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError:
        raise refuse("it is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise refuse("it should start with https:// (or http:// for a server on loopback)")
    if "@" in parts.netloc:
        raise refuse("it holds a user name or password; give the key with `--api-key -` "
                     f"or {ENV_VAR}")
    if not host:
        raise refuse("it has no host")
    if not host.startswith("[") and ":" not in host and _HOST.fullmatch(host) is None:
        raise refuse("its host name holds characters a host name cannot have")
    if parts.fragment or url.endswith("#") or (base and (parts.query or url.endswith("?"))):
        raise refuse("an API URL has no query (?) or fragment (#)")
    import httpx

    try:
        httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        raise refuse("it is not a valid URL") from None
    return url


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    """True when both URLs have the same scheme, host and (effective) port."""
    return a.scheme == b.scheme and a.host == b.host and _port(a) == _port(b)


def _port(url: httpx.URL) -> int | None:
    if url.port is not None:
        return url.port
    return {"http": 80, "https": 443}.get(url.scheme)
