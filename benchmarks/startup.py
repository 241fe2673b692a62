"""Start-up and responsiveness of the Textual explorer, side by side with a bare Textual app.

    python benchmarks/startup.py                 # 7 interleaved rounds in tmux, then in-process
    python benchmarks/startup.py --rounds 3 --no-tmux
    python benchmarks/startup.py --command "heroku-explorer --sandbox"   # time another command
    python benchmarks/startup.py --schema-only  # only the LIVE / sandbox schema figures

Printed figures:

* time from process start to the first painted frame in a real terminal (tmux on a
  private socket, ``capture-pane`` polled every ~5 ms until the tree is visible),
  median of the rounds, for the command a person types (``heroku-explorer`` with no
  API key, so on the sandbox, with its notice; a private, empty config and history
  directory) and for a minimal Textual app showing a tree of the same size; their
  ratio (target <= 1.3). The package's bytecode is compiled first, as an install
  (or any earlier run) leaves it: otherwise, where ``PYTHONDONTWRITEBYTECODE`` is set,
  each start would compile every module again while Textual's are precompiled;
* the LIVE first paint with today's schema cached (a loopback API, ``HEROKU_API_KEY``
  set) next to the sandbox's first paint on the same schema file (``--sandbox --schema
  FILE``, given the same ``--api-url``), interleaved, and their ratio (target <= 1.2);
  and the LIVE first paint with no cache against an API on loopback that accepts
  connections and never answers (target < 3 s);
* peak memory (VmHWM) at first paint and 1.5 s later, once the HTTP client and the
  sandbox have opened (target < 60 MiB);
* a 1 MB JSON response put into the response view: how long the call blocks input
  and how long until it is painted (target < 300 ms);
* one filter keystroke over about 300 actions, from the key to the frame that shows
  the filtered tree, keys 120 ms apart (target < 50 ms).

These are figures to read, not tests: the machine is shared and noisy, so compare
the ratio more than the absolute times.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HYPER = ROOT.parent / "shared" / "reference" / "heroku-platform-api-schema.json"
SOCKET = "heroku-explorer-bench"
SIZE = (120, 40)


# -- the two programs ---------------------------------------------------------------


def explorer_command(home: Path) -> str:
    """The installed ``heroku-explorer`` beside this Python, with no key and ``home``."""
    script = Path(sys.executable).with_name("heroku-explorer")
    command = shlex.quote(str(script)) if script.exists() else (
        f"{shlex.quote(sys.executable)} -m heroku_explorer")
    return (f"env -u HEROKU_API_KEY HOME={shlex.quote(str(home))} "
            f"HEROKU_EXPLORER_HOME={shlex.quote(str(home))} {command}")


def compile_bytecode() -> None:
    """Write the package's bytecode, as ``pip install`` or a first run would."""
    import compileall

    compileall.compile_dir(str(ROOT / "heroku_explorer"), quiet=1)


