"""Every fault of the fault server through :class:`HerokuClient`.

For each: ``send`` returns (no exception escapes, within a bound), the exchange says what
happened (typed error or body state), its message is one clear line that says what to
do, the same client sends the next request fine, and the exchange is in history. Then
the faults with more to them: the 50 MB body (memory), redirects and schema URLs on
another host (the token stays home), 429 (Retry-After and the opt-in retry), 401 and the
403 two_factor retried with a code.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from heroku_explorer.client import Credentials, Exchange, HerokuClient, History, RetryPolicy
from heroku_explorer.client.exports import export
from heroku_explorer.client.history import HistoryEntry
from heroku_explorer.errors import Forbidden, RateLimited, RequestError, Unauthorized
from heroku_explorer.protocol import HeaderName
from heroku_explorer.request import raw_request
from tests.faults import FaultServer, closed_port_url
from tests.faults.cases import CASES, FaultCase, case, is_clear, says_what_to_do
from tests.faults.server import BIG_SIZE

TOKEN = "tok-SECRET-4f1e9a"
TIMEOUT = 0.5
#: No send may take longer than this, whatever the server does.
BOUND = 3.0


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    # max_stall bounds the trickle (and the hang) on the server side, in case the
    # client does not bound it itself.
    with FaultServer(max_stall=4.0) as server:
        yield server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path / "home"))
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    return tmp_path


def make_client(base: str, home: Path, *, token: str | None = TOKEN,
                timeout: float = TIMEOUT, **kw: Any) -> HerokuClient:
    creds = Credentials(token=token) if token else None
    history = History(home / "home" / "data" / "history.sqlite3")
    return HerokuClient(base, creds, timeout=timeout, history=history,
                        cache_dir=home / "home" / "cache", **kw)


@pytest.fixture
async def client(faults: FaultServer, home: Path) -> AsyncIterator[HerokuClient]:
    async with make_client(faults.url, home) as c:
        yield c


async def get(client: HerokuClient, path: str, bound: float = 15.0, **kw: Any) -> Exchange:
    return await asyncio.wait_for(client.send(raw_request("GET", path), **kw), bound)


# -- one observation per fault, shared by the tests below ---------------------------------


@dataclass
class Observed:
    exchange: Exchange
    elapsed: float
    following: Exchange
    rows: list[HistoryEntry]


_OBSERVED: dict[str, Observed] = {}


async def observe(fc: FaultCase, faults: FaultServer, home: Path) -> Observed:
    if fc.fault in _OBSERVED:
        return _OBSERVED[fc.fault]
    base = closed_port_url() if fc.fault == "refused" else faults.url
    path = "/apps" if fc.fault == "refused" else f"/{fc.fault}"
    async with make_client(base, home, timeout=fc.timeout or TIMEOUT) as c:
        t0 = time.monotonic()
        exchange = await get(c, path, bound=max(15.0, 2 * (fc.timeout or 0)))
        elapsed = time.monotonic() - t0
        # the same client, the next request (absolute URL: the refused base has no server)
        following = await get(c, faults.url + "/ok")
        assert c.history is not None
        # a redirect is recorded under the URL it landed on
        rows = c.history.search(path="/landing" if "redirect" in path else path)
    _OBSERVED[fc.fault] = Observed(exchange, elapsed, following, rows)
    return _OBSERVED[fc.fault]


def _cases(*, only_errors: bool = False, only_network: bool = False,
           marks: dict[str, pytest.MarkDecorator] | None = None) -> list[Any]:
    """The fault cases as parameters; ``marks`` (an xfail for a known bug) by fault."""
    marks = marks or {}
    return [pytest.param(fc, id=fc.fault, marks=[marks[fc.fault]] if fc.fault in marks else [])
            for fc in CASES
            if (fc.error is not None or not only_errors) and (fc.kind or not only_network)]


@pytest.mark.parametrize("fc", _cases())
async def test_fault_is_one_exchange_and_the_client_goes_on(
    fc: FaultCase, faults: FaultServer, home: Path
) -> None:
    seen = await observe(fc, faults, home)
    ex = seen.exchange
    bound = BOUND if fc.timeout is None else fc.timeout
    assert seen.elapsed < bound, f"send took {seen.elapsed:.1f} s"
    assert ex.status == fc.status
    assert ex.truncated == fc.truncated
    for words in fc.notes:
        assert any(words in note for note in ex.notes), (words, ex.notes)
    if not fc.notes and not fc.truncated:
        assert ex.notes == (), ex.notes
    if fc.error is None:
        assert ex.error is None and ex.body_state == fc.body_state
    else:
        assert isinstance(ex.error, fc.error), repr(ex.error)
    # the next request on the same client works
    assert seen.following.status == 200 and seen.following.error is None
    # the exchange is in history, with what happened
    assert seen.rows, "no history row"
    row = seen.rows[0]
    assert row.status == fc.status
    if fc.error is not None:
        assert row.error and str(ex.error).split(":")[0] in row.error


@pytest.mark.parametrize("fc", _cases(only_errors=True))
async def test_message_is_one_clear_line(fc: FaultCase, faults: FaultServer, home: Path) -> None:
    ex = (await observe(fc, faults, home)).exchange
    assert ex.error is not None
    message = str(ex.error)
    assert is_clear(message) == [], message
    assert TOKEN not in message and TOKEN not in ex.summary


@pytest.mark.parametrize("fc", _cases(only_errors=True))
async def test_message_says_what_to_do(fc: FaultCase, faults: FaultServer, home: Path) -> None:
    ex = (await observe(fc, faults, home)).exchange
    assert says_what_to_do(str(ex.error)), str(ex.error)


@pytest.mark.parametrize("fc", _cases(only_network=True))
async def test_network_failures_have_a_kind(fc: FaultCase, faults: FaultServer,
                                            home: Path) -> None:
    ex = (await observe(fc, faults, home)).exchange
    assert isinstance(ex.error, RequestError) and ex.error.kind == fc.kind


async def test_the_answer_facts_are_kept(faults: FaultServer, home: Path) -> None:
    """A bad body is kept as it came, for the person to look at."""
    html = (await observe(case("html-500"), faults, home)).exchange
    assert html.body.startswith(b"<!DOCTYPE html>") and html.request_id
    utf8 = (await observe(case("invalid-utf8"), faults, home)).exchange
    assert b"\xff" in utf8.body and utf8.text()  # shown with replacement characters
    cut = (await observe(case("invalid-json"), faults, home)).exchange
    with pytest.raises(ValueError):
        cut.json()


# -- the 50 MB body -------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, TOKEN], ids=["anonymous", "with-token"])
@pytest.mark.parametrize("fault", ["big", "big-chunked"])
async def test_big_body_memory_is_bounded(faults: FaultServer, home: Path, token: str | None,
                                          fault: str) -> None:
    # the deadline covers the whole body: tracemalloc slows the reading down
    async with make_client(faults.url, home, token=token, timeout=20) as c:
        tracemalloc.start()
        try:
            ex = await get(c, f"/{fault}", bound=30)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert ex.status == 200 and ex.body_state == "too-large" and ex.size == BIG_SIZE
    assert len(ex.body) <= c.display_cap
    assert peak < BIG_SIZE / 5, f"peak {peak / 1e6:.1f} MB for a {BIG_SIZE / 1e6:.0f} MB body"


async def test_big_body_is_kept_whole_on_disk(faults: FaultServer, home: Path) -> None:
    async with make_client(faults.url, home, timeout=20) as c:
        ex = await get(c, "/big", bound=30)
        assert ex.body_path is not None
        path = Path(ex.body_path)
        assert path.is_absolute() and path.stat().st_size == BIG_SIZE
        assert path.stat().st_mode & 0o777 == 0o600
    assert not path.exists(), "the file outlived its client"


# -- redirects and schema URLs: the token stays with the API host ------------------------------


@pytest.mark.parametrize("fault", ["redirect", "redirect-307"])
async def test_token_not_sent_across_a_redirect(client: HerokuClient, faults: FaultServer,
                                                fault: str) -> None:
    faults.clear()
    ex = await get(client, f"/{fault}")
    assert ex.status == 200 and ex.json()["listener"] == "other"
    first, landed = faults.requests
    assert first.listener == "main" and first.header("Authorization") == f"Bearer {TOKEN}"
    assert landed.listener == "other" and landed.path == "/landing"
    assert not landed.has_header("Authorization")
    assert all(TOKEN not in v for _, v in landed.headers)
    assert ex.request_header("Authorization") is None  # the hop that landed carried none


async def test_token_kept_on_a_same_host_redirect(client: HerokuClient,
                                                  faults: FaultServer) -> None:
    faults.clear()
    ex = await get(client, "/redirect-same")
    assert ex.status == 200 and ex.json()["listener"] == "main"
    assert faults.requests[-1].header("Authorization") == f"Bearer {TOKEN}"


async def test_schema_on_another_host_fetched_without_token(client: HerokuClient,
                                                            faults: FaultServer) -> None:
    faults.clear()
    doc = await client.fetch_schema(url=faults.url_for("schema", other=True))
    assert doc.source == "network" and doc.data == faults.schema_body
    (req,) = faults.requests
    assert req.listener == "other" and not req.has_header("Authorization")
    assert req.header("Accept") == "application/vnd.heroku+json; version=3"


async def test_schema_on_the_api_host_fetched_without_token(client: HerokuClient,
                                                            faults: FaultServer) -> None:
    faults.clear()
    first = await client.fetch_schema()
    again = await client.fetch_schema()
    assert (first.source, again.source) == ("network", "revalidated")
    assert [r.path for r in faults.requests] == ["/schema", "/schema"]
    assert not any(r.has_header("Authorization") for r in faults.requests)
    assert faults.requests[1].header("If-None-Match") == first.etag


# -- 429 ------------------------------------------------------------------------------------


async def test_rate_limit_facts(client: HerokuClient) -> None:
    ex = await get(client, "/rate-limit?after=7")
    assert isinstance(ex.error, RateLimited)
    assert ex.error.id == "rate_limit" and ex.error.retry_after == 7.0
    assert ex.error.remaining == 0 and client.ratelimit_remaining == 0
    bare = await get(client, "/rate-limit-no-retry")
    assert isinstance(bare.error, RateLimited) and bare.error.retry_after is None


async def test_rate_limit_retry_waits_for_retry_after(faults: FaultServer, home: Path) -> None:
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    faults.clear()
    async with make_client(faults.url, home, sleep=fake_sleep,
                           retry_policy=RetryPolicy(max_retries=2)) as c:
        ok = await get(c, "/rate-limit-once", retry_on_429=True)
        assert ok.status == 200 and sleeps == [0.0]
        spent = await get(c, "/rate-limit?after=7", retry_on_429=True)
        assert isinstance(spent.error, RateLimited) and sleeps[1:] == [7.0, 7.0]
        doubling = await get(c, "/rate-limit-no-retry", retry_on_429=True)
        assert isinstance(doubling.error, RateLimited) and sleeps[3:] == [1.0, 2.0]
        assert c.history is not None
        assert len(c.history.search(path="/rate-limit-once")) == 2
        assert len(c.history.search(path="/rate-limit", status=429)) == 1 + 3 + 3
    assert len([r for r in faults.requests if r.path == "/rate-limit"]) == 3


async def test_no_retry_unless_asked(client: HerokuClient, faults: FaultServer) -> None:
    faults.clear()
    ex = await get(client, "/rate-limit-once")
    assert isinstance(ex.error, RateLimited) and len(faults.requests) == 1


# -- 401 and 403 two_factor -------------------------------------------------------------------


async def test_unauthorized(client: HerokuClient) -> None:
    ex = await get(client, "/unauthorized")
    assert isinstance(ex.error, Unauthorized) and ex.error.id == "unauthorized"
    assert TOKEN not in str(ex.error)


async def test_two_factor_retried_with_a_code(client: HerokuClient, faults: FaultServer) -> None:
    faults.clear()
    spec = raw_request("POST", "/two-factor", {"name": "example"})
    first = await client.send(spec)
    assert isinstance(first.error, Forbidden) and first.error.id == "two_factor"
    second = await client.send(spec.with_header(HeaderName.TWO_FACTOR, "424242"))
    assert second.status == 200 and second.json()["two_factor"] == "accepted"
    sent = faults.requests
    assert not sent[0].has_header(HeaderName.TWO_FACTOR)
    assert sent[1].header(HeaderName.TWO_FACTOR) == "424242"
    assert json.loads(sent[1].body) == {"name": "example"}  # the same request, repeated
    # the code is a secret too: not in history, not in any export
    assert client.history is not None
    for row in client.history.search(path="/two-factor"):
        assert "424242" not in json.dumps(row.request_headers)
    for fmt in ("curl", "httpie", "python"):
        text = export(second, fmt)  # type: ignore[arg-type]
        assert "424242" not in text and TOKEN not in text


async def test_big_body_files_do_not_outlive_the_client(faults: FaultServer,
                                                        home: Path) -> None:
    async with make_client(faults.url, home, timeout=20) as c:
        for _ in range(2):
            ex = await get(c, "/big", bound=30)
            assert ex.body_path is not None and Path(ex.body_path).exists()
    assert list((home / "tmp").rglob("heroku-explorer-*")) == []
