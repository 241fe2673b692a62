"""ETag revalidation, If-Match, ranges and paging, against a small stateful mock."""

from __future__ import annotations

import json

import httpx
import pytest

from heroku_explorer.client import build_range, continue_range, parse_accept_ranges
from heroku_explorer.errors import PreconditionFailed, ValidationError
from heroku_explorer.protocol import compute_etag, etag_matches, parse_range
from heroku_explorer.request import raw_request
from tests.client_helpers import make_client


class FakeApi:
    """One app (ETag'd) and a list of 5 names served 2 at a time."""

    def __init__(self) -> None:
        self.app = {"name": "demo", "stack": "heroku-22"}
        self.names = [f"app-{i}" for i in range(5)]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/apps/demo":
            return self.one(request)
        return self.page(request)

    def one(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH":
            if not etag_matches(request.headers.get("If-Match"), self.etag, weak=False) and (
                    "If-Match" in request.headers):
                return httpx.Response(412, json={"id": "precondition_failed",
                                                 "message": "Precondition failed."})
            self.app.update(json.loads(request.content))
        if etag_matches(request.headers.get("If-None-Match"), self.etag):
            return httpx.Response(304, headers={"ETag": self.etag})
        return httpx.Response(200, content=self.body, headers={
            "ETag": self.etag, "Content-Type": "application/json"})

    @property
    def body(self) -> bytes:
        return json.dumps(self.app).encode()

    @property
    def etag(self) -> str:
        return compute_etag(self.body)

    def page(self, request: httpx.Request) -> httpx.Response:
        rng = parse_range(request.headers.get("Range", "name .."))
        if rng.attr != "name":
            return httpx.Response(416, json={"id": "requested_range_not_satisfiable",
                                             "message": "Bad range."},
                                  headers={"Accept-Ranges": "name"})
        size = rng.max or 2
        rest = [n for n in self.names if rng.start is None or n > rng.start
                or (n == rng.start and not rng.start_exclusive)]
        chunk, more = rest[:size], rest[size:]
        headers = {"Content-Range": f"name {chunk[0]}..{chunk[-1]}", "Accept-Ranges": "name"}
        if more:
            headers["Next-Range"] = f"name ]{chunk[-1]}.."
        return httpx.Response(206 if more else 200, json=chunk, headers=headers)


async def test_revalidate_gives_an_explicit_unchanged_304_with_the_cached_body() -> None:
    api = FakeApi()
    client, rec = make_client(api)
    async with client:
        first = await client.send(raw_request("GET", "/apps/demo"))
        again = await client.revalidate(first)
        assert rec.last.headers["If-None-Match"] == first.etag
        assert again.status == 304 and again.not_modified and again.from_cache
        assert again.summary == "unchanged (304)" and again.ok
        assert again.body == first.body and again.json() == api.app
        api.app["stack"] = "heroku-24"
        changed = await client.revalidate(again)
        assert changed.status == 200 and not changed.not_modified
        assert changed.json()["stack"] == "heroku-24"


async def test_the_cache_key_includes_range_variant_and_identity() -> None:
    api = FakeApi()
    client, rec = make_client(api)
    async with client:
        await client.send(raw_request("GET", "/apps/demo"))
        await client.send(raw_request("GET", "/apps/demo", headers={"Range": "id ..; max=5"}),
                          revalidate=True)
        assert "If-None-Match" not in rec.last.headers
        await client.send(raw_request(
            "GET", "/apps/demo", headers={"Accept": "application/vnd.heroku+json; version=3.sdk"}),
            revalidate=True)
        assert "If-None-Match" not in rec.last.headers
        await client.send(raw_request("GET", "/apps/demo"), revalidate=True)
        assert "If-None-Match" in rec.last.headers
        keys = {k for k in client.etags._entries}
        assert {k.identity for k in keys} == {client.credentials.identity}  # type: ignore[union-attr]
        assert all(client.credentials.token not in repr(k) for k in keys)  # type: ignore[union-attr]


async def test_if_match_and_a_412_explained() -> None:
    api = FakeApi()
    client, _ = make_client(api)
    async with client:
        read = raw_request("GET", "/apps/demo")
        await client.send(read)
        tag = client.etag_for(read)
        assert tag == api.etag
        ok = await client.send(raw_request("PATCH", "/apps/demo", {"stack": "x"},
                                           headers={"If-Match": tag or ""}))
        assert ok.ok
        stale = await client.send(raw_request("PATCH", "/apps/demo", {"stack": "y"},
                                              headers={"If-Match": tag or ""}))
    assert isinstance(stale.error, PreconditionFailed)
    assert "changed since you last read it" in str(stale.error)


async def test_pages_follow_next_range_and_stop_on_the_last_page() -> None:
    client, rec = make_client(FakeApi())
    async with client:
        pages = [ex async for ex in client.pages(raw_request("GET", "/apps"), max_pages=10)]
        assert [p.status for p in pages] == [206, 206, 200]
        assert [n for p in pages for n in p.json()] == [f"app-{i}" for i in range(5)]
        assert [r.headers.get("Range") for r in rec.requests] == [
            None, "name ]app-1..", "name ]app-3.."]
        assert client.next_page(pages[-1]) is None
        two = [ex async for ex in client.pages(raw_request("GET", "/apps"), max_pages=2)]
        assert len(two) == 2


async def test_next_page_keeps_the_max_asked_for() -> None:
    client, _ = make_client(FakeApi())
    async with client:
        first = await client.send(raw_request("GET", "/apps", headers={"Range": "name ..; max=1"}))
        nxt = client.next_page(first)
        assert nxt is not None and nxt.header("Range") == "name ]app-0..; max=1"


async def test_416_is_explained_with_the_sort_attributes() -> None:
    client, _ = make_client(FakeApi())
    async with client:
        ex = await client.send(raw_request("GET", "/apps", headers={"Range": "id ..; max=2"}))
        stopped = [e async for e in client.pages(raw_request(
            "GET", "/apps", headers={"Range": "id .."}))]
    assert ex.status == 416 and "'id ..; max=2'" in str(ex.error) and "name" in str(ex.error)
    assert len(stopped) == 1


def test_range_builder() -> None:
    assert str(build_range("name", "a", "z", start_exclusive=True, end_exclusive=True, max=10,
                           order="desc")) == "name ]a..z[; max=10, order=desc"
    assert str(build_range()) == "id .."
    for bad in ({"max": 0}, {"max": 1001}, {"attr": "size", "sort_fields": ("id", "name")},
                {"attr": "bad attr"}):
        with pytest.raises(ValidationError):
            build_range(**bad)  # type: ignore[arg-type]
    assert parse_accept_ranges("id, name") == ("id", "name") and parse_accept_ranges(None) == ()
    assert continue_range("id ]x..", "id ..; max=5, order=desc") == "id ]x..; max=5, order=desc"
    assert continue_range("id ]x..; max=9", "id ..; max=5") == "id ]x..; max=9"
