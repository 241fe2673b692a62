"""The REPL's command history: a file of mode 0600 that never holds a secret.

Lines are scrubbed before they are written: values of secret headers
(``Authorization``, ``X-Api-Key``, ``Heroku-Two-Factor-Code``...), fields and query
parameters whose names say they are secret (``password=``, ``client:secret=``,
``api_key:=``, ``?token=``..., by the shared rule of :mod:`heroku_explorer.redaction`),
URL passwords and every known form of the token become
:data:`~heroku_explorer.redaction.REDACTED`. A recalled line holding that marker is
not the line that was typed: :func:`is_redacted_line` tells the REPL not to send it.

The file is opened without following symbolic links (its folder is checked by
:func:`~heroku_explorer.paths.ensure_dir`); a link where the file should be, or a
file of another user, leaves the history in memory.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable
from pathlib import Path

from prompt_toolkit.history import FileHistory, History, InMemoryHistory

from heroku_explorer.paths import open_private
from heroku_explorer.redaction import (
    REDACTED,
    is_redacted,
    is_secret_header,
    is_secret_name,
    redact_text,
    redact_urls,
)
from heroku_explorer.safe_text import visible

__all__ = ["HISTORY_FILE", "REDACTED", "MemoryHistory", "PrivateFileHistory",
           "default_history_path", "is_redacted_line", "open_history", "scrub"]

HISTORY_FILE = "repl_history"

_SECRET_HEADER = re.compile(
    r"(?i)((?:authorization|proxy-authorization|heroku-two-factor-code|cookie)\s*:\s*)"
    r"([^'\"]*)")
# Any other header written ``Name: value`` whose name the shared rule calls secret.
_HEADER = re.compile(r"(?<![\w:.-])([A-Za-z][\w-]*)\s*:(?![=:/])\s*")
_HEADER_VALUE = re.compile(r"[^'\"]*")
_SECRET_FIELD = re.compile(
    r"(?i)(\b[\w:.-]*(?:token|secret|password|passwd|api[_-]?key|private_key|credential)"
    r"[\w:.-]*:?=)('[^']*'|\"(?:\\.|[^\"\\])*\"|\S*)")
# ``name=value``, ``name:=json``, ``name==query`` (and ``?name=value`` in a URL).
_FIELD = re.compile(r"(?<![\w:.-])([\w:.-]+)(==|:=|=)('[^']*'|\"(?:\\.|[^\"\\])*\"|[^\s&#]*)")
_VALUE_QUOTES = ("'", '"')


def _field(match: re.Match[str]) -> str:
    name, op, value = match.groups()
    if not is_secret_name(name) or value == REDACTED:
        return match.group()
    return name + op + REDACTED


def _headers(line: str) -> str:
    """Each ``Name: value`` whose name is secret, its value (to the closing quote or the
    end of the line) replaced."""
    out: list[str] = []
    pos = 0
    for match in _HEADER.finditer(line):
        if match.start() < pos or not is_secret_header(match.group(1)):
            continue
        value = _HEADER_VALUE.match(line, match.end())
        end = value.end() if value is not None else match.end()
        if line[match.end():end] in ("", REDACTED):
            continue
        out += [line[pos:match.end()], REDACTED]
        pos = end
    return "".join(out) + line[pos:]


def scrub(line: str, secrets: Iterable[str] = ()) -> str:
    """``line`` with header secrets, secret-looking fields and known tokens removed."""
    line = redact_text(line, secrets)
    line = _SECRET_HEADER.sub(lambda m: m.group(1) + REDACTED, line)
    line = _headers(line)
    line = _SECRET_FIELD.sub(lambda m: m.group(1) + REDACTED, line)
    line = _FIELD.sub(_field, line)
    return redact_urls(line)


def is_redacted_line(line: str) -> bool:
    """True when ``line`` (recalled from history) holds the redaction marker: it is not
    what was typed, and sending it would send ``[REDACTED]`` in place of a secret."""
    return is_redacted(line)


def default_history_path() -> Path:
    """``<user data dir>/repl_history`` (``$HEROKU_EXPLORER_HOME/data`` when set)."""
    from heroku_explorer.paths import data_dir

    return data_dir() / HISTORY_FILE


class PrivateFileHistory(FileHistory):
    """A :class:`FileHistory` kept private (0600 in a 0700 folder) and scrubbed.

    ``secrets`` may be extended once the token is known (the client opens lazily).
    Every open refuses a symbolic link.
    """

    def __init__(self, filename: str | os.PathLike[str], secrets: Iterable[str] = ()) -> None:
        from heroku_explorer.paths import ensure_dir

        path = Path(filename)
        ensure_dir(path.parent)
        os.close(open_private(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY))
        self.path = path
        self.secrets: tuple[str, ...] = tuple(secrets)
        super().__init__(str(path))

    def load_history_strings(self) -> Iterable[str]:
        try:
            fd = open_private(self.path, os.O_RDONLY)
        except OSError:
            return []
        strings: list[str] = []
        lines: list[str] = []
        with os.fdopen(fd, "rb") as handle:
            for raw in handle:
                text = raw.decode("utf-8", errors="replace")
                if text.startswith("+"):
                    lines.append(text[1:])
                elif lines:
                    strings.append("".join(lines)[:-1])
                    lines = []
        if lines:
            strings.append("".join(lines)[:-1])
        return reversed(strings)

    def store_string(self, string: str) -> None:
        clean = scrub(string, self.secrets)
        try:
            fd = open_private(self.path, os.O_CREAT | os.O_APPEND | os.O_WRONLY)
        except OSError:
            return  # the file was replaced by a link or another user's file: not written
        with os.fdopen(fd, "ab") as handle:
            out = [f"\n# {datetime.datetime.now()}\n"]
            out += [f"+{line}\n" for line in clean.split("\n")]
            handle.write("".join(out).encode("utf-8", errors="replace"))


class MemoryHistory(InMemoryHistory):
    """The history of this session only; ``disabled_reason`` says why no file is kept
    (one sentence), or is ``None`` when none was asked for."""

    def __init__(self, disabled_reason: str | None = None) -> None:
        super().__init__()
        self.disabled_reason = disabled_reason


def open_history(path: Path | str | None, secrets: Iterable[str] = ()) -> History:
    """A private file history at ``path``; a :class:`MemoryHistory` when ``path`` is
    None or cannot be used (a symbolic link, a folder others may write to...), whose
    ``disabled_reason`` says why."""
    if path is None:
        return MemoryHistory()
    try:
        return PrivateFileHistory(path, secrets)
    except OSError as exc:
        reason = visible(exc.strerror or str(exc), single_line=True)
        where = visible(str(path), single_line=True)
        return MemoryHistory(f"Command history is kept in memory only: cannot use {where} "
                             f"({reason}).")
