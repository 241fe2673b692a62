"""The client against the sandbox: in-process (ASGITransport) and over loopback, and
the exported curl command run with the real curl binary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from heroku_explorer.client import Credentials, HerokuClient, History, to_curl
from heroku_explorer.errors import NotFound, PreconditionFailed, Unauthorized
from heroku_explorer.request import build_request, raw_request

sandbox = pytest.importorskip("heroku_explorer.sandbox")
server_mod = pytest.importorskip("heroku_explorer.sandbox.server")

TOKEN = "sandbox-test-token-0123456789"



@pytest.fixture
async def inproc(spec: Any) -> AsyncIterator[HerokuClient]:
    app = sandbox.create_app(spec, token=TOKEN)
    async with HerokuClient("http://sandbox.local", Credentials(token=TOKEN),
                            transport=httpx.ASGITransport(app=app), cache_dir=None) as client:
        yield client
    app.close()


@pytest.fixture
def loopback(spec: Any) -> Iterator[str]:
    app = sandbox.create_app(spec, token=TOKEN)
    with server_mod.BackgroundServer(app) as server:
        yield server.url
    app.close()


async def first_app(client: HerokuClient) -> str:
    ex = await client.send(raw_request("GET", "/apps"))
    assert ex.ok, ex.summary
    return str(ex.json()[0]["name"])


async def test_in_process_protocol(inproc: HerokuClient, spec: Any) -> None:
    client = inproc
    name = await first_app(client)
    info = spec.action("app.info")
    read = build_request(info, {"app_id_or_name": name})
    first = await client.send(read)
    assert first.ok and first.request_id and first.etag
    assert client.ratelimit_remaining is not None and first.request_id
    again = await client.revalidate(first)
    assert again.not_modified and again.summary == "unchanged (304)"
    assert again.json() == first.json()

    update = spec.action("app.update")
    tag = client.etag_for(read)
    ok = await client.send(build_request(update, {"app_id_or_name": name, "maintenance": True},
                                         if_match=tag))
    assert ok.ok, ok.summary
    stale = await client.send(build_request(update, {"app_id_or_name": name,
                                                     "maintenance": False}, if_match=tag))
    assert isinstance(stale.error, PreconditionFailed)

    missing = await client.send(build_request(info, {"app_id_or_name": "no-such-app-here"}))
    assert isinstance(missing.error, NotFound)


async def test_in_process_paging_and_config_vars(inproc: HerokuClient, spec: Any) -> None:
    client = inproc
    everything = (await client.send(raw_request("GET", "/apps"))).json()
    pages = [ex async for ex in client.pages(
        build_request(spec.action("app.list"), {}, range="name ..; max=1"), max_pages=50)]
    assert [p.status for p in pages][-1] == 200 and all(p.status == 206 for p in pages[:-1])
    assert sorted(a["name"] for p in pages for a in p.json()) == sorted(
        a["name"] for a in everything)

    name = everything[0]["name"]
    update = spec.action("config-var.update")
    set_ = await client.send(build_request(update, {"app_id_or_name": name, "EXPLORER": "1"}))
    assert set_.ok and set_.json()["EXPLORER"] == "1"
    gone = await client.send(build_request(update, {"app_id_or_name": name, "EXPLORER": None}))
    assert gone.ok and "EXPLORER" not in gone.json()


async def test_method_override_is_honoured(inproc: HerokuClient, spec: Any) -> None:
    name = await first_app(inproc)
    ex = await inproc.send(build_request(spec.action("config-var.update"),
                                         {"app_id_or_name": name, "VIA": "override"},
                                         method_override=True))
    assert ex.method == "POST" and ex.ok, ex.summary
    assert ex.json()["VIA"] == "override"


async def test_wrong_token_is_unauthorized(spec: Any) -> None:
    app = sandbox.create_app(spec, token=TOKEN)
    async with HerokuClient("http://sandbox.local", Credentials(token="wrong"),
                            transport=httpx.ASGITransport(app=app), cache_dir=None) as client:
        ex = await client.send(raw_request("GET", "/apps"))
    assert isinstance(ex.error, Unauthorized)


async def test_over_loopback(loopback: str, spec: Any, tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    async with HerokuClient(loopback, Credentials(token=TOKEN), cache_dir=tmp_path / "cache",
                            history=history) as client:
        name = await first_app(client)
        ex = await client.send(build_request(spec.action("app.info"), {"app_id_or_name": name}))
        assert ex.ok and ex.json()["name"] == name
        assert history.search(request_id=ex.request_id or "-")[0].status == 200


def run_curl(command: str, env: dict[str, str], out: Path) -> tuple[int, bytes]:
    full = f"{command} -s -o {out} -w '%{{http_code}}'"
    done = subprocess.run(["bash", "-c", full], env=env, capture_output=True, timeout=30,
                          check=False)
    assert done.returncode == 0, done.stderr.decode()
    return int(done.stdout.decode()), out.read_bytes()


@pytest.mark.skipif(shutil.which("curl") is None, reason="the curl binary is not installed")
@pytest.mark.parametrize("auth", ["env", "netrc"])
async def test_exported_curl_matches_the_clients_own_send(loopback: str, spec: Any,
                                                          tmp_path: Path, auth: str) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "HEROKU_API_KEY": TOKEN}
    host = httpx.URL(loopback).host
    (tmp_path / ".netrc").write_text(f"machine {host}\n  login me@example.com\n"
                                     f"  password {TOKEN}\n")
    (tmp_path / ".netrc").chmod(0o600)
    async with HerokuClient(loopback, Credentials(token=TOKEN), cache_dir=None) as client:
        name = await first_app(client)
        specs = [
            build_request(spec.action("app.info"), {"app_id_or_name": name}),
            build_request(spec.action("config-var.update"),
                          {"app_id_or_name": name, "FROM_CURL": "yes"}),
            build_request(spec.action("app.info"), {"app_id_or_name": "no-such-app-here"}),
            build_request(spec.action("app.list"), {}, range="name ..; max=1"),
        ]
        for i, request in enumerate(specs):
            ex = await client.send(request)
            command = to_curl(ex, auth=auth)  # type: ignore[arg-type]
            assert TOKEN not in command
            status, body = run_curl(command, env, tmp_path / f"out{i}.json")
            assert status == ex.status, (command, body)
            assert json.loads(body) == ex.json(), command
