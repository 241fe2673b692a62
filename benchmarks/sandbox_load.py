"""Sandbox latency and throughput over loopback.

The sandbox (bundled schema, 1,000 extra apps) runs in its own process, served
by uvicorn on a free loopback port; this process sends requests one after another
over one keep-alive connection and prints requests per second with p50 / p99
latency for App Info and for a 1000-item list page.

    .venv/bin/python benchmarks/sandbox_load.py [--info N] [--pages N] [--schema FILE]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import time
from multiprocessing.synchronize import Event
from pathlib import Path

import httpx

from heroku_explorer.protocol import accept_header

TOKEN = "bench-token"
HEADERS = {"Accept": accept_header(), "Authorization": f"Bearer {TOKEN}"}


def _serve(schema: str | None, urls: mp.Queue[str], stop: Event) -> None:
    from heroku_explorer.sandbox import create_app
    from heroku_explorer.sandbox.server import BackgroundServer
    from heroku_explorer.schema import load_bundled, load_path

    spec = load_path(schema) if schema else load_bundled()
    app = create_app(spec, token=TOKEN, rate_limit=10**9)
    app.populate("app", 1000)
    with BackgroundServer(app) as server:
        urls.put(server.url)
        stop.wait()


def _measure(client: httpx.Client, path: str, count: int, headers: dict[str, str]
             ) -> tuple[float, float, float, int]:
    for _ in range(min(50, count)):  # warm up
        client.get(path, headers=headers)
    samples = []
    size = 0
    start = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter()
        resp = client.get(path, headers=headers)
        samples.append(time.perf_counter() - t0)
        assert resp.status_code in (200, 206), resp.text
        size = len(resp.content)
    elapsed = time.perf_counter() - start
    samples.sort()
    p50 = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return count / elapsed, p50 * 1000, p99 * 1000, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--info", type=int, default=3000, help="App Info requests")
    parser.add_argument("--pages", type=int, default=200, help="1000-item list pages")
    parser.add_argument("--schema", type=Path, help="schema file (default: bundled)")
    args = parser.parse_args()

    ctx = mp.get_context("spawn")
    urls: mp.Queue[str] = ctx.Queue()
    stop = ctx.Event()
    proc = ctx.Process(target=_serve, args=(str(args.schema) if args.schema else None,
                                            urls, stop), daemon=True)
    proc.start()
    try:
        url = urls.get(timeout=60)
        with httpx.Client(base_url=url, headers=HEADERS, timeout=30) as client:
            name = client.get("/apps").json()[0]["name"]
            rows = [
                ("App Info", *_measure(client, f"/apps/{name}", args.info, {})),
                ("App List, 1000 per page", *_measure(
                    client, "/apps", args.pages, {"Range": "id ..; max=1000"})),
            ]
    finally:
        stop.set()
        proc.join(10)
    print(f"sandbox over loopback at {url} (server in its own process, one connection)")
    print(f"{'call':<26}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'bytes':>10}")
    for label, rps, p50, p99, size in rows:
        print(f"{label:<26}{rps:>9.0f}{p50:>9.2f}{p99:>9.2f}{size:>10}")


if __name__ == "__main__":
    main()
