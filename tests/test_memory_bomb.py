"""A 1 GiB gzip bomb keeps a client's resident memory under 100 MB.

The bomb (about 1 MB on the wire, inflating to 1 GiB of zeros, made by the loopback
fault server as it sends it) is fetched by a fresh Python process twice: once as
``send`` keeps it (the display cap in memory, the rest spooled to disk up to the spool
cap) and once through a sink that takes all 1 GiB. The child reports its own peak
resident set size (``VmHWM``), so nothing else in the test run counts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults import FaultServer
from tests.faults.server import BOMB_SIZE

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 100

CHILD = textwrap.dedent("""
    import asyncio, json, resource, sys, time
    from heroku_explorer.client import Credentials, HerokuClient
    from heroku_explorer.request import raw_request

    def peak_mb():
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    async def main(url):
        out = {"start_mb": peak_mb()}
        async with HerokuClient(url, Credentials(token="tok-SECRET-4f1e9a"),
                                timeout=60) as client:
            t0 = time.monotonic()
            kept = await client.send(raw_request("GET", "/gzip-bomb"))
            out["kept"] = [kept.status, kept.size, kept.truncated, len(kept.body),
                           kept.body_path is not None, time.monotonic() - t0]
            seen = 0
            def sink(chunk):
                nonlocal seen
                seen += len(chunk)
            t0 = time.monotonic()
            whole = await client.send(raw_request("GET", "/gzip-bomb"), sink=sink)
            out["sunk"] = [whole.status, whole.size, seen, whole.truncated,
                           time.monotonic() - t0]
        out["peak_mb"] = peak_mb()
        print(json.dumps(out))

    asyncio.run(main(sys.argv[1]))
""")


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


@pytest.mark.slow
def test_gzip_bomb_resident_memory_stays_bounded(faults: FaultServer, tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT),
           "HEROKU_EXPLORER_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", CHILD, faults.url], capture_output=True,
                          text=True, timeout=120, env=env, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    status, size, truncated, shown, spooled, _ = out["kept"]
    assert (status, size, truncated, shown, spooled) == (200, 256 * 2**20, True, 2**20, True)
    status, size, seen, truncated, _ = out["sunk"]
    assert (status, size, seen, truncated) == (200, BOMB_SIZE, BOMB_SIZE, False)
    assert out["peak_mb"] < LIMIT_MB, out
    assert list(tmp_path.rglob("heroku-explorer-body-*")) == []
