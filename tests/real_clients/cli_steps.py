"""The official Heroku CLI (npm ``heroku``) against a sandbox.

Inside a network namespace with only loopback (``unshare -n``, where the machine
allows it) one process starts the sandbox and runs every command in turn, so the
CLI cannot reach any other host; it prints the table as JSON (``--json``) or as
text. ``python -m tests.real_clients.cli_steps [today|bundled]`` prints it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Any

from heroku_explorer.sandbox.app import SANDBOX_TOKEN
from tests.real_clients.support import (
    ROOT,
    SCHEMAS,
    Step,
    loopback_only,
    loopback_sandbox,
    report,
    run_steps,
)

#: Where ``.ci/run`` installs the pinned CLI (ignored by git).
CLI_DIR = ROOT / ".cache" / "heroku-cli"
CLI_VERSION = "11.10.0"
#: Seconds one CLI command may take (its start alone takes one or two).
COMMAND_TIMEOUT = 40
APP = "cli-sandbox-app"
RENAMED = "cli-renamed-app"
#: Keeps the CLI off every host but the sandbox: no telemetry, analytics, update checks.
QUIET = {
    "DISABLE_TELEMETRY": "true", "IS_HEROKU_TEST_ENV": "true", "HEROKU_SKIP_ANALYTICS": "1",
    "HEROKU_SKIP_NEW_VERSION_CHECK": "true", "HEROKU_DISABLE_AUTOUPDATE": "true",
    "HEROKU_PARTICLEBOARD_URL": "http://127.0.0.1:9", "NO_COLOR": "1", "FORCE_COLOR": "0",
    "HEROKU_UPDATE_INSTRUCTIONS": "none", "CI": "true",
}


def find_cli() -> str | None:
    """The ``heroku`` executable: the one ``.ci/run`` installed, else one on PATH."""
    local = CLI_DIR / "node_modules" / ".bin" / "heroku"
    if local.exists():
        return str(local)
    return shutil.which("heroku")


def unshare_works() -> bool:
    """Can this machine give a process a network namespace with only loopback?"""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    try:
        done = subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"],
                              capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def cli_env(url: str, home: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8",
           "HEROKU_HOST": url, "HEROKU_API_KEY": SANDBOX_TOKEN, **QUIET}
    return env


class Cli:
    def __init__(self, exe: str, url: str, home: str) -> None:
        self.exe = exe
        self.env = cli_env(url, home)

    def __call__(self, *args: str, expect: str | None = None, stdin: str = "") -> str:
        done = subprocess.run([self.exe, *args], capture_output=True, text=True,
                              env=self.env, input=stdin, timeout=COMMAND_TIMEOUT,
                              check=False)
        out = done.stdout + done.stderr
        if done.returncode != 0:
            raise AssertionError(f"exit {done.returncode}: {_tail(out)}")
        if expect is not None and not re.search(expect, out, re.MULTILINE):
            raise AssertionError(f"expected /{expect}/ in: {_tail(out)}")
        return out


def _tail(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-6:])[:400]


def seeded_app(url: str) -> str:
    import httpx

    answer = httpx.get(url + "/apps", headers={
        "Accept": "application/vnd.heroku+json; version=3",
        "Authorization": f"Bearer {SANDBOX_TOKEN}"}, trust_env=False)
    apps: list[dict[str, Any]] = answer.json()
    return str(apps[0]["name"])


def steps(url: str, exe: str, home: str) -> list[Step]:
    run = Cli(exe, url, home)
    seeded = seeded_app(url)
    a = ("--app", APP)
    s = ("--app", seeded)
    log_line = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 \w+\[[\w.-]+\]: "
    table: list[tuple[str, tuple[str, ...], str | None]] = [
        ("auth:whoami", ("auth:whoami",), r"@example\.com"),
        ("apps:create", ("apps:create", APP), APP),
        ("apps", ("apps",), APP),
        ("apps:info", ("apps:info", *a), rf"=== {APP}"),
        ("config:set", ("config:set", "GREETING=hello", "COLOR=blue", *a), r"GREETING"),
        ("config:get", ("config:get", "GREETING", *a), r"^hello$"),
        ("config", ("config", *a), r"COLOR:\s+blue"),
        ("config:unset", ("config:unset", "COLOR", *a), r"Unsetting COLOR"),
        ("releases", ("releases", *a), r"v3\s"),
        ("releases:info", ("releases:info", "v2", *a), r"=== Release v2"),
        ("releases:rollback", ("releases:rollback", "v1", *a), r"Rolling back"),
        ("rollback recorded", ("releases", *a), r"Rollback to v1"),
        ("ps", ("ps", *s), r"web\.1"),
        ("ps:scale", ("ps:scale", "web=2", *s), r"web at 2"),
        ("ps:type", ("ps:type", "web=standard-2X", *s), r"standard-2X"),
        ("ps:restart", ("ps:restart", *s), r"Restarting"),
        ("ps:stop", ("ps:stop", "web.1", *s), r"Stopping"),
        ("addons", ("addons", *s), r"\$\d"),
        ("addons:info", ("addons:info", "{addon}", *s), r"Plan:"),
        ("domains", ("domains", *a), rf"{APP}\.herokuapp\.com"),
        ("domains:add", ("domains:add", "www.cli-example.com", *a), r"www\.cli-example\.com"),
        ("domains:remove", ("domains:remove", "www.cli-example.com", *a), r"Removing"),
        ("access", ("access", *a), r"developer@example\.com\s+owner"),
        ("access:add", ("access:add", "friend@example.com", *a), r"friend@example\.com"),
        ("logs", ("logs", "--num", "5", *s), log_line),
        ("regions", ("regions",), r"\bus\b"),
        ("apps:stacks", ("apps:stacks", *a), r"heroku-24"),
        ("features", ("features", *a), r"\w"),
        ("labs", ("labs", *a), r"\w"),
        ("pipelines", ("pipelines",), r"\w"),
        ("spaces", ("spaces",), r"\w"),
        ("teams", ("teams",), r"\w"),
        ("apps:rename", ("apps:rename", RENAMED, *a), RENAMED),
        ("apps:destroy", ("apps:destroy", "--app", RENAMED, "--confirm", RENAMED),
         r"Destroying"),
    ]
    names: dict[str, str] = {}

    def make(args: tuple[str, ...], expect: str | None) -> Step:
        def go() -> None:
            if "{addon}" in args and "addon" not in names:
                names["addon"] = _addon_name(url, seeded)
            run(*(x.format(**names) if x == "{addon}" else x for x in args), expect=expect)
        return Step(args[0], go)

    return [Step(name, make(args, expect).run) for name, args, expect in table]


def _addon_name(url: str, app: str) -> str:
    import httpx

    answer = httpx.get(f"{url}/apps/{app}/addons", headers={
        "Accept": "application/vnd.heroku+json; version=3",
        "Authorization": f"Bearer {SANDBOX_TOKEN}"}, trust_env=False)
    return str(answer.json()[0]["name"])


def inside(which: str) -> dict[str, Any]:
    """Run the whole table here (already inside the namespace): passed and failures."""
    exe = find_cli()
    if exe is None:
        raise SystemExit("the Heroku CLI is not installed")
    loopback_only()
    with (tempfile.TemporaryDirectory(prefix="heroku-cli-home-") as home,
          loopback_sandbox(which) as url):
        passed, failures = run_steps(steps(url, exe, home))
    return {"schema": which, "passed": passed,
            "failures": [{"name": f.name, "error": f.error} for f in failures]}


def run_table(which: str, *, timeout: float = 280) -> dict[str, Any]:
    """The table for ``which``, run in a loopback-only namespace where one can be made."""
    cmd = [sys.executable, "-m", "tests.real_clients.cli_steps", "--inside", "--json", which]
    if unshare_works():
        cmd = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the CLI table did not run: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["namespace"] = cmd[0] == "unshare"
    return result


def main() -> int:
    args = sys.argv[1:]
    as_json = "--json" in args
    wanted = [a for a in args if a in SCHEMAS] or list(SCHEMAS)
    for which in wanted:
        result = inside(which) if "--inside" in args else run_table(which)
        if as_json:
            print(json.dumps(result))
        else:
            from tests.real_clients.support import Failure
            print(report("heroku CLI", which, result["passed"],
                         [Failure(f["name"], f["error"]) for f in result["failures"]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
