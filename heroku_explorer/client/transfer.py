"""Reading an answer's body: decoded and redacted as it streams, the first
``display_cap`` bytes in memory and the rest in a private spool file (or passed to a
sink), with memory bounded whatever arrives."""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import os
import shutil
import tempfile
import zlib
from collections.abc import AsyncIterator, Callable
from typing import IO

import httpx

from heroku_explorer.client.body import BodyDecoder, Redactor

__all__ = ["MAX_SPOOLED", "Body", "Progress", "Spool", "read_body"]

#: Large-body files one client keeps at once; older ones are removed.
MAX_SPOOLED = 8

_SPOOLED: list[str] = []
_SPOOL_DIRS: list[str] = []


class Spool:
    """One client's private folder of large-body files (0700, files 0600), removed
    with the client or, at the latest, with the process."""

    def __init__(self) -> None:
        self.folder: str | None = None
        self.files: list[str] = []

    def new_file(self) -> tuple[IO[bytes], str]:
        """A new private file for a large body, registered before anything is written."""
        if self.folder is None or not os.path.isdir(self.folder):
            self.folder = tempfile.mkdtemp(prefix="heroku-explorer-")  # mode 0700
            _SPOOL_DIRS.append(self.folder)
        # mkstemp opens with O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600
        fd, path = tempfile.mkstemp(prefix="heroku-explorer-body-", suffix=".bin",
                                    dir=self.folder)
        self.files.append(path)
        _SPOOLED.append(path)
        try:
            return os.fdopen(fd, "wb"), path
        except BaseException:
            os.close(fd)
            self.forget(path)
            raise

    def forget(self, path: str) -> None:
        _unspool(path)
        with contextlib.suppress(ValueError):
            self.files.remove(path)

    def trim(self) -> None:
        """Keep the newest :data:`MAX_SPOOLED` files."""
        while len(self.files) > MAX_SPOOLED:
            _unspool(self.files.pop(0))

    def close(self) -> None:
        while self.files:
            _unspool(self.files.pop())
        if self.folder is not None:
            _remove_dir(self.folder)
            self.folder = None


class _SinkFailed(Exception):
    """The caller's sink raised: reading stops."""


