"""Splitting a command line into words, shell style, keeping where each word was.

Quoting follows the shell closely enough for API values: ``'single'`` is literal,
``"double"`` understands ``\\"`` and ``\\\\``, and a backslash outside quotes escapes the
next character. A word that starts with ``#`` outside quotes begins a comment.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from heroku_explorer.errors import ExplorerError

__all__ = ["ParseError", "Token", "did_you_mean", "tokenize"]


class ParseError(ExplorerError):
    """A line that does not follow the command language.

    ``position`` is the offset of the offending text in the line (``end`` where it
    stops), and ``suggestions`` the names that were probably meant.
    """

    def __init__(
        self,
        message: str,
        position: int = 0,
        *,
        end: int | None = None,
        suggestions: Sequence[str] = (),
    ) -> None:
        self.message = message
        self.position = max(0, position)
        self.end = max(self.position, end if end is not None else position)
        self.suggestions = tuple(suggestions)
        super().__init__(self._text())

    def _text(self) -> str:
        if not self.suggestions:
            return self.message
        names = " or ".join(f"'{s}'" for s in self.suggestions[:3])
        return f"{self.message}; did you mean {names}?"

    def caret(self, line: str) -> str:
        """Two lines: ``line`` and a ``^~~`` marker under the offending text."""
        width = max(1, min(self.end, len(line)) - self.position)
        return f"{line}\n{' ' * self.position}^{'~' * (width - 1)}"


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a line: its text with quotes removed and its place in the line."""

    text: str
    start: int
    end: int
    quoted: bool = False
    """True when any part of the word was quoted or escaped."""
    closed: bool = True
    """False for the last word of a partial line whose quote is still open."""


def tokenize(line: str, *, partial: bool = False) -> list[Token]:
    """Split ``line`` into words.

    An unterminated quote is a :class:`ParseError`, unless ``partial`` (used while
    completing) where the last word is returned with ``closed=False``. Comments are
    dropped.
    """
    tokens: list[Token] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        if line[i] == "#":
            break
        start = i
        parts: list[str] = []
        quoted = False
        closed = True
        while i < n and not line[i].isspace():
            ch = line[i]
            if ch == "'":
                quoted = True
                close = line.find("'", i + 1)
                if close < 0:
                    if not partial:
                        raise ParseError("this quote is never closed", i, end=n)
                    parts.append(line[i + 1 :])
                    i, closed = n, False
                    break
                parts.append(line[i + 1 : close])
                i = close + 1
            elif ch == '"':
                quoted = True
                i, closed = _double_quoted(line, i, parts, partial)
            elif ch == "\\":
                quoted = True
                if i + 1 < n:
                    parts.append(line[i + 1])
                i += 2
            else:
                parts.append(ch)
                i += 1
        tokens.append(Token("".join(parts), start, min(i, n), quoted, closed))
    return tokens


def _double_quoted(line: str, i: int, parts: list[str], partial: bool) -> tuple[int, bool]:
    opening = i
    i += 1
    n = len(line)
    while i < n:
        ch = line[i]
        if ch == '"':
            return i + 1, True
        if ch == "\\" and i + 1 < n and line[i + 1] in '"\\$`':
            parts.append(line[i + 1])
            i += 2
            continue
        parts.append(ch)
        i += 1
    if not partial:
        raise ParseError("this quote is never closed", opening, end=n)
    return n, False


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to ``word`` (case-insensitive), best first."""
    pool = sorted(set(candidates))
    folded = {c.casefold(): c for c in pool}
    matches = difflib.get_close_matches(word.casefold(), list(folded), n=n, cutoff=0.6)
    found = [folded[m] for m in matches]
    if not found:
        prefix = [c for c in pool if c.casefold().startswith(word.casefold()) and word]
        found = prefix[:n]
    return found
