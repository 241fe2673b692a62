"""Turn schema bytes into a JSON document, with plain-language errors.

The normal path is ``json.loads``. Only when that fails does a small scanner walk the
text to say *where* and *why* in words a person can act on, and, when asked to be
lenient, to repair a document that was simply cut off: it truncates back to the last
complete member, closes the containers left open and reports which ones it closed.

Schemas also arrive as JavaScript modules (``module.exports = {...};``), sometimes with
a page's worth of text before them; that preamble is skipped.
"""

from __future__ import annotations

import json
import re
from typing import Any

from msgspec import Struct

from heroku_explorer.errors import SchemaError

__all__ = ["decode_text", "parse_document", "position"]

_BOM = b"\xef\xbb\xbf"
_BINARY_MAGIC = (b"\x1f\x8b", b"PK\x03\x04", b"\x89PNG", b"%PDF", b"\x7fELF")

_EXPORT = re.compile(
    r"\bmodule\.exports\s*=|\bexports\.[A-Za-z_$][\w$]*\s*=|\bexport\s+default\b"
)
_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"')
_STRING_RUN = re.compile(r'[^"\\\x00-\x1f]*')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NUMBER_PREFIX = re.compile(r"-?[0-9]*(?:\.[0-9]*)?(?:[eE][+-]?[0-9]*)?")
_LITERALS = ("true", "false", "null")

_CUT_HINT = "(the file looks cut off); use --lenient to load what is complete"
_VALUE_WORDS = "a value (a string, number, object, array, true, false or null)"
TOP_LEVEL = "(top level)"
"""How :func:`parse_document` names the outermost container in its ``cut`` list."""


def decode_text(raw: bytes, origin: str) -> str:
    """UTF-8 text of ``raw`` without a BOM; binary, non-UTF-8 or empty data is refused."""
    offset = 0
    if raw.startswith(_BOM):
        raw, offset = raw[len(_BOM):], len(_BOM)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SchemaError(origin, None, "the file is UTF-16 text; a schema must be UTF-8")
    if b"\x00" in raw or raw.startswith(_BINARY_MAGIC):
        raise SchemaError(origin, None, "this is a binary file, not a JSON schema")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SchemaError(
            origin, None, f"the file is not valid UTF-8 at byte {exc.start + offset}"
        ) from None
    if not text.strip():
        raise SchemaError(origin, None, "the file is empty")
    return text


