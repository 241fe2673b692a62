"""Time to the first prompt of the REPL, in a real terminal (tmux), beside a bare
prompt-toolkit prompt.

Each program starts in a detached 140x45 tmux session on a private tmux server; the
clock runs from just before ``tmux new-session`` until ``capture-pane`` shows the
prompt. The two programs run alternately (one warm-up round, then N rounds) so a
noisy machine slows both alike; the script prints both medians and the median of
the per-round ratios (target: at most 1.3).

    python benchmarks/repl_startup.py [--rounds 7] [--command "heroku-explorer repl"]

By default the REPL is started as ``<venv>/bin/heroku-explorer repl`` when cli.py
wires it, and otherwise (or with ``--driver``) through a small driver that hands
run_repl a loader for the bundled schema and a factory for a sandbox client, so
both are loaded after the first prompt.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOCKET = "heroku-explorer-bench"
BARE = "from prompt_toolkit import PromptSession; PromptSession().prompt('heroku> ')"
DRIVER = """
import asyncio
from heroku_explorer.repl.app import default_history_path, run_repl

def spec():
    from heroku_explorer.schema import load_bundled
    return load_bundled()

def client():
    import httpx
    from heroku_explorer.client.client import HerokuClient
    from heroku_explorer.client.auth import Credentials
    from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app
    transport = httpx.ASGITransport(app=create_app(spec()))
    return HerokuClient("http://sandbox.local", Credentials(SANDBOX_TOKEN), transport=transport)

raise SystemExit(asyncio.run(run_repl(spec, client,
                                      history_path=default_history_path())))
"""
PROMPT = re.compile(r"^heroku[^\n]*>", re.M)
READY = re.compile(r"Tab completes")


def tmux(*args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", SOCKET, *args], check=False, text=True,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)


def time_to_prompt(command: str, env: dict[str, str], name: str, timeout: float,
                   wait_ready: bool) -> tuple[float, float | None]:
    """Seconds to the first prompt and, with ``wait_ready``, to the toolbar saying the
    engine is loaded (schema, parser, completer: completion works from then on)."""
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    shell = f"exec env {exports} {command}"
    t0 = time.perf_counter()
    tmux("new-session", "-d", "-s", name, "-x", "140", "-y", "45", shell)
    prompt_at: float | None = None
    try:
        while time.perf_counter() - t0 < timeout:
            screen = tmux("capture-pane", "-p", "-t", name, capture=True).stdout
            now = time.perf_counter() - t0
            if prompt_at is None and PROMPT.search(screen):
                prompt_at = now
                if not wait_ready:
                    return prompt_at, None
            if prompt_at is not None and READY.search(screen) and "loading" not in screen:
                return prompt_at, now
            time.sleep(0.003)
        raise TimeoutError(f"no prompt after {timeout} s from: {command}\n{screen}")
    finally:
        tmux("kill-session", "-t", name)


def repl_command(venv_bin: Path) -> str:
    exe = venv_bin / "heroku-explorer"
    python = venv_bin / "python"
    probe = subprocess.run([str(python), "-c", "import heroku_explorer.runtime"],
                           capture_output=True, cwd=ROOT, check=False)
    if exe.exists() and probe.returncode == 0:
        return f"{shlex.quote(str(exe))} repl"
    return f"{shlex.quote(str(python))} -c {shlex.quote(DRIVER)}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--command", help="the REPL command to time (default: see above)")
    ap.add_argument("--driver", action="store_true",
                    help="time the driver (spec and client loaded after the first prompt) "
                         "even when cli.py has the repl command")
    args = ap.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 2
    venv_bin = Path(sys.executable).parent
    python = shlex.quote(sys.executable)
    programs = {
        "bare prompt-toolkit": f"{python} -c {shlex.quote(BARE)}",
        "heroku-explorer repl": args.command or (
            f"{python} -c {shlex.quote(DRIVER)}" if args.driver else repl_command(venv_bin)),
    }
    home = tempfile.mkdtemp(prefix="repl-bench-")
    env = {"HEROKU_EXPLORER_HOME": home, "HOME": home, "TERM": "xterm-256color",
           "PYTHONPATH": str(ROOT)}
    for key in ("PATH", "LANG", "LC_ALL"):
        if key in os.environ:
            env[key] = os.environ[key]
    times: dict[str, list[float]] = {label: [] for label in programs}
    ready: list[float] = []
    ratios: list[float] = []
    tmux("kill-server")
    tmux("new-session", "-d", "-s", "idle", "-x", "140", "-y", "45", "sleep 3600")
    try:
        for round_ in range(args.warmup + args.rounds):
            measured = {label: time_to_prompt(cmd, env, f"r{round_}-{i}", args.timeout,
                                              wait_ready=label != "bare prompt-toolkit")
                        for i, (label, cmd) in enumerate(programs.items())}
            if round_ < args.warmup:
                continue
            row = {label: pair[0] for label, pair in measured.items()}
            for label, seconds in row.items():
                times[label].append(seconds)
            loaded = measured["heroku-explorer repl"][1]
            if loaded is not None:
                ready.append(loaded)
            bare, repl = row.values()
            ratios.append(repl / bare)
            print(f"round {round_ - args.warmup + 1}: " + "  ".join(
                f"{label} {seconds * 1000:.0f} ms" for label, seconds in row.items())
                + f"  ratio {repl / bare:.2f}"
                + (f"  (engine ready at {loaded * 1000:.0f} ms)" if loaded else ""), flush=True)
    finally:
        tmux("kill-server")
        shutil.rmtree(home, ignore_errors=True)
    print()
    for label, values in times.items():
        print(f"{label:<22} median {statistics.median(values) * 1000:6.0f} ms "
              f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, n={len(values)})")
    if ready:
        print(f"{'repl engine ready':<22} median {statistics.median(ready) * 1000:6.0f} ms "
              "(schema, parser and completer loaded behind the prompt)")
    ratio = statistics.median(ratios)
    print(f"{'ratio (per round)':<22} median {ratio:6.2f}   target <= 1.30: "
          f"{'met' if ratio <= 1.3 else 'NOT met'}")
    print(f"command: {programs['heroku-explorer repl'][:100]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
