"""Log sessions and build output, served by the sandbox at its own address: in-process
through ``httpx.ASGITransport`` and on loopback (tailing, chunked build output)."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from heroku_explorer.sandbox import SandboxApp, create_app, streams
from heroku_explorer.sandbox.lifecycles import lifecycles_of
from heroku_explorer.sandbox.server import BackgroundServer
from heroku_explorer.schema import load_schema
from heroku_explorer.schema.model import ApiSpec
from tests.test_sandbox_support import HEADERS

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 (app|heroku)\[([\w.-]+)\]: \S")
EVENTS = {"Accept": "text/event-stream"}


@pytest.fixture(scope="module")
def spec(ref_hyper_path: Path) -> ApiSpec:
    return load_schema(ref_hyper_path.read_bytes(), origin=str(ref_hyper_path))


@pytest.fixture
def app(spec: ApiSpec) -> SandboxApp:
    return create_app(spec, seed=2)


@pytest.fixture
async def client(app: SandboxApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://sandbox.invalid", headers=HEADERS) as c:
        yield c


async def seeded(client: httpx.AsyncClient) -> str:
    apps = (await client.get("/apps")).json()
    return str(apps[0]["name"])


async def session(client: httpx.AsyncClient, app: str, **body: Any) -> str:
    resp = await client.post(f"/apps/{app}/log-sessions", json=body)
    assert resp.status_code == 201, resp.text
    url: str = resp.json()["logplex_url"]
    return url


def events(text: str) -> list[tuple[str, str]]:
    """(id, data) per Server-Sent Event, as an EventSource reads them."""
    out = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "data" in fields:
            out.append((fields.get("id", ""), fields["data"]))
    return out


async def test_a_log_session_streams_server_sent_events(client: httpx.AsyncClient) -> None:
    name = await seeded(client)
    url = await session(client, name, lines=7)
    sid = url.split("/logs/")[1].split("?")[0]
    assert re.fullmatch(rf"http://sandbox\.invalid/sandbox-streams/logs/{sid}\?srv=[\w-]{{20,}}",
                        url)
    resp = await client.get(url, headers=EVENTS)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/event-stream")
    got = events(resp.text)
    assert len(got) == 7
    assert len({i for i, _ in got}) == 7
    assert all(LINE.match(data) for _, data in got), got
    assert any(f"host={name}.herokuapp.com" in data for _, data in got)


async def test_without_event_stream_accept_the_lines_come_as_text(
        client: httpx.AsyncClient) -> None:
    url = await session(client, await seeded(client), lines=4)
    resp = await client.get(url, headers={"Accept": "*/*"})
    assert resp.headers["content-type"].startswith("text/plain")
    lines = resp.text.splitlines()
    assert len(lines) == 4 and all(LINE.match(line) for line in lines)


async def test_dyno_and_source_filter_the_lines(client: httpx.AsyncClient) -> None:
    name = await seeded(client)
    url = await session(client, name, lines=6, dyno_name="web.1")
    got = [LINE.match(d) for _, d in events((await client.get(url, headers=EVENTS)).text)]
    assert len(got) == 6 and {m.group(2) for m in got if m} == {"web.1"}
    url = await session(client, name, lines=5, source="heroku")
    got = [LINE.match(d) for _, d in events((await client.get(url, headers=EVENTS)).text)]
    assert len(got) == 5 and {m.group(1) for m in got if m} == {"heroku"}


@pytest.mark.parametrize("change", ["wrong", "missing", "other-session", "unknown-id"])
async def test_a_wrong_or_missing_secret_is_404(client: httpx.AsyncClient, change: str) -> None:
    name = await seeded(client)
    url = await session(client, name, lines=2)
    other = await session(client, name, lines=2)
    base, _, secret = url.partition("?srv=")
    bad = {"wrong": f"{base}?srv={secret[:-2]}xx", "missing": base,
           "other-session": f"{base}?srv={other.partition('?srv=')[2]}",
           "unknown-id": url.replace(base.rsplit("/", 1)[1],
                                     "01234567-89ab-cdef-0123-456789abcdef")}[change]
    resp = await client.get(bad, headers=EVENTS)
    assert resp.status_code == 404
    assert resp.json()["id"] == "not_found"
    assert secret not in resp.text


def test_log_lines_are_reproducible_and_counted() -> None:
    app = {"name": "quiet-lake-1"}
    first = streams.log_lines(app, ["web.1", "worker.1"], 30)
    assert len(first) == 30
    assert [line[33:] for line in first] == [
        line[33:] for line in streams.log_lines(app, ["web.1", "worker.1"], 30)]
    stamps = [line[:32] for line in first]
    assert stamps == sorted(stamps)
    assert streams.log_lines(app, [], 0) == []


@pytest.fixture
def served(spec: ApiSpec, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, SandboxApp]]:
    monkeypatch.setattr(streams, "TAIL_SECONDS", 0.05)
    sandbox = create_app(spec, seed=2)
    lifecycles_of(sandbox).build_seconds = 0.6
    with BackgroundServer(sandbox) as server:
        yield server.url, sandbox
    sandbox.close()


def test_a_tailed_session_keeps_sending_until_the_client_goes(
        served: tuple[str, SandboxApp]) -> None:
    url, _ = served
    with httpx.Client(base_url=url, headers=HEADERS, trust_env=False) as c:
        name = c.get("/apps").json()[0]["name"]
        logplex = c.post(f"/apps/{name}/log-sessions", json={"lines": 2, "tail": True}
                         ).json()["logplex_url"]
        assert logplex.startswith(f"{url}/sandbox-streams/logs/")
        seen: list[str] = []
        with c.stream("GET", logplex, headers=EVENTS, timeout=10) as resp:
            buffer = ""
            for chunk in resp.iter_text():
                buffer += chunk
                if len(events(buffer)) >= 6:
                    break
        seen = [data for _, data in events(buffer)]
        assert len(seen) >= 6 and all(LINE.match(line) for line in seen)
        # The stream the client left is gone; the sandbox answers as before.
        assert c.get("/apps").status_code == 200


def test_build_output_streams_until_the_build_is_done(served: tuple[str, SandboxApp]) -> None:
    url, _ = served
    with httpx.Client(base_url=url, headers=HEADERS, trust_env=False) as c:
        name = c.get("/apps").json()[0]["name"]
        build = c.post(f"/apps/{name}/builds", json={"source_blob": {
            "url": "https://example.com/s.tgz", "version": "abc1234"}}).json()
        assert build["status"] == "pending"
        assert build["output_stream_url"].startswith(f"{url}/sandbox-streams/builds/")
        started = time.monotonic()
        chunks: list[str] = []
        with c.stream("GET", build["output_stream_url"], timeout=10) as resp:
            assert resp.headers["content-type"].startswith("text/plain")
            assert resp.headers.get("transfer-encoding") == "chunked"
            chunks.extend(resp.iter_text())
        text = "".join(chunks)
        assert time.monotonic() - started >= 0.4  # it ran as long as the build
        assert text.startswith("-----> Building on the")
        version = re.search(r"Released v(\d+)\n$", text)
        assert version is not None, text
        done = c.get(f"/apps/{name}/builds/{build['id']}").json()
        assert done["status"] == "succeeded"
        release = c.get(f"/apps/{name}/releases/{done['release']['id']}").json()
        assert release["version"] == int(version.group(1))
        assert release["description"] == "Deploy abc1234"
        wrong = c.get(build["output_stream_url"] + "x")
        assert wrong.status_code == 404
