"""The loopback sandbox with ``--state`` under load, and killed mid-run.

* 50 concurrent clients x 200 requests (creates, reads, config-var updates) against
  ``python -m heroku_explorer sandbox --state FILE``: every request is answered, none
  with a 5xx, and every app created is listed afterwards.
* The same server killed with SIGKILL while writers are busy, then restarted on the same
  state file: every write that got a 2xx is there.
"""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from heroku_explorer.client import Credentials, HerokuClient
from heroku_explorer.request import RequestSpec, raw_request

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "load-test-token"
CLIENTS = 50
REQUESTS = 200


@contextmanager
def sandbox(state: Path, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``python -m heroku_explorer sandbox --state FILE --port 0`` and its URL."""
    out = log.open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "heroku_explorer", "sandbox", "--port", "0", "--state",
         str(state), "--token", TOKEN, "--rate-limit", "100000000"],
        cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = ""
        deadline = time.monotonic() + 20
        while not url:
            text = log.read_text("utf-8", "replace")
            for line in text.splitlines()[::-1]:
                if " at http://127.0.0.1:" in line:
                    url = line.rsplit(" at ", 1)[1].strip()
                    break
            if not url:
                assert proc.poll() is None, f"the sandbox exited: {text}"
                assert time.monotonic() < deadline, f"the sandbox did not start: {text}"
                time.sleep(0.05)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        out.close()


def client(url: str) -> HerokuClient:
    return HerokuClient(url, Credentials(token=TOKEN), timeout=30)


def step(cid: int, i: int) -> tuple[str, RequestSpec]:
    """Request ``i`` of client ``cid``: every 20th creates an app, the others read it, set
    a config var on it or read its config vars (a small store keeps the server's cost per
    request flat, so the run measures concurrency rather than lookups)."""
    name = f"ld-{cid}-{i - i % 20}"
    kind = "create" if i % 20 == 0 else ("read", "config", "read-config")[i % 3]
    if kind == "create":
        return kind, raw_request("POST", "/apps", {"name": name})
    if kind == "read":
        return kind, raw_request("GET", f"/apps/{name}")
    if kind == "config":
        return kind, raw_request("PATCH", f"/apps/{name}/config-vars", {f"K{i}": f"v-{cid}-{i}"})
    return kind, raw_request("GET", f"/apps/{name}/config-vars")


async def load(url: str) -> tuple[collections.Counter[int | None], list[str], float]:
    statuses: collections.Counter[int | None] = collections.Counter()
    problems: list[str] = []

    async def one(cid: int) -> None:
        async with client(url) as c:
            for i in range(REQUESTS):
                _kind, spec = step(cid, i)
                ex = await c.send(spec)
                statuses[ex.status] += 1
                if ex.status is None or ex.status >= 300:
                    problems.append(f"{spec.method} {spec.path}: {ex.summary} {ex.text()[:200]}")

    t0 = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(one(c) for c in range(CLIENTS))), 120)
    return statuses, problems, time.monotonic() - t0


@pytest.mark.slow
async def test_fifty_clients_two_hundred_requests_no_5xx(tmp_path: Path) -> None:
    with sandbox(tmp_path / "state" / "sandbox.db", tmp_path / "sandbox.log") as (proc, url):
        statuses, problems, elapsed = await load(url)
        assert sum(statuses.values()) == CLIENTS * REQUESTS
        assert not [s for s in statuses if s is None or s >= 500], (statuses, problems[:5])
        assert problems == [], (statuses, problems[:5])
        # every app created is listed
        async with client(url) as c:
            names: set[str] = set()
            async for page in c.pages(raw_request("GET", "/apps", headers={
                    "Range": "name ..; max=1000"}), max_pages=20):
                assert page.error is None, page.summary
                names.update(app["name"] for app in page.json())
        wanted = {f"ld-{cid}-{i}" for cid in range(CLIENTS) for i in range(0, REQUESTS, 20)}
        assert wanted <= names
        assert proc.poll() is None  # still serving
    log = (tmp_path / "sandbox.log").read_text("utf-8", "replace")
    assert "Traceback" not in log, log[-2000:]
    print(f"{CLIENTS * REQUESTS} requests in {elapsed:.1f} s")


@pytest.mark.slow
async def test_sigkill_mid_run_loses_no_acknowledged_write(tmp_path: Path) -> None:
    state = tmp_path / "state" / "sandbox.db"
    log = tmp_path / "sandbox.log"
    acked_apps: list[str] = []
    acked_vars: list[tuple[str, str, str]] = []
    killed = asyncio.Event()

    async def writer(url: str, cid: int) -> None:
        async with client(url) as c:
            for i in range(0, 4000, 4):
                if killed.is_set():
                    return
                name = f"kw-{cid}-{i}"
                made = await c.send(raw_request("POST", "/apps", {"name": name}))
                if made.status is None:
                    return  # the server is gone
                if made.status == 201:
                    acked_apps.append(name)
                key, value = f"K{i}", f"v-{cid}-{i}"
                conf = await c.send(raw_request("PATCH", f"/apps/{name}/config-vars",
                                                {key: value}))
                if conf.status is None:
                    return
                if conf.status == 200:
                    acked_vars.append((name, key, value))

    with sandbox(state, log) as (proc, url):

        async def killer() -> None:
            deadline = time.monotonic() + 20
            while len(acked_apps) < 400 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            os.kill(proc.pid, signal.SIGKILL)  # mid-run: requests are in flight
            killed.set()

        await asyncio.wait_for(
            asyncio.gather(killer(), *(writer(url, cid) for cid in range(20))), 60)
        assert proc.wait(10) == -signal.SIGKILL
    assert len(acked_apps) >= 400 and acked_vars

    with sandbox(state, tmp_path / "restarted.log") as (_proc, url):
        async with client(url) as c:
            missing: list[str] = []
            for name in acked_apps:
                ex = await c.send(raw_request("GET", f"/apps/{name}"))
                if ex.status != 200:
                    missing.append(f"app {name}: {ex.summary}")
            configs: dict[str, dict[str, str]] = {}
            for name, key, value in acked_vars:
                if name not in configs:
                    got = await c.send(raw_request("GET", f"/apps/{name}/config-vars"))
                    configs[name] = got.json() if got.status == 200 else {}
                if configs[name].get(key) != value:
                    missing.append(f"config var {name} {key}")
    assert missing == [], f"{len(missing)} acknowledged writes lost: {missing[:10]}"
