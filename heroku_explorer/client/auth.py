"""Credentials: where the API token comes from and where it may go.

Discovery order (the first found wins)::

    explicit option  ->  HEROKU_API_KEY  ->  ~/.netrc entry for the API host

No credentials means sandbox mode. The token is sent only to the configured API
origin (scheme, host and port): not across a redirect to another host and not
to a schema URL elsewhere (:func:`same_origin`).
"""

from __future__ import annotations

import base64
import hashlib
import netrc
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import httpx

__all__ = ["ENV_VAR", "Credentials", "Scheme", "Source", "describe", "discover", "same_origin"]

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


def describe(creds: Credentials | None) -> str:
    """One plain sentence saying which credentials are in use."""
    if creds is None:
        return ("No API key found (no --api-key, no HEROKU_API_KEY, no ~/.netrc entry): "
                "sandbox mode.")
    where = {"option": "the command line", "env": ENV_VAR, "netrc": "~/.netrc"}[creds.source]
    who = f" for {creds.login}" if creds.login else ""
    return f"Using the API key{who} from {where} ({creds.scheme} auth)."


def _from_netrc(path: Path, host: str) -> tuple[str | None, str] | None:
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None
    if entry is None:
        return None
    login, _account, password = entry
    if not password:
        return None
    return (login or None, password)


def discover(
    explicit: str | Credentials | None = None,
    environ: Mapping[str, str] | None = None,
    netrc_path: str | Path | None = None,
    host: str = "api.heroku.com",
    *,
    scheme: Scheme = "bearer",
) -> Credentials | None:
    """Find credentials: the explicit option, then ``HEROKU_API_KEY``, then the
    netrc entry for ``host`` (login = email, password = token)."""
    if isinstance(explicit, Credentials):
        return explicit
    env = os.environ if environ is None else environ
    if explicit is not None and explicit.strip():
        return Credentials(token=explicit.strip(), source="option", scheme=scheme)
    token = env.get(ENV_VAR, "").strip()
    if token:
        return Credentials(token=token, source="env", scheme=scheme)
    if netrc_path is None:
        home = env.get("HOME")
        netrc_path = Path(home) / ".netrc" if home else Path.home() / ".netrc"
    found = _from_netrc(Path(netrc_path), host)
    if found is not None:
        login, password = found
        return Credentials(token=password, login=login, source="netrc", scheme=scheme)
    return None


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    """True when both URLs have the same scheme, host and (effective) port."""
    return a.scheme == b.scheme and a.host == b.host and _port(a) == _port(b)


def _port(url: httpx.URL) -> int | None:
    if url.port is not None:
        return url.port
    return {"http": 80, "https": 443}.get(url.scheme)
