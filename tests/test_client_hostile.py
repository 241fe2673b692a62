"""Hostile answers through :class:`HerokuClient`, over a real loopback server.

Bodies are counted decoded as they stream (a gzip bomb stops at the spool cap), spool
files are private and go on every failure, a sink gets the whole body redacted, one
deadline bounds an exchange, header values that do not parse are notes rather than
exceptions, ``revalidate`` repeats only reads, and the live schema and schema files
are capped. Then property tests over header values and body bytes.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import stat
import tempfile
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heroku_explorer.client import Credentials, Exchange, HerokuClient, History
from heroku_explorer.client.body import (
    MAX_JSON_DEPTH,
    SPOOL_CAP,
    BodyDecoder,
    Redactor,
    too_deep,
)
from heroku_explorer.client.live_schema import SCHEMA_CAP
from heroku_explorer.client.ranges import continue_range, parse_content_range, parse_next_range
from heroku_explorer.client.ratelimit import parse_remaining, remaining_note
from heroku_explorer.client.response import classify, classify_body, safe_retry_after
from heroku_explorer.errors import RateLimited, RequestTimeout, SchemaError, ServerError
from heroku_explorer.request import RequestSpec, raw_request
from heroku_explorer.schema.loader import MAX_SCHEMA_BYTES, load_path
from tests.faults import FaultServer
from tests.faults.server import BIG_SIZE, DEEP_JSON, OSC52

TOKEN = "tok-SECRET-4f1e9a"
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with FaultServer(max_stall=6.0) as server:
        yield server


@pytest.fixture
def spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path / "home"))
    return folder


def client_for(faults: FaultServer, tmp_path: Path, **kw: Any) -> HerokuClient:
    kw.setdefault("timeout", 10.0)
    return HerokuClient(faults.url, Credentials(token=TOKEN), cache_dir=tmp_path / "cache",
                        **kw)


@pytest.fixture
async def client(faults: FaultServer, tmp_path: Path, spool: Path
                 ) -> AsyncIterator[HerokuClient]:
    async with client_for(faults, tmp_path) as c:
        yield c


async def get(client: HerokuClient, path: str, **kw: Any) -> Exchange:
    return await asyncio.wait_for(client.send(raw_request("GET", path), **kw), 30)


def bodies(folder: Path) -> list[Path]:
    return sorted(folder.rglob("heroku-explorer-body-*"))


# -- the gzip bomb: counted decoded, spooled up to the cap ---------------------------------


async def test_gzip_bomb_stops_at_the_spool_cap(faults: FaultServer, tmp_path: Path,
                                                spool: Path) -> None:
    async with client_for(faults, tmp_path, spool_cap=8 * MiB) as c:
        before = faults.connections()
        ex = await get(c, "/gzip-bomb")
        assert (ex.status, ex.body_state, ex.truncated) == (200, "too-large", True)
        assert ex.size == 8 * MiB and len(ex.body) == c.display_cap
        assert ex.body_path is not None and Path(ex.body_path).stat().st_size == 8 * MiB
        assert any("cut off after 8 MiB" in note for note in ex.notes), ex.notes
        with pytest.raises(ValueError, match="cut off"):
            ex.json()
        # the connection of the unfinished body is closed: the next request opens another
        again = await get(c, "/ok")
        assert again.status == 200 and faults.connections() == before + 2
        path = Path(ex.body_path)
    assert not path.exists() and bodies(spool) == []


def test_the_spool_cap_is_256_mib() -> None:
    assert 256 * MiB == SPOOL_CAP
    assert HerokuClient("http://127.0.0.1:9").spool_cap == SPOOL_CAP


async def test_a_small_content_length_does_not_mean_a_small_body(faults: FaultServer,
                                                                 tmp_path: Path,
                                                                 spool: Path) -> None:
    """The bomb is ~1 MB on the wire: the display cap applies to what it inflates to."""
    async with client_for(faults, tmp_path, spool_cap=4 * MiB, display_cap=64 * 1024) as c:
        ex = await get(c, "/gzip-bomb")
    assert int(ex.header("Content-Length") or 0) < 2 * MiB
    assert ex.size == 4 * MiB and len(ex.body) == 64 * 1024 and ex.body == b"\0" * 65536


# -- spool files: private, registered first, gone on every failure -----------------------


async def test_spool_files_are_private(faults: FaultServer, tmp_path: Path, spool: Path
                                       ) -> None:
    async with client_for(faults, tmp_path) as c:
        ex = await get(c, "/big")
        assert ex.body_path is not None
        path = Path(ex.body_path)
        assert path.parent.parent == spool and path.parent.name.startswith("heroku-explorer-")
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.stat().st_size == BIG_SIZE == ex.size
    assert not path.parent.exists()


async def watch(folder: Path, seen: list[Path]) -> None:
    """Note every body file that appears in ``folder`` until cancelled."""
    while True:
        seen.extend(p for p in bodies(folder) if p not in seen)
        await asyncio.sleep(0.005)


async def test_spool_file_removed_on_timeout(faults: FaultServer, tmp_path: Path, spool: Path
                                             ) -> None:
    seen: list[Path] = []
    watcher = asyncio.ensure_future(watch(spool, seen))
    async with client_for(faults, tmp_path, timeout=0.6, display_cap=256) as c:
        ex = await get(c, "/gzip-trickle?interval=0.02")
        watcher.cancel()
        assert isinstance(ex.error, RequestTimeout), ex.error
        assert "did not finish answering within 0.6 seconds" in str(ex.error)
        assert seen, "the body was never spooled"
        assert bodies(spool) == [] and c.spool.files == []


async def test_spool_file_removed_on_reset(faults: FaultServer, tmp_path: Path, spool: Path
                                           ) -> None:
    async with client_for(faults, tmp_path, display_cap=256) as c:
        ex = await get(c, "/reset")
        assert ex.error is not None and ex.status is None
        assert bodies(spool) == []


async def test_spool_file_removed_on_cancel(faults: FaultServer, tmp_path: Path, spool: Path
                                            ) -> None:
    async with client_for(faults, tmp_path, display_cap=256) as c:
        task = asyncio.ensure_future(c.send(raw_request("GET", "/gzip-trickle?interval=0.02")))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if bodies(spool):
                break
        assert bodies(spool), "the body was never spooled"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert bodies(spool) == []


async def test_spooled_echo_has_no_token(faults: FaultServer, tmp_path: Path, spool: Path
                                         ) -> None:
    history = History(tmp_path / "history.sqlite3")
    async with client_for(faults, tmp_path, display_cap=16, history=history) as c:
        ex = await get(c, "/echo-token")
        assert ex.body_path is not None
        spooled = Path(ex.body_path).read_bytes()
    assert TOKEN.encode() not in spooled and spooled.count(b"[REDACTED]") == 2
    assert b"\n" in spooled  # the line break around the token stays, the token goes
    assert TOKEN not in json.dumps(ex.headers) and ("X-Echo", "Bearer [REDACTED]") in ex.headers
    rows = history.search(path="/echo-token")
    assert rows and TOKEN not in repr(rows[0])


async def test_a_full_disk_is_a_note(faults: FaultServer, tmp_path: Path, spool: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object, **kw: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full)
    async with client_for(faults, tmp_path) as c:
        ex = await get(c, "/big")
        assert ex.status == 200 and ex.error is None and ex.truncated
        assert ex.body_path is None and len(ex.body) == c.display_cap
        assert any("could not be kept on disk (No space left on device)" in n
                   for n in ex.notes), ex.notes
        assert (await get(c, "/ok")).status == 200


@pytest.mark.parametrize("damage", ["middle", "end"])
async def test_a_corrupt_gzip_body_is_a_note(damage: str) -> None:
    import base64

    wire = gzip.compress(b'{"pad": "' + base64.b64encode(os.urandom(15000)) + b'"}')
    if damage == "middle":
        broken = wire[:200] + bytes(b ^ 0x5A for b in wire[200:260]) + wire[260:]
    else:
        broken = wire[:-6]  # the trailer cut short

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip",
                                            "Content-Type": "application/json"},
                              stream=httpx.ByteStream(broken))

    async with HerokuClient("https://api.heroku.com", transport=httpx.MockTransport(handler)
                            ) as c:
        ex = await c.send(raw_request("GET", "/apps"))
    assert ex.status == 200 and ex.truncated and ex.error is None
    assert any("compressed body" in n for n in ex.notes), ex.notes


@pytest.mark.parametrize("status", [200, 204, 304])
async def test_an_empty_gzip_body_is_complete(status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"Content-Encoding": "gzip"},
                              stream=httpx.ByteStream(b""))

    async with HerokuClient("https://api.heroku.com", transport=httpx.MockTransport(handler)
                            ) as c:
        ex = await c.send(raw_request("GET", "/apps"))
    assert (ex.status, ex.body_state, ex.truncated, ex.notes) == (status, "empty", False, ())


async def test_an_unknown_content_encoding_is_kept_as_received() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "x-weird"},
                              stream=httpx.ByteStream(b"\x00\x01 raw"))

    async with HerokuClient("https://api.heroku.com", transport=httpx.MockTransport(handler)
                            ) as c:
        ex = await c.send(raw_request("GET", "/apps"))
    assert ex.body == b"\x00\x01 raw" and any("x-weird" in n for n in ex.notes)


# -- the sink: the whole body, redacted, nothing on disk -------------------------------------


async def test_sink_gets_the_whole_body(client: HerokuClient, spool: Path) -> None:
    got: list[bytes] = []
    ex = await get(client, "/big", sink=got.append)
    assert sum(map(len, got)) == BIG_SIZE == ex.size and len(got) > 1
    assert b"".join(got).startswith(b'["') and b"".join(got).endswith(b'"]')
    assert ex.body_path is None and bodies(spool) == []
    assert len(ex.body) == client.display_cap and ex.status == 200 and not ex.truncated


async def test_sink_has_no_size_cap(faults: FaultServer, tmp_path: Path, spool: Path) -> None:
    seen = 0

    def count(chunk: bytes) -> None:
        nonlocal seen
        seen += len(chunk)

    async with client_for(faults, tmp_path, spool_cap=2 * MiB) as c:
        ex = await get(c, "/big", sink=count)
    assert seen == ex.size == BIG_SIZE and not ex.truncated
    assert bodies(spool) == []


async def test_sink_chunks_are_redacted(client: HerokuClient) -> None:
    got: list[bytes] = []
    ex = await get(client, "/echo-token", sink=got.append)
    whole = b"".join(got)
    assert TOKEN.encode() not in whole and whole.count(b"[REDACTED]") == 2
    assert ex.body == whole


async def test_a_failing_sink_is_a_note(client: HerokuClient) -> None:
    def broken(chunk: bytes) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    ex = await get(client, "/big", sink=broken)
    assert ex.status == 200 and ex.error is None and ex.truncated
    assert any("its receiver failed: BrokenPipeError" in n for n in ex.notes), ex.notes
    assert (await get(client, "/ok")).status == 200


# -- one deadline per exchange ------------------------------------------------------------------


async def test_a_gzip_trickle_cannot_stretch_the_deadline(faults: FaultServer, tmp_path: Path,
                                                          spool: Path) -> None:
    """1 KB a second of gzip once beat ``--timeout 2`` for 40 s."""
    async with client_for(faults, tmp_path, timeout=1.0) as c:
        t0 = time.monotonic()
        ex = await get(c, "/gzip-trickle?interval=0.1")
        took = time.monotonic() - t0
    assert isinstance(ex.error, RequestTimeout) and ex.error.kind == "timeout"
    assert 0.9 < took < 1.8, took
    assert str(ex.error).endswith("did not finish answering within 1 seconds; try again, "
                                  "or increase the timeout.")


async def test_no_headers_within_the_deadline(faults: FaultServer, tmp_path: Path,
                                              spool: Path) -> None:
    async with client_for(faults, tmp_path, timeout=0.4) as c:
        t0 = time.monotonic()
        ex = await get(c, "/hang")
        assert time.monotonic() - t0 < 1.2
    assert isinstance(ex.error, RequestTimeout) and "did not answer within" in str(ex.error)


async def test_a_slow_answer_is_bounded(faults: FaultServer, tmp_path: Path,
                                                   spool: Path) -> None:
    async with client_for(faults, tmp_path, timeout=0.5) as c:
        ex = await get(c, "/slow?delay=0.3")
        assert ex.status == 200
        t0 = time.monotonic()
        slow = await get(c, "/slow?delay=2")
        assert time.monotonic() - t0 < 1.0 and isinstance(slow.error, RequestTimeout)


# -- header values that do not parse -----------------------------------------------------------


async def test_bad_ratelimit_remaining_is_absent(client: HerokuClient) -> None:
    ok = await get(client, "/bad-ratelimit?value=4000")
    assert ok.ratelimit_remaining == 4000 and ok.notes == ()
    for value, why in [("\u00b2", "not a number"), ("9" * 40, "too large"),
                       ("-3", "not a number"), ("\u0663", "not a number")]:
        ex = await get(client, f"/bad-ratelimit?value={value}")
        assert ex.ratelimit_remaining is None, value
        assert any(n.startswith("RateLimit-Remaining ignored") and why in n for n in ex.notes)
    assert client.ratelimit_remaining == 4000  # the last value that parsed


async def test_bad_next_range_ends_paging(client: HerokuClient) -> None:
    ex = await get(client, "/bad-next-range")
    assert ex.status == 206 and ex.next_range is None
    assert ex.header("Next-Range") == "id ]a..; max=\u00b2"  # kept as received
    assert any(n.startswith("Next-Range ignored") for n in ex.notes)
    assert client.next_page(ex) is None
    pages = [p async for p in client.pages(raw_request("GET", "/bad-next-range"))]
    assert len(pages) == 1


def test_next_page_of_a_garbage_next_range_made_elsewhere() -> None:
    client = HerokuClient("http://127.0.0.1:9")
    spec = raw_request("GET", "/apps").with_header("Range", "id ..; max=10")
    for garbage in ["id ]a..; max=\u00b2", "]]]", "id ..; max=99999999999999999999999",
                    "id ..; order=sideways", "\x1b]52;c;x\x07"]:
        ex = Exchange("GET", "http://127.0.0.1:9/apps", (), None, status=206,
                      next_range=garbage, spec=spec)
        assert client.next_page(ex) is None, garbage


async def test_bad_headers_are_notes(client: HerokuClient) -> None:
    ex = await get(client, "/bad-headers")
    assert ex.status == 200 and ex.error is None and ex.body_state == "json"
    assert ex.etag is None and ex.content_range is None and ex.ratelimit_remaining is None
    assert ex.request_id and ex.request_id.startswith("fault-")  # the first of the two
    for words in ("RateLimit-Remaining ignored", "Retry-After ignored", "ETag ignored",
                  "Content-Range ignored", "Request-Id was sent more than once"):
        assert any(words in n for n in ex.notes), (words, ex.notes)


async def test_garbage_retry_after_on_a_429(faults: FaultServer, tmp_path: Path,
                                            spool: Path) -> None:
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async with client_for(faults, tmp_path, sleep=fake_sleep) as c:
        for value in ("garbage", "nan", "inf", "1e999", "Mon, 99 Foo 2026 99:99:99 GMT"):
            ex = await get(c, f"/rate-limit?after={value}", retry_on_429=True)
            assert isinstance(ex.error, RateLimited) and ex.error.retry_after is None
            assert any("Retry-After ignored" in n for n in ex.notes)
    assert sleeps and all(0 <= s <= 60 for s in sleeps)


async def test_osc52_in_request_id_and_warning(client: HerokuClient) -> None:
    ex = await get(client, "/osc52-headers")
    assert ex.request_id == f"req-{OSC52}-1"  # kept as received, for support
    assert OSC52 in ex.warnings[0]
    assert "Request-Id holds control characters (shown escaped)" in ex.notes


async def test_error_message_with_escapes_is_inert(client: HerokuClient) -> None:
    ex = await get(client, "/error-escapes")
    assert isinstance(ex.error, ServerError)
    text = str(ex.error)
    assert "\x1b" not in text and "\x07" not in text and "\n" not in text
    assert "\\x1b]52;c;" in text and "Name is invalid" in text


async def test_deep_json_is_not_parsed(client: HerokuClient) -> None:
    ex = await get(client, "/deep-json")
    assert ex.body_state == "non-json" and ex.size == len(DEEP_JSON) == 6000
    assert any(f"deeper than {MAX_JSON_DEPTH} levels" in n for n in ex.notes)
    with pytest.raises(ValueError):
        ex.json()


def test_deep_json_over_the_display_cap(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    ex = Exchange("GET", "u", (), None, status=200, body=b"[" * 10, body_state="too-large",
                  size=200_000, body_path=str(path))
    with pytest.raises(ValueError, match="deeper"):
        ex.json()


# -- history, revalidate --------------------------------------------------------------------------


class BrokenHistory(History):
    def record(self, exchange: Exchange) -> None:  # type: ignore[override]
        raise OSError("disk full")


async def test_a_failing_history_never_loses_the_exchange(faults: FaultServer, tmp_path: Path,
                                                          spool: Path) -> None:
    async with client_for(faults, tmp_path, history=BrokenHistory()) as c:
        ex = await get(c, "/ok")
    assert ex.status == 200 and "not recorded in history (OSError)" in ex.notes


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE", "PUT"])
async def test_revalidate_repeats_only_reads(client: HerokuClient, faults: FaultServer,
                                             method: str) -> None:
    sent = await client.send(raw_request(method, "/ok", {"a": 1} if method != "DELETE" else None))
    before = len(faults.requests)
    with pytest.raises(ValueError, match="only a GET or HEAD can be revalidated"):
        await client.revalidate(sent)
    assert len(faults.requests) == before


async def test_revalidate_a_get(client: HerokuClient) -> None:
    first = await get(client, "/schema")
    again = await client.revalidate(first)
    assert again.not_modified


# -- the live schema and schema files --------------------------------------------------------------


async def test_schema_bomb_refused_and_not_cached(faults: FaultServer, tmp_path: Path,
                                                  spool: Path) -> None:
    async with client_for(faults, tmp_path) as c:
        t0 = time.monotonic()
        with pytest.raises(SchemaError, match="larger than 32 MB") as err:
            await c.fetch_schema(url=faults.url_for("gzip-bomb"))
        assert time.monotonic() - t0 < 10
    assert "\n" not in str(err.value)
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]


async def test_schema_bomb_after_a_good_schema_keeps_the_good_one(tmp_path: Path,
                                                                  spool: Path) -> None:
    with FaultServer(default_fault="schema") as server:
        async with HerokuClient(server.url, cache_dir=tmp_path / "cache", timeout=10) as c:
            # (a path without a fault's name: the server's default answers it)
            good = await c.fetch_schema(url=server.url + "/live")
            server.default_fault = "gzip-bomb"
            doc = await c.fetch_schema(url=server.url + "/live")
    assert good.source == "network" and doc.source == "cache" and doc.data == good.data
    assert doc.notice and "refused and not cached" in doc.notice
    assert good.path is not None and good.path.read_bytes() == good.data


async def test_schema_trickle_bounded_by_the_deadline(faults: FaultServer, tmp_path: Path,
                                                      spool: Path) -> None:
    async with client_for(faults, tmp_path, timeout=0.8) as c:
        t0 = time.monotonic()
        with pytest.raises(SchemaError, match=r"did not send the schema within 0\.8 seconds"):
            await c.fetch_schema(url=faults.url_for("gzip-trickle") + "?interval=0.05")
        assert time.monotonic() - t0 < 1.6


def test_schema_cap_matches_the_file_cap() -> None:
    assert SCHEMA_CAP == MAX_SCHEMA_BYTES == 32 * MiB


def test_schema_file_dev_zero_is_refused() -> None:
    t0 = time.monotonic()
    with pytest.raises(SchemaError, match="more than 32 MB"):
        load_path("/dev/zero")
    assert time.monotonic() - t0 < 5


def test_schema_fifo_is_bounded(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "schema.fifo"
    os.mkfifo(fifo)
    stop = threading.Event()

    def writer() -> None:
        with fifo.open("wb") as out:
            block = b" " * MiB
            try:
                while not stop.is_set():
                    out.write(block)
            except BrokenPipeError:
                pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        with pytest.raises(SchemaError, match="more than 32 MB"):
            load_path(fifo)
    finally:
        stop.set()
        thread.join(5)


# -- properties: header values and body bytes never raise ------------------------------------------

# (Content-Encoding is left to the decoder's own test: an in-memory answer is decoded
# by httpx when it is built)
HEADER_NAMES = ["RateLimit-Remaining", "Retry-After", "Next-Range", "Content-Range", "ETag",
                "Request-Id", "Content-Type", "Accept-Ranges", "Warning", "X-Heroku-Warning"]
# header bytes as a server may send them: anything but CR, LF and NUL
header_bytes = st.binary(max_size=60).map(
    lambda b: b.replace(b"\r", b"").replace(b"\n", b"").replace(b"\0", b"").strip())
SPEC = raw_request("GET", "/apps").with_header("Range", "id ..; max=10")


def _answer(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> httpx.Response:
    return httpx.Response(status, headers=headers, content=body)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=st.sampled_from([200, 201, 206, 304, 400, 404, 416, 422, 429, 500, 503]),
       headers=st.lists(st.tuples(st.sampled_from(HEADER_NAMES), header_bytes), max_size=8),
       body=st.one_of(st.binary(max_size=300), st.just(DEEP_JSON),
                      st.just(b'{"id": "x", "message": "\x1b[2J"}')))
def test_any_answer_is_an_exchange(status: int, headers: list[tuple[str, bytes]],
                                   body: bytes) -> None:
    raw = [(name.encode(), value) for name, value in headers]

    async def run() -> tuple[Exchange, RequestSpec | None]:
        transport = httpx.MockTransport(lambda request: _answer(status, raw, body))
        async with HerokuClient("https://api.heroku.com", Credentials(token=TOKEN),
                                transport=transport, display_cap=128) as c:
            ex = await c.send(SPEC)
            return ex, c.next_page(ex)

    ex, nxt = asyncio.run(run())
    assert ex.status == status
    assert ex.body_state in ("json", "empty", "text", "non-json", "invalid-utf8", "too-large")
    assert all(isinstance(n, str) and n for n in ex.notes)
    assert ex.ratelimit_remaining is None or 0 <= ex.ratelimit_remaining < 10**12
    assert nxt is None or isinstance(nxt, RequestSpec)
    if ex.error is not None:
        assert "\x1b" not in str(ex.error)
    assert ex.summary


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=400),
       ctype=st.one_of(st.none(), st.sampled_from(["application/json", "text/plain",
                                                   "application/octet-stream", "text/html",
                                                   "application/vnd.heroku+json; version=3"])))
def test_classify_never_raises(body: bytes, ctype: str | None) -> None:
    state, data, notes = classify(body, ctype, len(body), cap=200)
    assert (state, data) == classify_body(body, ctype, len(body), cap=200)
    assert state != "json" or data is not None or body.strip() == b"null"
    assert isinstance(notes, tuple)


@settings(max_examples=300, deadline=None)
@given(depth=st.integers(0, 5000), opener=st.sampled_from([b"[", b"{\"a\":"]))
def test_depth_check_matches_nesting(depth: int, opener: bytes) -> None:
    closer = b"]" if opener == b"[" else b"}"
    inner = b"[]" if opener == b"[" else b"1"
    doc = opener * depth + inner + closer * depth
    levels = depth + (1 if opener == b"[" else 0)
    assert too_deep(doc) == (levels > MAX_JSON_DEPTH)
    state, _, _notes = classify(doc, "application/json", len(doc), cap=len(doc))
    assert (state == "json") == (levels <= MAX_JSON_DEPTH)


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=60))
def test_range_and_ratelimit_parsers_never_raise(value: str) -> None:
    assert parse_next_range(value) is None or parse_next_range(value) == parse_content_range(
        value)
    assert isinstance(continue_range(value, "id ..; max=10"), str)
    remaining = parse_remaining(value)
    assert remaining is None or remaining >= 0
    assert (remaining_note(value) is None) == (remaining is not None)
    seconds = safe_retry_after(value)
    assert seconds is None or seconds >= 0


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000),
       coding=st.sampled_from(["gzip", "deflate", "br", "gzip, gzip"]))
def test_decoder_on_garbage_only_raises_zlib_errors(data: bytes, coding: str) -> None:
    decoder = BodyDecoder([coding], piece=64)
    try:
        out = [p for p in decoder.feed(data)] + list(decoder.finish())
    except zlib.error:
        return
    assert all(len(p) <= 64 for p in out)


@settings(max_examples=100, deadline=None)
@given(text=st.binary(max_size=3000), level=st.integers(1, 9),
       cuts=st.lists(st.integers(1, 200), min_size=1, max_size=20))
def test_decoder_inverts_gzip_in_bounded_pieces(text: bytes, level: int,
                                                cuts: list[int]) -> None:
    wire = gzip.compress(text * 20, compresslevel=level)
    decoder = BodyDecoder(["gzip"], piece=100)
    out: list[bytes] = []
    pos = 0
    for cut in cuts * 50:
        if pos >= len(wire):
            break
        out.extend(decoder.feed(wire[pos:pos + cut]))
        pos += cut
    out.extend(decoder.feed(wire[pos:]))
    out.extend(decoder.finish())
    assert b"".join(out) == text * 20 and all(len(p) <= 100 for p in out)


@settings(max_examples=300, deadline=None)
@given(before=st.binary(max_size=80), after=st.binary(max_size=80),
       brk=st.integers(0, len(TOKEN)), crlf=st.booleans(), twice=st.booleans(),
       cuts=st.lists(st.integers(1, 40), min_size=1, max_size=30))
def test_redactor_finds_a_token_across_any_cut(before: bytes, after: bytes, brk: int,
                                               crlf: bool, twice: bool,
                                               cuts: list[int]) -> None:
    token = TOKEN.encode()
    broken = token if brk in (0, len(token)) else (
        token[:brk] + (b"\r\n" if crlf else b"\n") + token[brk:])
    data = before + broken + after + (token if twice else b"")
    redactor = Redactor([TOKEN, "other-secret"])
    out: list[bytes] = []
    pos = 0
    for cut in cuts * 20:
        out.append(redactor.feed(data[pos:pos + cut]))
        pos += cut
        if pos >= len(data):
            break
    out.append(redactor.feed(data[pos:]))
    out.append(redactor.finish())
    joined = b"".join(out)
    assert token not in joined and broken not in joined
    assert joined == Redactor([TOKEN, "other-secret"]).clean(data)
