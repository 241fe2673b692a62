"""Reading an answer's body with bounded memory, whatever the server sends.

Three parts, used by the client and by the live-schema fetch:

- :class:`BodyDecoder` undoes ``Content-Encoding`` (gzip, deflate) itself, in pieces
  of at most :data:`PIECE` decoded bytes, so a small compressed body that inflates to
  gigabytes (a "gzip bomb") never sits in memory whole, and every byte is counted as
  decoded.
- :class:`Redactor` removes the session's secrets from a stream of pieces, holding
  back just enough bytes that a secret split across two pieces (or broken by a line
  break) is still found.
- :func:`too_deep` tells, cheaply and without recursion, whether a JSON text nests
  deeper than :data:`MAX_JSON_DEPTH` levels (``json.loads`` and every renderer recurse).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from itertools import accumulate

__all__ = ["MAX_JSON_DEPTH", "PIECE", "SPOOL_CAP", "BodyDecoder", "Redactor", "too_deep"]

#: Decoded bytes handed on at once: the most one step of decoding holds in memory.
PIECE = 128 * 1024
#: Decoded bytes of one body written to its temp file at most (256 MiB); past it
#: reading stops, the connection is closed and the exchange says the body is cut off.
SPOOL_CAP = 256 * 1024 * 1024
#: JSON nested deeper than this is not parsed (it is shown as text); well under
#: Python's recursion limit, far over any real API answer.
MAX_JSON_DEPTH = 200

_REDACTED = b"[REDACTED]"


class _Inflate:
    """One gzip or deflate coding, undone in bounded pieces."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._raw_fallback = coding == "deflate"
        wbits = zlib.MAX_WBITS | 16 if coding != "deflate" else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(wbits)
        self._started = False
        self._received = False

    def feed(self, data: bytes, piece: int) -> Iterator[bytes]:
        self._received = self._received or bool(data)
        while True:
            if self._obj.eof:
                # A second gzip member is legal; anything else after the end is ignored.
                rest = self._obj.unused_data
                if not rest or self.coding == "deflate":
                    return
                self._obj = zlib.decompressobj(zlib.MAX_WBITS | 16)
                data = rest
            try:
                out = self._obj.decompress(data, piece)
            except zlib.error:
                if self._raw_fallback and not self._started:
                    # "deflate" without the zlib wrapper, as some servers send it
                    self._raw_fallback = False
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            self._started = True
            if out:
                yield out
            data = self._obj.unconsumed_tail
            if not data and len(out) < piece and not (self._obj.eof and self._obj.unused_data):
                return

    @property
    def complete(self) -> bool:
        """The compressed stream reached its end (its gzip trailer checked), or
        there was none (an empty body under a Content-Encoding header)."""
        return self._obj.eof or not self._received

    def finish(self, piece: int) -> Iterator[bytes]:
        yield from self.feed(b"", piece)
        rest = self._obj.flush()
        for i in range(0, len(rest), piece):
            yield rest[i:i + piece]


class BodyDecoder:
    """Undo the codings of ``Content-Encoding`` values (as received, in order).

    ``note`` says when a coding is not undone (the body is then kept as received).
    :meth:`feed` and :meth:`finish` raise :class:`zlib.error` for a corrupt stream.
    """

    def __init__(self, content_encoding: Iterable[str], piece: int = PIECE) -> None:
        self.piece = piece
        self.note: str | None = None
        codings = [c.strip().lower() for value in content_encoding for c in value.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        unknown = [c for c in codings if c not in ("gzip", "x-gzip", "deflate")]
        if unknown or len(codings) > 4:
            shown = ", ".join(codings)[:80]
            self.note = (f"Content-Encoding {shown!r} is not one this client undoes; "
                         "the body is kept as received")
            codings = []
        # Codings are listed in the order they were applied: undo the last first.
        self._stages = [_Inflate("deflate" if c == "deflate" else "gzip")
                        for c in reversed(codings)]

    def _through(self, pieces: Iterable[bytes], stage: int) -> Iterator[bytes]:
        if stage == len(self._stages):
            yield from pieces
            return
        inflate = self._stages[stage]
        for data in pieces:
            yield from self._through(inflate.feed(data, self.piece), stage + 1)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces ``data`` (raw bytes off the wire) gives."""
        if not self._stages:
            for i in range(0, len(data), self.piece):
                yield data[i:i + self.piece]
            return
        yield from self._through((data,), 0)

    @property
    def complete(self) -> bool:
        """Every coding reached its end: ``False`` after :meth:`finish` means the
        compressed body stopped short (cut off, or corrupt near its end)."""
        return all(stage.complete for stage in self._stages)

    def finish(self) -> Iterator[bytes]:
        """What the decoders still hold once the raw stream has ended."""
        for stage, inflate in enumerate(self._stages):
            yield from self._through(inflate.finish(self.piece), stage + 1)


class Redactor:
    """Remove secrets from a stream: ``feed`` each piece, then ``finish``.

    Each secret is found whole, split across pieces, or with line breaks (``\\n`` or
    ``\\r\\n``) between its characters, and replaced by ``[REDACTED]``. The last
    bytes of each piece (up to the longest possible match) are held back until the
    next piece shows whether they start a secret.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        needles = sorted({s.encode("utf-8") for s in secrets if s}, key=len, reverse=True)
        self._pattern: re.Pattern[bytes] | None = None
        self.keep = 0
        self._tail = b""
        if needles:
            parts = [rb"(?:\r?\n)?".join(re.escape(bytes([b])) for b in n) for n in needles]
            self._pattern = re.compile(b"|".join(parts))
            self.keep = 3 * len(needles[0])

    def feed(self, piece: bytes) -> bytes:
        """The bytes of ``piece`` (and earlier ones held back) that are final."""
        if self._pattern is None:
            return piece
        data = self._pattern.sub(_REDACTED, self._tail + piece)
        if len(data) <= self.keep:
            self._tail = data
            return b""
        self._tail = data[-self.keep:]
        return data[:-self.keep]

    def finish(self) -> bytes:
        """The bytes held back, now final."""
        data, self._tail = self._tail, b""
        if self._pattern is None:
            return data
        return self._pattern.sub(_REDACTED, data)

    def clean(self, data: bytes) -> bytes:
        """``data`` alone, redacted (for bytes that are not part of the stream)."""
        if self._pattern is None:
            return data
        return self._pattern.sub(_REDACTED, data)


_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def too_deep(content: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON ``content`` nests deeper than ``limit`` levels (strings ignored)."""
    if content.count(b"[") + content.count(b"{") <= limit:
        return False
    brackets = _STRINGS.sub(b"", content).translate(None, _NOT_BRACKETS)
    return max(accumulate(_STEP[b] for b in brackets), default=0) > limit