def position(text: str, offset: int) -> str:
    """``line L, column C`` (both from 1) of character ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f"line {line}, column {column}"


def parse_document(text: str, origin: str, *, lenient: bool) -> tuple[Any, tuple[str, ...]]:
    """Parse JSON or a JavaScript module exporting JSON.

    Returns ``(document, cut)``; ``cut`` names, innermost first, every container a
    lenient repair had to close (``resources/OAuth Authorization/actions/Info``, ...,
    :data:`TOP_LEVEL`), and is empty when the document was complete.
    """
    start, end = _body_span(text, origin)
    if start >= end:
        raise SchemaError(origin, None, "the file holds no JSON value")
    body = text if (start, end) == (0, len(text)) else text[start:end]
    try:
        return json.loads(body, parse_constant=_refuse_constant), ()
    except RecursionError:
        raise SchemaError(origin, None, "the JSON is nested too deeply to read") from None
    except ValueError as exc:
        failure = exc
    outcome = _Scanner(text, start, end).run()
    if isinstance(outcome, _Broken):
        if outcome.pos == start and text.startswith("<", start):
            raise SchemaError(origin, position(text, start),
                              "this is HTML or XML, not a JSON schema") from None
        raise SchemaError(origin, position(text, outcome.pos), outcome.reason) from None
    if outcome is None:  # the scanner found nothing: fall back on json's own words
        pos = start + failure.pos if isinstance(failure, json.JSONDecodeError) else start
        reason = getattr(failure, "msg", str(failure))
        raise SchemaError(origin, position(text, pos), f"the JSON is not valid ({reason})")
    where = position(text, outcome.pos)
    if not outcome.stack:
        raise SchemaError(origin, where, "the JSON ends before its first value is complete "
                          "(the file looks cut off)")
    if not lenient:
        kind = "an object" if outcome.stack[-1].kind == "{" else "an array"
        raise SchemaError(origin, where, f"the JSON ends in the middle of {kind} {_CUT_HINT}")
    return _repair(text, start, outcome, origin)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _body_span(text: str, origin: str) -> tuple[int, int]:
    """Where the JSON value sits in ``text``: after any module preamble, before ``;``."""
    end = _content_end(text, len(text))
    if end and text[end - 1] == ";":
        end = _content_end(text, end - 1)
    first = _WS.match(text).end()  # type: ignore[union-attr]
    if first < len(text) and text[first] in "{[":
        return first, end
    marker = _EXPORT.search(text)
    if marker is None:
        return first, end
    start = _WS.match(text, marker.end()).end()  # type: ignore[union-attr]
    if end <= start:
        raise SchemaError(origin, position(text, start),
                          f"there is no JSON value after '{marker.group(0)}'")
    return start, end


def _content_end(text: str, end: int) -> int:
    """``end`` moved back over trailing whitespace (without copying the text)."""
    while end and text[end - 1].isspace():
        end -= 1
    return end


def _repair(text: str, start: int, cut: _CutOff, origin: str) -> tuple[Any, tuple[str, ...]]:
    closers = "".join("}" if f.kind == "{" else "]" for f in reversed(cut.stack))
    repaired = text[start:cut.stack[-1].good_end] + closers
    try:
        doc = json.loads(repaired)
    except (ValueError, RecursionError):  # pragma: no cover - the scanner vouched for it
        raise SchemaError(origin, position(text, cut.pos),
                          "the JSON is cut off and could not be repaired") from None
    names = tuple("/".join(f.path) if f.path else TOP_LEVEL for f in reversed(cut.stack))
    return doc, names


class _Frame(Struct):
    kind: str
    """``{`` or ``[``."""
    path: tuple[str, ...]
    good_end: int
    """Offset just after the last complete member (or the opening bracket)."""
    count: int = 0


class _Broken(Struct, frozen=True):
    pos: int
    reason: str


class _CutOff(Struct, frozen=True):
    pos: int
    stack: list[_Frame]


class _EndOfInput(Exception):
    """Raised inside the scanner when the text stops in the middle of something."""


# Scanner states.
_VALUE, _FIRST_KEY, _KEY, _COLON, _AFTER, _FIRST_ITEM = range(6)


class _Scanner:
    """A JSON syntax checker that knows where it stopped and what is still open."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.stack: list[_Frame] = []
        self.key = ""

    def run(self) -> _Broken | _CutOff | None:
        try:
            return self._run()
        except _EndOfInput:
            return _CutOff(max(_content_end(self.text, self.end), self.start), self.stack)

    def _ws(self, pos: int) -> int:
        return _WS.match(self.text, pos, self.end).end()  # type: ignore[union-attr]

    def _run(self) -> _Broken | None:
        text, end, stack = self.text, self.end, self.stack
        pos = self._ws(self.start)
        state = _VALUE
        semicolon = False
        while True:
            if pos >= end:
                if state == _AFTER and not stack:
                    return None
                raise _EndOfInput
            c = text[pos]
            if state in (_VALUE, _FIRST_ITEM):
                if c == "]" and state == _FIRST_ITEM:
                    pos = self._close(pos + 1)
                    state = _AFTER
                elif c == "]" and stack and stack[-1].kind == "[":
                    return _Broken(pos, "a ',' is followed by ']' (JSON does not allow a "
                                        "trailing comma)")
                elif c in "{[":
                    self._open(c, pos + 1)
                    state = _FIRST_KEY if c == "{" else _FIRST_ITEM
                    pos += 1
                else:
                    done = self._scalar(pos)
                    if isinstance(done, _Broken):
                        return done
                    pos = self._done(done)
                    state = _AFTER
            elif state in (_FIRST_KEY, _KEY):
                if c == '"':
                    key_end = self._string(pos)
                    if isinstance(key_end, _Broken):
                        return key_end
                    self.key = text[pos:key_end]
                    pos, state = key_end, _COLON
                elif c == "}" and state == _FIRST_KEY:
                    pos = self._close(pos + 1)
                    state = _AFTER
                elif c == "}":
                    return _Broken(pos, "a ',' is followed by '}' (JSON does not allow a "
                                        "trailing comma)")
                elif c == "'":
                    return _Broken(pos, "member names must be in double quotes, not single")
                else:
                    return _Broken(pos, "expected a member name in double quotes")
            elif state == _COLON:
                if c != ":":
                    return _Broken(pos, "expected ':' after the member name")
                pos, state = pos + 1, _VALUE
            else:  # _AFTER
                if not stack:
                    if c == ";" and not semicolon:
                        semicolon = True
                        pos = self._ws(pos + 1)
                        continue
                    return _Broken(pos, "unexpected text after the end of the JSON document")
                top = stack[-1]
                closer = "}" if top.kind == "{" else "]"
                if c == ",":
                    pos += 1
                    state = _KEY if top.kind == "{" else _VALUE
                elif c == closer:
                    pos = self._close(pos + 1)
                else:
                    what = "an object member" if top.kind == "{" else "an array element"
                    return _Broken(pos, f"expected ',' or '{closer}' after {what}")
            pos = self._ws(pos)

    def _open(self, kind: str, after: int) -> None:
        path: tuple[str, ...] = ()
        if self.stack:
            parent = self.stack[-1]
            part = json.loads(self.key) if parent.kind == "{" else str(parent.count)
            path = (*parent.path, part)
        self.stack.append(_Frame(kind, path, after))

    def _close(self, after: int) -> int:
        self.stack.pop()
        return self._done(after)

    def _done(self, after: int) -> int:
        """A value ended at ``after``: it is a complete member of the open container."""
        if self.stack:
            top = self.stack[-1]
            top.good_end = after
            top.count += 1
        return after

    def _scalar(self, pos: int) -> int | _Broken:
        text, end = self.text, self.end
        c = text[pos]
        if c == '"':
            return self._string(pos)
        if c == "-" or c in "0123456789":
            if text.startswith("-Infinity", pos):
                return _Broken(pos, "-Infinity is not a JSON number")
            m = _NUMBER.match(text, pos, end)
            stop = m.end() if m is not None else pos
            if m is None or stop >= end or text[stop] in ".eE0123456789":
                prefix = _NUMBER_PREFIX.match(text, pos, end)
                if prefix is not None and prefix.end() >= end:
                    raise _EndOfInput  # the number runs into the end: it may be cut short
                return _Broken(pos, "this number is malformed")
            return stop
        for word in _LITERALS:
            if text.startswith(word, pos):
                return pos + len(word)
            rest = text[pos:min(end, pos + len(word))]
            if pos + len(rest) >= end and word.startswith(rest):
                raise _EndOfInput
        if text.startswith(("NaN", "Infinity"), pos):
            return _Broken(pos, "NaN and Infinity are not JSON numbers")
        if c == "'":
            return _Broken(pos, "strings must be in double quotes, not single")
        if text.startswith(("//", "/*"), pos):
            return _Broken(pos, "JSON does not allow comments")
        return _Broken(pos, f"expected {_VALUE_WORDS}")

    def _string(self, pos: int) -> int | _Broken:
        m = _STRING.match(self.text, pos, self.end)
        if m is not None:
            return m.end()
        text, end = self.text, self.end
        i = pos + 1
        while True:
            i = _STRING_RUN.match(text, i, end).end()  # type: ignore[union-attr]
            if i >= end:
                raise _EndOfInput
            c = text[i]
            if c == "\\":
                escape = text[i + 1: min(end, i + 6)]
                if i + 1 >= end or (escape[0] == "u" and i + 6 > end
                                    and re.fullmatch(r"u[0-9a-fA-F]*", escape)):
                    raise _EndOfInput
                if escape[0] in '"\\/bfnrt':
                    i += 2
                elif re.fullmatch(r"u[0-9a-fA-F]{4}", escape[:5]):
                    i += 6
                else:
                    return _Broken(i, f"'\\{escape[0]}' is not a valid escape in a JSON string")
            elif c == '"':  # pragma: no cover - _STRING would have matched
                return i + 1
            else:
                return _Broken(i, "a string contains a raw control character (such as a line "
                                  "break or tab); write it as an escape like \\n")
