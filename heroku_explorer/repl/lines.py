"""From typed or pasted text to the command lines to run: one per line, a line
ending in an unescaped ``\\`` continued on the next (as in a shell)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

__all__ = ["continues", "logical_lines"]


def continues(line: str) -> bool:
    """True when ``line`` ends in a ``\\`` that is not itself escaped."""
    stripped = line.rstrip("\r\n")
    tail = len(stripped) - len(stripped.rstrip("\\"))
    return tail % 2 == 1


def logical_lines(lines: Iterable[str]) -> Iterator[str]:
    """Each command line of ``lines`` (text split at line breaks), continuations
    joined with a space, blank lines skipped. A trailing continuation with nothing
    after it ends its line."""
    pending: list[str] = []
    for raw in lines:
        for piece in raw.splitlines() or [""]:
            if continues(piece):
                pending.append(piece.rstrip("\r\n")[:-1])
                continue
            pending.append(piece)
            line = " ".join(part.strip() for part in pending if part.strip())
            pending = []
            if line:
                yield line
    if pending:
        line = " ".join(part.strip() for part in pending if part.strip())
        if line:
            yield line
