"""History: SQLite, private, searchable, capped, redacted, shared by two processes."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from pathlib import Path

import httpx
import pytest

from heroku_explorer.client import History
from heroku_explorer.client.response import Exchange
from heroku_explorer.paths import atomic_write, cache_dir, config_dir, data_dir, ensure_dir
from heroku_explorer.request import raw_request
from tests.client_helpers import TOKEN, make_client


def exchange(path: str = "/apps", status: int = 200, request_id: str = "r", **kw: object
             ) -> Exchange:
    return Exchange(method="GET", url=f"https://api.heroku.com{path}", request_headers=(),
                    request_body=None, status=status, reason="OK", request_id=request_id,
                    **kw)  # type: ignore[arg-type]


def test_file_modes(tmp_path: Path) -> None:
    history = History(tmp_path / "data" / "history.sqlite3")
    history.record(exchange())
    assert history.enabled and history.disabled_reason is None
    assert stat.S_IMODE(os.stat(tmp_path / "data").st_mode) == 0o700
    for name in os.listdir(tmp_path / "data"):
        assert stat.S_IMODE(os.stat(tmp_path / "data" / name).st_mode) == 0o600, name
    history.close()


def test_search_by_path_status_and_request_id(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    history.record(exchange("/apps", 200, "aaa-1"))
    history.record(exchange("/apps/demo/config-vars", 404, "bbb-2"))
    history.record(exchange("/account", 429, "ccc-3"))
    assert [e.path for e in history.search(path="/apps")] == ["/apps/demo/config-vars", "/apps"]
    assert [e.status for e in history.search(status=404)] == [404]
    assert [e.status for e in history.search(status="4xx")] == [429, 404]
    assert [e.request_id for e in history.search(request_id="bbb")] == ["bbb-2"]
    assert history.search(path="100%_") == []
    first = history.search()[-1]
    assert history.get(first.id) == first and history.count() == 3
    history.clear()
    assert history.count() == 0


def test_capped_in_size(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3", max_rows=10)
    for i in range(25):
        history.record(exchange(f"/apps/{i}"))
    assert history.count() == 10
    assert history.search(limit=1)[0].path == "/apps/24"


def test_tokens_are_redacted_before_writing(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3", secrets=[TOKEN])
    history.record(Exchange(
        method="POST", url=f"https://api.heroku.com/x?token={TOKEN}",
        request_headers=(("Authorization", f"Bearer {TOKEN}"), ("X-Echo", TOKEN)),
        request_body=f'{{"t": "{TOKEN}"}}'.encode(), status=201,
        headers=(("X-Token", TOKEN),), body=f'{{"access_token": "{TOKEN}"}}'.encode(),
        error=RuntimeError(f"failed with {TOKEN}"),  # type: ignore[arg-type]
    ))
    entry = history.search()[0]
    assert TOKEN not in repr(entry)
    assert ("Authorization", "[REDACTED]") in entry.request_headers
    history.close()
    for name in os.listdir(tmp_path):
        assert TOKEN.encode() not in (tmp_path / name).read_bytes(), name


def test_unwritable_data_dir_turns_history_off(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    history = History(blocker / "data" / "history.sqlite3")
    assert not history.enabled and history.disabled_reason
    assert "History is off" in history.disabled_reason
    assert history.record(exchange()) is None and history.search() == [] and history.count() == 0


def _writer(path: str, tag: str) -> None:
    history = History(Path(path))
    for i in range(50):
        assert history.record(exchange(f"/{tag}/{i}")) is not None
    history.close()


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    History(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), tag)) for tag in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    history = History(path)
    assert history.count() == 100
    assert len(history.search(path="/a/", limit=500)) == 50


async def test_the_client_records_every_exchange(tmp_path: Path) -> None:
    client, _ = make_client(lambda r: httpx.Response(200, json={"me": TOKEN},
                                                     headers={"Request-Id": "rid-9"}),
                            home=tmp_path, history=True)
    async with client:
        await client.send(raw_request("GET", "/account"))
        history = client.history
        assert history is not None
        entry = history.search(request_id="rid-9")[0]
        assert entry.status == 200 and entry.path == "/account"
        assert TOKEN.encode() not in entry.response_body


def test_paths_honour_the_home_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path))
    assert (config_dir(), data_dir(), cache_dir()) == (
        tmp_path / "config", tmp_path / "data", tmp_path / "cache")
    target = tmp_path / "deep" / "dir" / "f.json"
    atomic_write(target, b"{}")
    assert target.read_bytes() == b"{}"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(ensure_dir(tmp_path / "deep" / "dir")).st_mode) == 0o700
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


async def test_the_client_records_config_vars_and_credentials_redacted(tmp_path: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/config-vars"):
            return httpx.Response(200, json={"DATABASE_URL": "postgres://u:pw-PLANTED@h/d"})
        return httpx.Response(201, json={"access_token": {"token": "at-PLANTED", "id": "a1"}},
                              headers={"Set-Cookie": "sid=cookie-PLANTED"})

    client, _ = make_client(answer, home=tmp_path, history=True)
    async with client:
        await client.send(raw_request("PATCH", "/apps/demo/config-vars",
                                      {"SECRET_KEY_BASE": "skb-PLANTED", "OLD": None}))
        await client.send(raw_request("POST", "/oauth/authorizations?api_key=q-PLANTED",
                                      {"description": "kept-description"}))
        history = client.history
        assert history is not None
        oauth, config = history.search()
        assert json.loads(config.request_body or b"") == {"SECRET_KEY_BASE": "[REDACTED]",
                                                          "OLD": None}
        assert json.loads(oauth.response_body) == {"access_token": {"token": "[REDACTED]",
                                                                    "id": "a1"}}
        history.close()
    data = b"".join(p.read_bytes() for p in (tmp_path / "data").iterdir())
    assert b"PLANTED" not in data and TOKEN.encode() not in data
    assert b"kept-description" in data and b"SECRET_KEY_BASE" in data
