"""Per-request overhead of ``HerokuClient.send`` against a bare ``httpx.AsyncClient``.

Both clients talk to the same in-process ASGI app through ``httpx.ASGITransport``
(no network), so the difference is the client's own work: building the request,
auth, reading the body, the Exchange record, ETag and rate-limit bookkeeping.
History is off (it is disk I/O, measured separately by its own tests).

    .venv/bin/python benchmarks/client_overhead.py [--requests N] [--rounds R]

Prints the median microseconds per request of each and the ratio (target: at most 1.2).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from heroku_explorer.client import Credentials, HerokuClient
from heroku_explorer.protocol import accept_header
from heroku_explorer.request import raw_request

BODY = json.dumps([{"id": f"01234567-89ab-cdef-0123-{i:012d}", "name": f"app-{i}",
                    "region": {"name": "us"}} for i in range(20)]).encode()
HEADERS = [
    (b"content-type", b"application/json"),
    (b"etag", b'"0123456789abcdef"'),
    (b"request-id", b"01234567-89ab-cdef-0123-456789abcdef"),
    (b"ratelimit-remaining", b"4999"),
    (b"content-range", b"id 01234567..89abcdef; max=200"),
]


async def app(scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]],
              send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
    """A fixed JSON list with the headers the API sends."""
    await receive()
    await send({"type": "http.response.start", "status": 200,
                "headers": [*HEADERS, (b"content-length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY})


async def _time(fn: Callable[[], Awaitable[Any]], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        await fn()
    return (time.perf_counter() - start) / n * 1e6


async def main(requests: int, rounds: int) -> None:
    transport = httpx.ASGITransport(app=app)
    headers = {"Accept": accept_header("3"), "Authorization": "Bearer bench-token"}
    spec = raw_request("GET", "/apps")
    raw_times: list[float] = []
    ours_times: list[float] = []
    async with httpx.AsyncClient(transport=transport) as raw, HerokuClient(
        "https://api.heroku.com", Credentials(token="bench-token"), transport=transport,
    ) as client:

        async def raw_get() -> None:
            response = await raw.get("https://api.heroku.com/apps", headers=headers)
            response.json()

        async def ours() -> None:
            await client.send(spec)

        for fn in (raw_get, ours):  # warm up
            await _time(fn, 200)
        for _ in range(rounds):  # interleave so drift hits both alike
            raw_times.append(await _time(raw_get, requests))
            ours_times.append(await _time(ours, requests))
    raw_med, ours_med = statistics.median(raw_times), statistics.median(ours_times)
    print(f"raw httpx.AsyncClient : {raw_med:8.1f} us/request (median of {rounds} rounds "
          f"of {requests})")
    print(f"HerokuClient.send     : {ours_med:8.1f} us/request")
    paired = statistics.median(o / r for o, r in zip(ours_times, raw_times, strict=True))
    print(f"ratio                 : {ours_med / raw_med:8.2f}x (target <= 1.20)")
    print(f"median per-round ratio: {paired:8.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.rounds))
