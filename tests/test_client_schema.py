"""fetch_schema: no token, Accept variant, cached on disk with its ETag, offline fallback."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import httpx
import pytest

from heroku_explorer.errors import SchemaError
from tests.client_helpers import TOKEN, make_client

SCHEMA = b'{"definitions": {}, "$schema": "http://interagent.github.io/interagent-hyper-schema"}'


class SchemaServer:
    def __init__(self) -> None:
        self.up = True
        self.status = 200

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")
        if self.status != 200:
            return httpx.Response(self.status)
        if request.headers.get("If-None-Match") == '"s1"':
            return httpx.Response(304, headers={"ETag": '"s1"'})
        return httpx.Response(200, content=SCHEMA, headers={"ETag": '"s1"'})


async def test_fetch_cache_revalidate_and_offline(tmp_path: Path) -> None:
    server = SchemaServer()
    client, rec = make_client(server, home=tmp_path, variant="3.sdk")
    async with client:
        first = await client.fetch_schema()
        assert (first.source, first.data, first.etag) == ("network", SCHEMA, '"s1"')
        req = rec.last
        assert "Authorization" not in req.headers
        assert req.headers["Accept"] == "application/vnd.heroku+json; version=3.sdk"
        assert str(req.url) == "https://api.heroku.com/schema"
        second = await client.fetch_schema()
        assert rec.last.headers["If-None-Match"] == '"s1"'
        assert second.source == "revalidated" and second.data == SCHEMA
        server.up = False
        offline = await client.fetch_schema()
        assert offline.source == "cache" and offline.data == SCHEMA
        assert offline.notice and "Offline" in offline.notice
        server.up, server.status = True, 503
        failing = await client.fetch_schema()
        assert failing.source == "cache" and failing.notice and "503" in failing.notice
        server.status = 200
        other = await client.fetch_schema("3")
        assert other.source == "network" and rec.last.headers["Accept"].endswith("version=3")
    files = list((tmp_path / "cache" / "schema").iterdir())
    assert files and all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in files)
    assert stat.S_IMODE(os.stat(tmp_path / "cache" / "schema").st_mode) == 0o700
    assert all(TOKEN.encode() not in f.read_bytes() for f in files)


async def test_no_cache_and_no_network_is_a_schema_error(tmp_path: Path) -> None:
    server = SchemaServer()
    server.up = False
    client, _ = make_client(server, home=tmp_path)
    async with client:
        with pytest.raises(SchemaError) as info:
            await client.fetch_schema()
    assert "does not resolve" in str(info.value)


async def test_schema_on_another_host_gets_no_token(tmp_path: Path) -> None:
    client, rec = make_client(SchemaServer(), home=tmp_path)
    async with client:
        await client.fetch_schema(url="https://schemas.example.com/heroku.json")
    assert "Authorization" not in rec.last.headers
    assert rec.last.url.host == "schemas.example.com"


async def test_an_unwritable_cache_still_returns_the_schema(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    client, _ = make_client(SchemaServer())
    client.cache_dir = blocker
    async with client:
        doc = await client.fetch_schema()
    assert doc.data == SCHEMA and doc.notice and "could not be cached" in doc.notice
