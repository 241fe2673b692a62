"""What ``heroku-explorer web`` decides before any server exists: the per-launch secret,
the command each visit runs, the environment it gets, and what a bind address risks.

No web library is imported here, so these rules are tested (and ``--help`` works)
without the ``web`` extra.
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import secrets
import sys
from collections.abc import Mapping

__all__ = [
    "SECRET_BYTES",
    "app_command",
    "app_environment",
    "host_warning",
    "is_loopback_host",
    "new_secret",
    "secret_matches",
    "url_host",
]

#: 32 random bytes (256 bits), written URL-safe: 43 characters.
SECRET_BYTES = 32

#: Variables the live API reads its credentials from; the sandbox page never gets them.
_CREDENTIAL_VARIABLES = ("HEROKU_API_KEY", "HEROKU_API_URL")


def new_secret() -> str:
    """A fresh per-launch secret for the page's path."""
    return secrets.token_urlsafe(SECRET_BYTES)


def secret_matches(supplied: str, secret: str) -> bool:
    """Whether ``supplied`` is the secret, compared in constant time."""
    return hmac.compare_digest(supplied.encode("utf-8", "surrogateescape"),
                               secret.encode("utf-8"))


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 and the name localhost."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_warning(host: str) -> str | None:
    """The risk of binding to ``host`` (shown literally), or None for loopback."""
    from heroku_explorer.safe_text import visible

    if is_loopback_host(host):
        return None
    return (
        f"warning: serving on {visible(host, single_line=True)}, beyond this machine's "
        "loopback. Anyone who can reach the port and learns the link drives an explorer "
        "that holds your API token (with --live) and can change your apps. The secret in "
        "the link only stops those who do not have it: the page is plain http, so anyone "
        "who can watch the network sees the link and everything typed. Prefer the default "
        "127.0.0.1 with an SSH tunnel."
    )


def url_host(host: str) -> str:
    """``host`` as written in a URL (an IPv6 address in brackets)."""
    try:
        if ipaddress.ip_address(host.strip("[]")).version == 6:
            return f"[{host.strip('[]')}]"
    except ValueError:
        pass
    return host


#: Options of ``web`` handed to each visit's explorer unchanged: (attribute, flag).
_VALUE_OPTIONS = (
    ("schema", "--schema"), ("schema_format", "--schema-format"), ("api_url", "--api-url"),
    ("variant", "--variant"), ("timeout", "--timeout"),
)
_SWITCHES = (
    ("lenient", "--lenient"), ("offline", "--offline"), ("read_only", "--read-only"),
    ("no_history", "--no-history"), ("basic_auth", "--basic-auth"),
)


def app_command(args: argparse.Namespace, *, python: str | None = None) -> list[str]:
    """The explorer each visit runs: ``python -m heroku_explorer [options] tui``.

    The sandbox unless ``args.live``; no key is ever on this command line (a live
    explorer resolves its credentials from the environment or ``~/.netrc``).
    """
    argv = [python or sys.executable, "-m", "heroku_explorer"]
    for attribute, flag in _VALUE_OPTIONS:
        value = getattr(args, attribute, None)
        if value is not None:
            argv += [flag, str(value)]
    for attribute, flag in _SWITCHES:
        if getattr(args, attribute, False):
            argv.append(flag)
    if not getattr(args, "live", False):
        argv.append("--sandbox")
    argv.append("tui")
    return argv


def app_environment(environ: Mapping[str, str], *, live: bool) -> dict[str, str]:
    """The environment of each visit's explorer: the server's own, as the terminal
    explorer would read it; without the credential variables on the sandbox."""
    env = dict(environ)
    if not live:
        for name in _CREDENTIAL_VARIABLES:
            env.pop(name, None)
    return env
