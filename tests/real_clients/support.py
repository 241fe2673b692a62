"""A fresh sandbox on loopback for a real client, and a table of steps to run on it.

Each client's everyday commands are a list of :class:`Step`: a name and a callable
that raises when the command fails. :func:`run_steps` runs them in order against one
sandbox and returns what failed, so a test asserts on the whole table and a person
can print it (``python -m tests.real_clients.<client>``).
"""

from __future__ import annotations

import socket
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from heroku_explorer.sandbox.app import SANDBOX_TOKEN, create_app
from heroku_explorer.sandbox.server import BackgroundServer
from heroku_explorer.schema import load_bundled, load_schema
from heroku_explorer.schema.model import ApiSpec

ROOT = Path(__file__).resolve().parents[2]
TODAY = ROOT.parent / "shared" / "reference" / "heroku-platform-api-schema.json"
SCHEMAS = ("today", "bundled")


def spec_for(which: str) -> tuple[ApiSpec, bytes | None]:
    """The spec (and its bytes, served at ``/schema``) for ``today`` or ``bundled``."""
    if which == "today":
        data = TODAY.read_bytes()
        return load_schema(data, origin=str(TODAY)), data
    return load_bundled(), None


@contextmanager
def loopback_sandbox(which: str, *, token: str = SANDBOX_TOKEN) -> Iterator[str]:
    """A fresh sandbox for schema ``which`` on a free loopback port; yields its URL."""
    spec, data = spec_for(which)
    app = create_app(spec, token=token, schema_bytes=data)
    server = BackgroundServer(app)
    try:
        yield server.start()
    finally:
        server.stop()
        app.close()


def loopback_only() -> None:
    """Outside pytest too, every name resolved must be loopback (tests/conftest.py's guard)."""
    from tests import conftest

    socket.getaddrinfo = conftest._loopback_only


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    run: Callable[[], object]


@dataclass(frozen=True, slots=True)
class Failure:
    name: str
    error: str


def run_steps(steps: list[Step]) -> tuple[int, list[Failure]]:
    """Run every step in order; returns how many passed and what failed (one line each)."""
    passed, failures = 0, []
    for step in steps:
        try:
            step.run()
        except Exception as exc:  # a failing command, whatever the client raised
            detail = "".join(traceback.format_exception_only(exc)).strip().splitlines()
            failures.append(Failure(step.name, " / ".join(detail)[:400]))
        else:
            passed += 1
    return passed, failures


def report(client: str, which: str, passed: int, failures: list[Failure]) -> str:
    lines = [f"{client} on {which}: {passed} of {passed + len(failures)} pass"]
    lines += [f"  FAIL {f.name}: {f.error}" for f in failures]
    return "\n".join(lines)


def main(client: str, make: Callable[[str, str], list[Step]]) -> int:
    """Print the table for ``client`` on each schema (``argv`` may name one)."""
    loopback_only()
    wanted = sys.argv[1:] or list(SCHEMAS)
    for which in wanted:
        with loopback_sandbox(which) as url:
            passed, failures = run_steps(make(url, which))
        print(report(client, which, passed, failures))
    return 0
