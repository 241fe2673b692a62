"""Which names carry secrets: one rule for history, exports and the screen.

A header, a query parameter or a JSON field whose name says it holds a credential
(``Authorization``, ``X-Api-Key``, ``password``, ``access_token``...) is secret
wherever it appears. Config vars are secret by nature: their values are the
application's credentials (``DATABASE_URL`` holds a password), so every value of a
config-var map is treated as secret, whatever its name.
"""

from __future__ import annotations

import re

__all__ = ["REDACTED", "is_config_var_path", "is_secret_header", "is_secret_name"]

REDACTED = "[REDACTED]"

# Whole words (split on -, _, . and case changes) that mark a credential.
_SECRET_WORDS = frozenset({
    "password", "passwd", "passphrase", "secret", "token", "apikey", "api_key", "key",
    "authorization", "auth", "credential", "credentials", "cookie", "session", "otp",
    "signature", "private",
})
# Names that contain a secret word but are not secrets.
_NOT_SECRET = frozenset({
    "key", "keys", "ssh_key", "ssh-key", "public_key", "key_id", "token_type", "session_id",
    "auth_method", "expires_in", "fingerprint",
})
_HEADER_SECRETS = frozenset({
    "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key",
    "heroku-two-factor-code", "x-heroku-two-factor-code",
})
_SPLIT = re.compile(r"[-_.\s]+|(?<=[a-z0-9])(?=[A-Z])")
_CONFIG_VARS = re.compile(r"/config-vars/?$|/config_vars/?$")


def _words(name: str) -> list[str]:
    return [w.lower() for w in _SPLIT.split(name) if w]


def is_secret_name(name: str) -> bool:
    """True when a field, parameter or header called ``name`` holds a credential.

    ``password``, ``new_password``, ``access_token``, ``refresh_token``, ``api_key``,
    ``apiKey``, ``client_secret``, ``X-Api-Key`` are; ``key`` alone (an SSH key's
    public half, a config var's name), ``token_type`` and ``session_id`` are not.
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
    return any(w in _SECRET_WORDS and w != "key" for w in words)


def is_secret_header(name: str) -> bool:
    """True for headers that carry credentials (their values are never kept)."""
    return name.strip().lower() in _HEADER_SECRETS or is_secret_name(name)


def is_config_var_path(path: str) -> bool:
    """True for URLs whose bodies are config-var maps (every value a secret)."""
    return _CONFIG_VARS.search(path.split("?", 1)[0]) is not None
