"""The REPL's command history: a file of mode 0600 that never holds a secret.

Lines are scrubbed before they are written: values of secret headers
(``Authorization``, ``Heroku-Two-Factor-Code``...), fields whose names say they are
secret (``password=``, ``client:secret=``, ``api_key:=``...) and every known form of
the token become ``[REDACTED]``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from prompt_toolkit.history import FileHistory, History, InMemoryHistory

__all__ = ["HISTORY_FILE", "REDACTED", "PrivateFileHistory", "default_history_path",
           "open_history", "scrub"]

HISTORY_FILE = "repl_history"
REDACTED = "[REDACTED]"

_SECRET_HEADER = re.compile(
    r"(?i)((?:authorization|proxy-authorization|heroku-two-factor-code|cookie)\s*:\s*)"
    r"([^'\"]*)")
_SECRET_FIELD = re.compile(
    r"(?i)(\b[\w:.-]*(?:token|secret|password|passwd|api[_-]?key|private_key|credential)"
    r"[\w:.-]*:?=)('[^']*'|\"(?:\\.|[^\"\\])*\"|\S*)")


def scrub(line: str, secrets: Iterable[str] = ()) -> str:
    """``line`` with header secrets, secret-looking fields and known tokens removed."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        line = line.replace(secret, REDACTED)
    line = _SECRET_HEADER.sub(lambda m: m.group(1) + REDACTED, line)
    return _SECRET_FIELD.sub(lambda m: m.group(1) + REDACTED, line)


def default_history_path() -> Path:
    """``<user data dir>/repl_history`` (``$HEROKU_EXPLORER_HOME/data`` when set)."""
    from heroku_explorer.paths import data_dir

    return data_dir() / HISTORY_FILE


class PrivateFileHistory(FileHistory):
    """A :class:`FileHistory` kept private (0600 in a 0700 folder) and scrubbed.

    ``secrets`` may be extended once the token is known (the client opens lazily).
    """

    def __init__(self, filename: str | os.PathLike[str], secrets: Iterable[str] = ()) -> None:
        from heroku_explorer.paths import ensure_dir

        path = Path(filename)
        ensure_dir(path.parent)
        fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
        self.secrets: tuple[str, ...] = tuple(secrets)
        super().__init__(str(path))

    def store_string(self, string: str) -> None:
        super().store_string(scrub(string, self.secrets))


def open_history(path: Path | str | None, secrets: Iterable[str] = ()) -> History:
    """A private file history at ``path``; in memory when ``path`` is None or unwritable."""
    if path is None:
        return InMemoryHistory()
    try:
        return PrivateFileHistory(path, secrets)
    except OSError:
        return InMemoryHistory()
