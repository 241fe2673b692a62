"""Which names carry secrets: one rule for history, exports and the screen.

A header, a query parameter or a JSON field whose name says it holds a credential
(``Authorization``, ``X-Api-Key``, ``password``, ``access_token``...) is secret
wherever it appears. Config vars are secret by nature: their values are the
application's credentials (``DATABASE_URL`` holds a password), so every value of a
config-var map is treated as secret, whatever its name.

Besides the names, the known secrets themselves (the token and its encoded forms)
are removed wherever they occur, in each form they take once written down:
JSON-escaped (a token holding ``"`` or a newline reads ``\\"`` or ``\\n`` in JSON
text), ``repr``-escaped, percent-encoded, shown with :func:`~heroku_explorer.safe_text.visible`,
with its whitespace collapsed, and split at its control characters.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

from heroku_explorer.safe_text import visible

__all__ = [
    "REDACTED",
    "is_config_var_path",
    "is_redacted",
    "is_secret_header",
    "is_secret_name",
    "redact_bytes",
    "redact_json",
    "redact_text",
    "redact_url",
    "redact_urls",
    "secret_forms",
]

REDACTED = "[REDACTED]"

# Whole words (split on -, _, ., :, spaces and case changes) that mark a credential.
_SECRET_WORDS = frozenset({
    "password", "passwd", "passphrase", "secret", "token", "apikey", "api_key", "key",
    "authorization", "auth", "credential", "credentials", "cookie", "session", "otp",
    "signature", "private",
})
# "code" is a credential next to one of these words: an OAuth grant's code, a
# second-factor or recovery code.
_CODE_WORDS = frozenset({"grant", "factor", "verification", "recovery", "mfa", "2fa",
                         "sms", "backup", "one"})
# Names that contain a secret word but are not secrets.
_NOT_SECRET = frozenset({
    "key", "keys", "ssh_key", "ssh-key", "public_key", "key_id", "token_type", "session_id",
    "auth_method", "expires_in", "fingerprint",
})
# URLs that are credentials themselves: whoever holds one reads the stream (a log
# session's logplex_url, a build's output_stream_url, any other *_stream_url).
_CAPABILITY_URLS = frozenset({"logplex_url", "output_stream_url", "stream_url"})
# Query parameters whose value is the credential of a stream URL (logplex's ?srv=).
_QUERY_SECRETS = frozenset({"srv"})
_HEADER_SECRETS = frozenset({
    "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key",
    "heroku-two-factor-code", "x-heroku-two-factor-code",
})
_SPLIT = re.compile(r"[-_.:\s]+|(?<=[a-z0-9])(?=[A-Z])")
_CONFIG_VARS = re.compile(r"/config-vars/?$|/config_vars/?$")
# Inside a value kept secret as a whole, these describe it and are not secret.
_DESCRIPTIVE = frozenset({"id", "expires_in", "expires_at", "token_type", "created_at",
                          "updated_at", "type", "scope"})
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>\\]+")
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/?#@:]*:)([^/?#@]*)(@)")
# Characters at which a secret is split: controls, space, quote and backslash.
_BREAKS = re.compile(r"[\x00-\x20\x7f-\x9f\"'\\\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
#: A piece of a split secret shorter than this is left alone (it would match
#: ordinary text).
MIN_PIECE = 8


def _words(name: str) -> list[str]:
    return [w.lower() for w in _SPLIT.split(name) if w]


def is_secret_name(name: str) -> bool:
    """True when a field, parameter or header called ``name`` holds a credential.

    ``password``, ``new_password``, ``access_token``, ``refresh_token``, ``api_key``,
    ``apiKey``, ``client_secret``, ``client:secret`` (the 2013 manifest's spelling),
    ``grant:code``, ``X-Api-Key``, a log session's ``logplex_url`` and a build's
    ``output_stream_url`` (any ``*_stream_url``: the URL is the credential) are;
    ``key`` alone (an SSH key's public half, a config var's name), ``token_type`` and
    ``session_id`` are not.
    """
    folded = name.strip().lower()
    if not folded or folded in _NOT_SECRET:
        return False
    if folded in _HEADER_SECRETS:
        return True
    words = _words(name.strip())
    if not words:
        return False
    joined = "_".join(words)
    if joined in _NOT_SECRET:
        return False
    if "api" in words and "key" in words:
        return True
    if "code" in words and not _CODE_WORDS.isdisjoint(words):
        return True
    if words[-2:] == ["stream", "url"] or joined in _CAPABILITY_URLS:
        return True
    return any(w in _SECRET_WORDS and w != "key" for w in words)


def is_secret_header(name: str) -> bool:
    """True for headers that carry credentials (their values are never kept)."""
    return name.strip().lower() in _HEADER_SECRETS or is_secret_name(name)


def is_config_var_path(path: str) -> bool:
    """True for URLs whose bodies are config-var maps (every value a secret)."""
    return _CONFIG_VARS.search(path.split("?", 1)[0].split("#", 1)[0]) is not None


def is_redacted(text: str) -> bool:
    """True when ``text`` holds the :data:`REDACTED` marker (something was taken out)."""
    return REDACTED in text


# -- the known secrets, in every written form ---------------------------------


@functools.lru_cache(maxsize=256)
def secret_forms(secret: str) -> tuple[str, ...]:
    """Every form ``secret`` takes once written down, longest first.

    The secret itself; JSON-escaped (ASCII and not); ``repr`` of it as text and as
    bytes; as :func:`visible` shows it (on one line or several); percent-encoded;
    with its whitespace collapsed to single spaces; and, when it holds control
    characters, spaces, quotes or backslashes, each piece between them of at least
    :data:`MIN_PIECE` characters (so that no part long enough to matter survives).
    """
    if not secret:
        return ()
    forms = {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
        repr(secret.encode("utf-8", "surrogatepass"))[2:-1],
        visible(secret),
        visible(secret, single_line=True),
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        " ".join(secret.split()),
    }
    pieces = _BREAKS.split(secret)
    if len(pieces) > 1:
        forms.update(p for p in pieces if len(p) >= MIN_PIECE)
    return tuple(sorted((f for f in forms if f.strip()), key=lambda f: (-len(f), f)))


def _all_forms(secrets: Iterable[str]) -> list[str]:
    forms: set[str] = set()
    for secret in secrets:
        if secret:
            forms.update(secret_forms(secret))
    return sorted(forms, key=lambda f: (-len(f), f))


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of each secret replaced by :data:`REDACTED`."""
    for form in _all_forms(secrets):
        if form in text:
            text = text.replace(form, REDACTED)
    return text


def redact_bytes(data: bytes, secrets: Iterable[str]) -> bytes:
    """``data`` with every form of each secret (as UTF-8) replaced by :data:`REDACTED`."""
    marker = REDACTED.encode()
    for form in _all_forms(secrets):
        raw = form.encode("utf-8", "surrogatepass")
        if raw in data:
            data = data.replace(raw, marker)
    return data


# -- URLs ----------------------------------------------------------------------


def _query(query: str) -> str:
    parts = []
    for part in query.split("&"):
        name, eq, _value = part.partition("=")
        if eq and (is_secret_name(unquote_plus(name))
                   or unquote_plus(name).lower() in _QUERY_SECRETS):
            part = f"{name}={REDACTED}"
        parts.append(part)
    return "&".join(parts)


def redact_url(url: str, secrets: Iterable[str] = ()) -> str:
    """``url`` with the password of its user info and the values of query parameters
    with secret names (``?token=``, ``X-Amz-Signature=``) replaced, and each known
    secret removed. Everything else is kept as written."""
    url = redact_text(url, secrets)
    url = _USERINFO.sub(lambda m: m.group(1) + REDACTED + m.group(3), url)
    head, mark, rest = url.partition("?")
    if not mark:
        return url
    query, hash_mark, fragment = rest.partition("#")
    return f"{head}?{_query(query)}{hash_mark}{fragment}"


def redact_urls(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every URL in it passed through :func:`redact_url` and each known
    secret removed."""
    text = redact_text(text, secrets)
    if "://" not in text:
        return text
    return _URL.sub(lambda m: redact_url(m.group()), text)


# -- JSON ----------------------------------------------------------------------

def _hide(value: Any) -> Any:
    """A value kept secret as a whole: its leaves become :data:`REDACTED` (``null``
    and booleans stay, and so do the few names that only describe a credential, such
    as its ``id`` and ``expires_in``)."""
    if isinstance(value, dict):
        return {k: (v if k in _DESCRIPTIVE and not isinstance(v, dict | list) else _hide(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_hide(v) for v in value]
    if value is None or isinstance(value, bool):
        return value
    return REDACTED


def redact_json(value: Any, *, secrets: Iterable[str] = (), config_vars: bool = False,
                secret_names: Callable[[str], bool] | None = None) -> Any:
    """A copy of a parsed JSON ``value`` with its secrets replaced by :data:`REDACTED`.

    A field whose name :func:`is_secret_name` says (or ``secret_names`` says) carries a
    credential is hidden whatever its depth (``{"access_token": {"token": ...}}``);
    so is a field whose parent and own names together say so (``grant`` then
    ``code``). ``config_vars`` hides every value of a top-level map (its keys stay:
    they are the config vars' names; ``null``, a deletion, stays). Every string and key
    loses each form of the known ``secrets`` and has its URLs redacted
    (:func:`redact_url`).
    """
    forms = _all_forms(secrets)

    def text(s: str) -> str:
        for form in forms:
            if form in s:
                s = s.replace(form, REDACTED)
        return redact_urls(s) if "://" in s else s

    seen: dict[tuple[str, str | None], bool] = {}  # a list repeats the same names

    def secret(name: str, parent: str | None) -> bool:
        found = seen.get((name, parent))
        if found is None:
            found = is_secret_name(name) or (secret_names is not None and secret_names(name)) \
                or (parent is not None and is_secret_name(f"{parent}.{name}"))
            seen[(name, parent)] = found
        return found

    def walk(v: Any, parent: str | None) -> Any:
        if isinstance(v, str):
            return text(v)
        if isinstance(v, list):
            return [walk(item, parent) for item in v]
        if isinstance(v, dict):
            out: dict[str, Any] = {}
            for k, item in v.items():
                name = text(str(k))
                out[name] = _hide(item) if secret(str(k), parent) else walk(item, str(k))
            return out
        return v

    if config_vars and isinstance(value, dict):
        return {text(str(k)): (None if v is None else REDACTED) for k, v in value.items()}
    return walk(value, None)
