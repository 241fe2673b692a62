"""Large bodies passed on whole, as curl does: ``call ... > file`` gets every byte.

A body that fits the display cap is printed as usual (pretty JSON on a terminal,
compact with ``--json``). Past the cap, :class:`StdoutSink` writes what it held and
then each chunk to stdout as it arrives: raw bytes into a pipe or a file, and on a
terminal the same text with control characters made visible. Memory stays at one
display cap whatever the size, and nothing is left on disk.
"""

from __future__ import annotations

import codecs
from typing import IO

from heroku_explorer.safe_text import visible

__all__ = ["StdoutSink"]


class StdoutSink:
    """Holds the first ``cap`` bytes of a body; past them, streams the whole body."""

    def __init__(self, out: IO[str], cap: int, *, terminal: bool) -> None:
        self._out = out
        self._binary: IO[bytes] | None = None if terminal else getattr(out, "buffer", None)
        self._cap = cap
        self._terminal = terminal
        self._held: list[bytes] = []
        self._size = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.streamed = False
        """True once the body went past the cap and was written out."""
        self.written = 0
        """Body bytes written so far."""

    def __call__(self, chunk: bytes) -> None:
        if self.streamed:
            self._write(chunk)
            return
        self._held.append(chunk)
        self._size += len(chunk)
        if self._size > self._cap:
            self.streamed = True
            held, self._held = b"".join(self._held), []
            self._write(held)

    def _write(self, data: bytes) -> None:
        self.written += len(data)
        if self._binary is not None:
            self._out.flush()
            self._binary.write(data)
            return
        text = self._decoder.decode(data)
        self._out.write(visible(text) if self._terminal else text)

    def finish(self) -> None:
        """Flush what is left (a cut UTF-8 sequence at the end, the stream's buffer)."""
        if not self.streamed:
            return
        if self._binary is None:
            tail = self._decoder.decode(b"", final=True)
            if tail:
                self._out.write(visible(tail) if self._terminal else tail)
            self._out.flush()
        else:
            self._binary.flush()