class _SpoolFailed(Exception):
    """The large-body file could not be written (a full disk): reading stops."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def _write(handle: IO[bytes], data: bytes | bytearray) -> None:
    try:
        handle.write(data)
    except OSError as exc:
        raise _SpoolFailed(exc) from None


@dataclasses.dataclass(slots=True)
class Progress:
    """How far an exchange got, for the sentence when its deadline passes."""

    request: httpx.Request | None = None
    answered: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Body:
    body: bytes
    """The first ``display_cap`` bytes, redacted."""
    size: int
    """Decoded bytes read."""
    path: str | None
    truncated: bool
    notes: tuple[str, ...]


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _mib(n: int) -> str:
    return f"{n / 2**20:g} MiB"



async def read_body(response: httpx.Response, spool_files: Spool, *, display_cap: int,
                    spool_cap: int, secrets: tuple[str, ...],
                    sink: Callable[[bytes], None] | None = None) -> Body:
    """The body, decoded and redacted as it streams: the first ``display_cap``
    bytes in memory, the rest (when there is more) to a private temp file or to
    ``sink``. Bytes are counted decoded; memory stays bounded whatever arrives."""
    if response.is_stream_consumed:
        # Read already (a response built in memory, as MockTransport gives): its
        # content is decoded, so only the pieces are made here.
        decoder = BodyDecoder(())
        source: AsyncIterator[bytes] = _once(response.content)
    else:
        decoder = BodyDecoder(response.headers.get_list("content-encoding"))
        source = response.aiter_raw()
    redactor = Redactor(secrets)
    cap = display_cap
    display = bytearray()
    notes: list[str] = [decoder.note] if decoder.note else []
    size = 0
    truncated = False
    failed = False  # the sink or the spool file failed: nothing more is passed on
    spool: IO[bytes] | None = None
    path: str | None = None

    def emit(clean: bytes) -> None:
        nonlocal spool, path
        if not clean:
            return
        if sink is not None:
            if len(display) < cap:
                display.extend(clean[: cap - len(display)])
            sink(clean)
            return
        if spool is not None:
            _write(spool, clean)
            return
        display.extend(clean)
        if size > cap:
            try:
                spool, path = spool_files.new_file()
            except OSError as exc:
                raise _SpoolFailed(exc) from None
            _write(spool, display)
            del display[cap:]

    def take(piece: bytes) -> bool:
        """Count and pass on one decoded piece; False once reading must stop."""
        nonlocal size, truncated
        if sink is None and size + len(piece) > spool_cap:
            piece = piece[: spool_cap - size]
            truncated = True
            notes.append(f"the body is cut off after {_mib(spool_cap)} (the most kept "
                         "on disk); the rest was not read")
        size += len(piece)
        try:
            emit(redactor.feed(piece))
        except _SinkFailed:
            truncated = True
            return False
        except _SpoolFailed as exc:
            spool_failed(exc.error)
            return False
        return not truncated

    def spool_failed(error: OSError) -> None:
        nonlocal truncated, failed
        truncated = failed = True
        drop_spool()
        why = error.strerror or type(error).__name__
        notes.append(f"the body could not be kept on disk ({why}); only its first "
                     f"{_mib(cap)} is kept")

    def drop_spool() -> None:
        nonlocal spool, path
        if spool is not None:
            with contextlib.suppress(OSError):
                spool.close()
        if path is not None:
            spool_files.forget(path)
        spool = path = None

    if sink is not None:
        inner = sink

        def guarded(chunk: bytes) -> None:
            nonlocal failed
            try:
                inner(chunk)
            except Exception as exc:  # the caller's receiver failed
                failed = True
                notes.append("the body was not passed on in full (its receiver failed: "
                             f"{type(exc).__name__})")
                raise _SinkFailed from None

        sink = guarded
    try:
        going = True
        try:
            async for raw in source:
                for piece in decoder.feed(raw):
                    if not take(piece):
                        going = False
                        break
                if not going:
                    break
            if going:
                for piece in decoder.finish():
                    if not take(piece):
                        break
                else:
                    if not decoder.complete:
                        truncated = True
                        notes.append("the compressed body ends before its end mark (cut "
                                     "off or corrupt); what arrived is kept")
        except zlib.error:
            truncated = True
            notes.append(f"the compressed body is corrupt after {size} decoded bytes; "
                         "the rest was not read")
        if not failed:
            try:
                emit(redactor.finish())
                if spool is not None:
                    spool.close()
            except _SinkFailed:
                truncated = True
            except (_SpoolFailed, OSError) as exc:
                spool_failed(exc.error if isinstance(exc, _SpoolFailed) else exc)
    except BaseException:
        # A timeout, a reset, a cancel: no half-written file stays behind.
        drop_spool()
        raise
    if path is not None:
        spool_files.trim()
    # (a body that was neither spooled nor sunk is kept whole: redaction may have
    # made it a little longer than the decoded size that was checked against the cap)
    whole = path is None and sink is None and not truncated
    kept = bytes(display) if whole else bytes(display[:cap])
    return Body(kept, size, path, truncated, tuple(notes))


def _remove_dir(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)
    with contextlib.suppress(ValueError):
        _SPOOL_DIRS.remove(path)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _unspool(path: str) -> None:
    """Remove a large-body file and forget it."""
    _remove(path)
    with contextlib.suppress(ValueError):
        _SPOOLED.remove(path)


@atexit.register
def _remove_spooled() -> None:
    """Large-body files go with their client, or at the latest with the process."""
    for path in _SPOOLED:
        _remove(path)
    for folder in _SPOOL_DIRS:
        shutil.rmtree(folder, ignore_errors=True)