def launch_minimal() -> None:
    """A bare Textual app: a tree of the same 24 resources and 74 actions, and a line."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static, Tree

    sys.path.insert(0, str(ROOT))
    data = json.loads((ROOT / "heroku_explorer" / "schema" / "bundled" /
                       "resources-2013.json").read_text())

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            tree: Tree[None] = Tree("API")
            tree.show_root = False
            for name, res in data["resources"].items():
                node = tree.root.add(name)
                for title, act in res.get("actions", {}).items():
                    node.add_leaf(f"{act['method']} {title} {act['path']}")
            yield tree
            yield Static("READY")

    Minimal().run()


# -- tmux -------------------------------------------------------------------------------


def _tmux(*args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", SOCKET, *args], check=False, text=True,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)


def _memory(pid: int) -> dict[str, float]:
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS", "VmHWM")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def paint_once(command: str, markers: list[str], settle: float, n: int) -> dict[str, float]:
    """Start ``command`` in tmux and time it until every marker is on screen."""
    patterns = [re.compile(m) for m in markers]
    name = f"run{n}"
    t0 = time.perf_counter()
    _tmux("new-session", "-d", "-s", name, "-x", str(SIZE[0]), "-y", str(SIZE[1]),
          f"exec {command}")
    pid = int(_tmux("display-message", "-p", "-t", name, "#{pane_pid}",
                    capture=True).stdout.strip() or 0)
    painted = None
    while time.perf_counter() - t0 < 30:
        screen = _tmux("capture-pane", "-p", "-t", name, capture=True).stdout
        if all(p.search(screen) for p in patterns):
            painted = time.perf_counter()
            break
        time.sleep(0.005)
    first = _memory(pid)
    time.sleep(settle)
    later = _memory(pid)
    _tmux("kill-session", "-t", name)
    if painted is None:
        raise RuntimeError(f"{command!r} did not paint {markers} within 30 s")
    return {"ms": (painted - t0) * 1000, "hwm_paint": first.get("VmHWM", 0.0),
            "hwm_settled": later.get("VmHWM", 0.0)}


def tmux_rounds(rounds: int, explorer: str) -> None:
    python = shlex.quote(sys.executable)
    me = shlex.quote(str(Path(__file__).resolve()))
    compile_bytecode()
    home = tempfile.TemporaryDirectory(prefix="heroku-explorer-bench-")
    programs = {
        "explorer": (explorer or explorer_command(Path(home.name)),
                     [r"Account Feature", r"SANDBOX|LIVE"]),
        "minimal": (f"{python} {me} --launch minimal", [r"Account Feature", r"READY"]),
    }
    _tmux("kill-server")
    _tmux("new-session", "-d", "-s", "idle", "sleep 3600")
    results: dict[str, list[dict[str, float]]] = {k: [] for k in programs}
    try:
        for n in range(rounds + 1):  # the first round warms the caches and is dropped
            for key, (command, markers) in programs.items():
                row = paint_once(command, markers, 1.5, n)
                if n:
                    results[key].append(row)
                time.sleep(0.2)
    finally:
        _tmux("kill-server")
        home.cleanup()
    med = {k: statistics.median(r["ms"] for r in rows) for k, rows in results.items()}
    ratios = [e["ms"] / m["ms"] for e, m in zip(results["explorer"], results["minimal"],
                                                strict=True)]
    print(f"first paint in tmux {SIZE[0]}x{SIZE[1]}, median of {rounds} interleaved rounds:")
    for key, rows in results.items():
        print(f"  {key:9s} {med[key]:7.0f} ms   (min {min(r['ms'] for r in rows):.0f}, "
              f"max {max(r['ms'] for r in rows):.0f})   peak memory at paint "
              f"{statistics.median(r['hwm_paint'] for r in rows):.1f} MiB, 1.5 s later "
              f"{statistics.median(r['hwm_settled'] for r in rows):.1f} MiB")
    print(f"  ratio explorer / minimal: median of per-round ratios {statistics.median(ratios):.2f}"
          f" (target <= 1.3)")


class _Api:
    """A loopback API: ``hang`` accepts connections and never answers; otherwise
    ``/schema`` answers 304 to its ETag and everything else 401."""

    def __init__(self, hang: bool) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        release = self.release = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if hang:
                    release.wait(60)
                    return
                status = 304 if self.path == "/schema" else 401
                self.send_response(status)
                self.send_header("ETag", '"bench"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_PATCH = do_DELETE = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _env(home: Path, **extra: str) -> str:
    pairs = " ".join(f"{k}={shlex.quote(v)}" for k, v in extra.items())
    return (f"env -u HEROKU_API_KEY -u HEROKU_API_URL PYTHONPATH={shlex.quote(str(ROOT))} "
            f"HOME={shlex.quote(str(home))} HEROKU_EXPLORER_HOME={shlex.quote(str(home))} "
            f"{pairs}")


def schema_rounds(rounds: int) -> None:
    """LIVE on a cached schema vs the sandbox on the same file; LIVE against silence."""
    sys.path.insert(0, str(ROOT))
    from heroku_explorer.client.cache import SchemaCache

    schema = HYPER if HYPER.exists() else (ROOT / "heroku_explorer" / "schema" / "bundled" /
                                           "resources-2013.json")
    # This checkout's package, whichever one the environment has installed.
    program = f"{shlex.quote(sys.executable)} -m heroku_explorer"
    compile_bytecode()
    answering, silent = _Api(hang=False), _Api(hang=True)
    cached_home = tempfile.TemporaryDirectory(prefix="heroku-explorer-bench-")
    empty_home = tempfile.TemporaryDirectory(prefix="heroku-explorer-bench-")
    SchemaCache(Path(cached_home.name) / "cache" / "schema").store(
        f"{answering.url}/schema", "3", schema.read_bytes(), '"bench"')
    key = {"HEROKU_API_KEY": "bench-key-not-a-secret"}
    tree = r"Account Feature|account-feature"
    programs = {
        "live-cached": (f"{_env(Path(cached_home.name), **key)} {program} --api-url "
                        f"{answering.url}", [tree, r"LIVE"]),
        # The same --api-url, so that both pay its check (which imports httpx).
        "sandbox-file": (f"{_env(Path(empty_home.name))} {program} --sandbox --api-url "
                         f"{answering.url} --schema {shlex.quote(str(schema))}",
                         [tree, r"SANDBOX"]),
        "live-silent": (f"{_env(Path(empty_home.name), **key)} {program} --api-url "
                        f"{silent.url}", [r"Account Feature", r"LIVE"]),
    }
    _tmux("kill-server")
    _tmux("new-session", "-d", "-s", "idle", "sleep 3600")
    results: dict[str, list[float]] = {k: [] for k in programs}
    try:
        for n in range(rounds + 1):  # the first round warms the caches and is dropped
            for name, (command, markers) in programs.items():
                row = paint_once(command, markers, 0.3, n)
                if n:
                    results[name].append(row["ms"])
                time.sleep(0.2)
    finally:
        _tmux("kill-server")
        answering.close()
        silent.close()
        cached_home.cleanup()
        empty_home.cleanup()
    med = {k: statistics.median(v) for k, v in results.items()}
    ratios = [a / b for a, b in zip(results["live-cached"], results["sandbox-file"],
                                    strict=True)]
    print(f"first paint on {schema.name}, median of {rounds} interleaved rounds:")
    for name, values in results.items():
        print(f"  {name:13s} {med[name]:7.0f} ms   (min {min(values):.0f}, "
              f"max {max(values):.0f})")
    print(f"  ratio live-cached / sandbox-file: median of per-round ratios "
          f"{statistics.median(ratios):.2f} (target <= 1.2)")
    print(f"  live-silent (an API that never answers, no cache): {med['live-silent']:.0f} ms "
          "(target < 3000)")


# -- in-process ---------------------------------------------------------------------------


def _big_body() -> Any:
    apps = []
    for n in range(1000):
        apps.append({
            "archived_at": None, "buildpack_provided_description": "Ruby/Rack",
            "created_at": "2012-01-01T12:00:00Z", "git_url": f"https://git.heroku.com/a{n}.git",
            "id": f"01234567-89ab-cdef-0123-{n:012d}", "maintenance": False,
            "name": f"example-app-{n}", "owner": {"email": "user@example.com",
                                                  "id": "01234567-89ab-cdef-0123-456789abcdef"},
            "region": {"id": "01234567-89ab-cdef-0123-456789abcdef", "name": "us"},
            "released_at": "2012-01-01T12:00:00Z", "repo_size": 4096 * n, "slug_size": 1024 * n,
            "stack": {"id": "01234567-89ab-cdef-0123-456789abcdef", "name": "heroku-22"},
            "updated_at": "2012-01-01T12:00:00Z", "web_url": f"https://a{n}.herokuapp.com/",
            "build_stack": {"name": "heroku-22"}, "space": None, "acm": False,
            "internal_routing": None, "team": None,
        })
    return apps


async def render_big_body() -> None:
    sys.path.insert(0, str(ROOT))
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.schema import load_bundled
    from heroku_explorer.tui.app import ExplorerApp
    from heroku_explorer.tui.widgets.response_view import ResponseView

    data = _big_body()
    body = json.dumps(data, indent=2).encode()
    exchange = Exchange(method="GET", url="https://api.heroku.com/apps", request_headers=(),
                        request_body=None, status=200, reason="OK", body=body,
                        body_state="json", size=len(body), data=data, action_id="app.list")
    spec = load_bundled()
    res = spec.resource("app")
    app = ExplorerApp(spec, lambda: (_ for _ in ()).throw(RuntimeError("no client")))
    blocks, painted = [], []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.screen.workbench()  # mounted right after the first frame
        view = app.screen.query_one(ResponseView)
        loop = asyncio.get_running_loop()
        for _ in range(5):
            done = loop.create_future()
            t0 = time.perf_counter()
            view.show_exchange(exchange, res.attributes if res else ())
            t1 = time.perf_counter()
            app.screen.call_after_refresh(lambda f=done: f.done() or f.set_result(None))
            await done
            t2 = time.perf_counter()
            blocks.append((t1 - t0) * 1000)
            painted.append((t2 - t0) * 1000)
            await pilot.pause(0.1)
        from textual.widgets import TabbedContent

        done = loop.create_future()
        t0 = time.perf_counter()
        view.query_one("#response-tabs", TabbedContent).active = "tab-tree"
        app.screen.call_after_refresh(lambda f=done: f.done() or f.set_result(None))
        await done
        tree_ms = (time.perf_counter() - t0) * 1000
    lines = body.count(b"\n") + 1
    print(f"1 MB JSON ({len(body) / 1e6:.2f} MB, {lines} lines) into the response "
          f"view, median of 5: call blocks input {statistics.median(blocks):.0f} ms, painted "
          f"after {statistics.median(painted):.0f} ms (target < 300); Tree tab opened in "
          f"{tree_ms:.0f} ms")


async def filter_keystrokes() -> None:
    sys.path.insert(0, str(ROOT))
    from textual import events

    from heroku_explorer.schema import load_bundled, load_path
    from heroku_explorer.tui.app import ExplorerApp
    from heroku_explorer.tui.widgets.resource_tree import ResourceTree

    spec = load_path(HYPER) if HYPER.exists() else load_bundled()
    state: dict[str, Any] = {}
    original = ResourceTree.rebuild

    def rebuild(self: ResourceTree, query: str = "") -> int:
        shown = original(self, query)
        state["rebuilt"] = True
        return shown

    ResourceTree.rebuild = rebuild  # type: ignore[method-assign]
    app = ExplorerApp(spec, lambda: (_ for _ in ()).throw(RuntimeError("no client")))
    display = app._display

    def shown(screen: Any, renderable: Any) -> None:
        # The frame that carries the filtered tree: the first one composed after the
        # rebuild (headless, so it is composed but not written).
        display(screen, renderable)
        fut = state.get("future")
        if renderable is not None and state.get("rebuilt") and fut is not None \
                and not fut.done():
            fut.set_result(time.perf_counter())

    app._display = shown  # type: ignore[method-assign]
    keys = [(c, c) for c in "app li"] + [("backspace", None)] * 6
    latencies: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.screen.workbench()
        app.screen.query_one("#tree-filter").focus()
        await pilot.pause()
        loop = asyncio.get_running_loop()
        for round_ in range(4):
            for key, char in keys:
                state["future"], state["rebuilt"] = loop.create_future(), False
                t0 = time.perf_counter()
                app.post_message(events.Key(key, char))
                t1 = await asyncio.wait_for(state["future"], 10)
                if round_:
                    latencies.append((t1 - t0) * 1000)
                # A quick typist's pace: the docs follow the cursor between keys.
                await pilot.pause(0.12)
    ResourceTree.rebuild = original  # type: ignore[method-assign]
    latencies.sort()
    print(f"filter keystroke over {spec.action_count} actions, key to repainted frame: median "
          f"{statistics.median(latencies):.1f} ms, p90 {latencies[int(0.9 * len(latencies))]:.1f}"
          f" ms over {len(latencies)} keys (target < 50)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-tmux", action="store_true", help="only the in-process figures")
    parser.add_argument("--command", default="", help="the explorer command to time in tmux")
    parser.add_argument("--schema-only", action="store_true",
                        help="only the LIVE-on-cached-schema and silent-API figures")
    parser.add_argument("--launch", choices=("minimal",), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.launch == "minimal":
        launch_minimal()
        return 0
    os.chdir(ROOT)
    if args.schema_only:
        schema_rounds(args.rounds)
        return 0
    if not args.no_tmux:
        tmux_rounds(args.rounds, args.command)
        schema_rounds(args.rounds)
    asyncio.run(render_big_body())
    asyncio.run(filter_keystrokes())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
