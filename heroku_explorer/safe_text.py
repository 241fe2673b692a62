"""Text from servers, schemas, files and people, made safe for a terminal.

Every string heroku-explorer did not write itself (a header value, a body, an error
message, a schema title, a config value) may carry control characters: an ESC
sequence can move the cursor, rewrite the screen, set the window title or the
clipboard (OSC 52), and bidirectional overrides can make text read differently from
what it is. :func:`visible` turns each such character into a visible escape, the way
``git`` and ``kubectl`` show them, so that what reaches the terminal is exactly what
was received, readable and inert::

    >>> visible("ok\\x1b]52;c;Y3VybA==\\x07")
    'ok\\\\x1b]52;c;Y3VybA==\\\\x07'

Newlines and tabs are kept unless ``single_line`` is asked for (header values,
titles, one-line notices), where they are escaped too.
"""

from __future__ import annotations

import re

__all__ = ["has_controls", "visible", "visible_bytes"]

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode format
# characters that reorder or hide text: bidi embeddings/overrides/isolates, the
# line and paragraph separators, zero-width joiners are left alone (emoji need them).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_MULTI = re.compile(f"[{_CONTROLS}]")
_SINGLE = re.compile(f"[{_CONTROLS}\t\n]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, single_line: bool = False) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``).

    ``single_line`` escapes newlines and tabs as well, for one-line places.
    """
    pattern = _SINGLE if single_line else _MULTI
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def visible_bytes(data: bytes, *, single_line: bool = False) -> str:
    """Bytes decoded as UTF-8 (invalid sequences as U+FFFD) and made visible."""
    return visible(data.decode("utf-8", "replace"), single_line=single_line)


def has_controls(text: str, *, single_line: bool = True) -> bool:
    """True when ``text`` holds a character :func:`visible` would escape."""
    pattern = _SINGLE if single_line else _MULTI
    return pattern.search(text) is not None
