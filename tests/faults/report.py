"""Write ``docs/reliability.md`` from what the fault cases really produce.

::

    python -m tests.faults.report           # print the document
    python -m tests.faults.report --write   # write docs/reliability.md

Every fault of :data:`tests.faults.cases.CASES` is sent through a real client (token,
history and temp folder in a scratch directory) over loopback; the table records what
the exchange holds, what the REPL prints and what the TUI's response view shows, whether
the exchange reached history and whether the token turned up anywhere. The bad-input
rows come from the schema loader, the config reader, the history store, the request
builder and the REPL parser. ``tests/test_faults_report.py`` fails when the document
no longer matches, so the table cannot drift from the code.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import sys
import tempfile
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.faults.cases import CASES, FaultCase, normalise
from tests.faults.server import FaultServer, closed_port_url

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
TOKEN = "tok-SECRET-4f1e9a"

HEADER = """\
# Reliability: faults, bad input and secrets

People point heroku-explorer at their production account while debugging an incident.
This page lists every fault and bad input the test suite throws at it, what a person
sees, and whether anything was lost or leaked. It is generated from the tests' own fault
cases by `python -m tests.faults.report --write`; `tests/test_faults_report.py` fails
when it no longer matches the code. Ports and temporary paths are shown as `PORT` and
`/tmp/...`.

The faults come from a loopback fault server (`tests/faults/server.py`) whose path picks
the fault. Each one is sent with a recognisable token (`tok-SECRET-…`) through one
`HerokuClient`; the same client then sends the next request, which must succeed.

- **Client**: the exchange's status and body state, and the typed error's own sentence.
- **REPL**: the line the REPL prints (`error: …` on stderr, or the body note on stdout).
- **TUI**: the message the explorer's response view shows.
- **Lost / leaked**: the exchange is in the history database; the token is in no file
  written (history, schema cache, spooled bodies) and in no message.
"""

FOOTER = """\
## Secrets

- The token is sent only to the API's origin: a 302 or 307 to another host lands there
  without `Authorization`, and a schema fetched from another host (or from the API's
  own `/schema`) carries no token (`tests/test_faults_client.py`).
- A whole session (sends, errors, redirects, a 50 MB body, ETag revalidation, the live
  schema, 2FA, every export in both auth styles, Bearer and Basic) and a REPL and TUI
  session (exports, history, a token typed into a header, two screenshots) leave the
  token, and each encoded form of it, in no file and in nothing printed
  (`tests/test_secrets.py`).
- A 403 `two_factor`: the REPL and the TUI ask for the code and send the request again
  with `Heroku-Two-Factor-Code`; the code is in no history and no export
  (`tests/test_faults_repl.py`, `tests/test_faults_tui.py`, `tests/test_faults_client.py`).
- History, the REPL's command history, the schema cache and spooled bodies are mode
  0600; their folders 0700; nothing half-written is left behind.

## Hostile answers

- Bodies are decoded by the client itself and counted as decoded bytes while they
  stream: the first 1 MiB (the display cap) is kept in memory, the rest goes, redacted
  as it is written, to a 0600 file in a private 0700 folder, up to 256 MiB (the spool
  cap); past that reading stops, the connection is closed and the exchange is marked
  `truncated` with a note. A 1 GiB gzip bomb (about 1 MB on the wire) keeps a fresh
  process under 100 MB of resident memory, spooled or passed whole to a sink
  (`tests/test_memory_bomb.py`). Spool files go on a timeout, a reset or a cancel
  (`tests/test_client_hostile.py`).
- One deadline per exchange, from connecting to the last decoded byte: a gzip body
  trickling 1 KB a second cannot stretch it. The live schema has the same deadline and
  a 32 MB cap, checked before anything is cached; a schema file is read to 32 MB and
  one byte at most (`/dev/zero`, a FIFO).
- Header values that do not parse are treated as absent and the exchange says so in
  `notes`; `next_page()` after a Next-Range that does not parse is `None`. Property
  tests run arbitrary header values and body bytes through the response parsing.
- `revalidate()` repeats only a GET or HEAD.

## Load and durability

- 50 concurrent clients × 200 requests (creates, reads, config-var updates) against
  `python -m heroku_explorer sandbox --state FILE`: every request answered, no 5xx,
  every app created listed afterwards (`tests/test_faults_load.py`).
- The same sandbox killed with SIGKILL while 20 writers are busy, then restarted on the
  same state file: every write that got a 2xx is there.
- Two processes writing one history database at once, 200 rows each: all 400 rows are
  there, none lost (`tests/test_durability.py`; the database exists before they start,
  see the known gaps).

## Known gaps

Rows above marked "raw control characters reached the terminal" are front-end gaps:
the client records those answers as received and notes the control characters; the
REPL's and TUI's display of them is being made inert separately. Otherwise none at
present. A gap found later gets a strict xfail test and a line here; when the test
starts passing, its marker and its line go.

The gaps listed here before are closed, each by a test that now passes: a token the
server sends back is redacted from the exchange as from history
(`tests/test_secrets.py`); a body over the display cap is spooled to a private temp
file that goes with its client, or at the latest with the process
(`tests/test_faults_client.py`); a REPL that starts with history off says so
(`tests/test_faults_cli.py`); two processes creating the history database at once
both keep their exchanges (`tests/test_durability.py`).
"""


@contextmanager
def _scratch() -> Iterator[Path]:
    import os

    with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        home = Path(tmp)
        saved_env = os.environ.get("HEROKU_EXPLORER_HOME")
        saved_tmp = tempfile.tempdir
        os.environ["HEROKU_EXPLORER_HOME"] = str(home / "home")
        (home / "spool").mkdir()
        tempfile.tempdir = str(home / "spool")
        try:
            yield home
        finally:
            tempfile.tempdir = saved_tmp
            if saved_env is None:
                os.environ.pop("HEROKU_EXPLORER_HOME", None)
            else:
                os.environ["HEROKU_EXPLORER_HOME"] = saved_env


def _cell(text: str) -> str:
    from heroku_explorer.safe_text import has_controls, visible

    text = text.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates
    raw = has_controls(text.replace("\r\n", "\n"), single_line=False)
    text = normalise(" ".join(visible(text).split()))
    if raw:
        # what reached the terminal held raw control characters (escaped here)
        text += " **(raw control characters reached the terminal)**"
    text = re.sub(r"fault-\d+", "fault-N", text)
    return text.replace("|", "\\|") or "—"


def _tui_text(exchange: Any) -> str:
    from heroku_explorer.policy import describe_error
    from heroku_explorer.widgets.response_view import format_size

    if exchange.error is not None:
        return describe_error(exchange.error)
    state = exchange.body_state
    head = f"{exchange.status} {exchange.reason}"
    notes = {
        "too-large": f"{head}; body: first 1 MB, then … ({format_size(exchange.size)} in all: "
                     "o opens it)",
        "invalid-utf8": f"{head}; body: (binary body, {format_size(exchange.size)})",
        "empty": f"{head}; body: (no body)",
        "non-json": f"{head}; body shown as text",
        "text": f"{head}; body shown as text",
        "json": f"{head}; body shown as JSON",
    }
    return notes[state]


async def _fault_row(fc: FaultCase, faults: FaultServer, home: Path) -> list[str]:
    from heroku_explorer.client import Credentials, HerokuClient, History
    from heroku_explorer.repl.render import Console
    from heroku_explorer.repl.session import Session
    from heroku_explorer.schema import load_bundled

    base = closed_port_url() if fc.fault == "refused" else faults.url
    path = "/apps" if fc.fault == "refused" else f"/{fc.fault}/apps"
    out, err = io.StringIO(), io.StringIO()
    history = History(home / "home" / "data" / f"{fc.fault}.sqlite3")
    async with HerokuClient(base, Credentials(token=TOKEN), timeout=fc.timeout or 0.5,
                            history=history) as client:
        session = Session(load_bundled(), client, Console(out, err, color=False))
        tracemalloc.start()
        try:
            await asyncio.wait_for(session.run_line(f"GET {path}"), 30)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        exchange = session.last
        assert exchange is not None
        rows = client.history.search() if client.history is not None else []
    repl = [line for line in err.getvalue().splitlines() if line.startswith("error:")]
    if not repl:
        body = out.getvalue().strip()
        repl = [body if len(body) < 200 else body[:120] + " …"]
    state = f"{exchange.status} {exchange.body_state}" if exchange.status else "no answer"
    client_text = str(exchange.error) if exchange.error is not None else state
    if exchange.error is not None and exchange.status is not None:
        client_text = f"{state}: {client_text}"
    if exchange.truncated:
        client_text += f" ({exchange.size // 2**20} MiB read, cut off)"
    if exchange.notes:
        client_text += "; notes: " + "; ".join(exchange.notes)
    files = [p for p in home.rglob("*") if p.is_file()]
    leaked = any(TOKEN.encode() in p.read_bytes() for p in files) or any(
        TOKEN in text for text in (out.getvalue(), err.getvalue(), client_text))
    kept = "in history" if rows else "**not in history**"
    verdict = f"{kept}; {'**token leaked**' if leaked else 'no token'}"
    if exchange.size > 10 * 2**20:
        bound = 10 * 2**20
        verdict += ("; memory peak under 10 MB" if peak < bound
                    else f"; **memory peak {peak / 2**20:.0f} MB**")
    return [fc.title, client_text, repl[0], _tui_text(exchange), verdict]


def _input_rows(home: Path) -> list[list[str]]:
    from heroku_explorer.client import History
    from heroku_explorer.config import load_config
    from heroku_explorer.errors import ExplorerError, RequestInvalid
    from heroku_explorer.repl.commands import Parser
    from heroku_explorer.repl.tokens import ParseError
    from heroku_explorer.request import build_request
    from heroku_explorer.schema import load_bundled, load_path

    rows: list[list[str]] = []
    seed = (ROOT / "heroku_explorer" / "schema" / "bundled" / "resources-2013.json").read_bytes()
    schemas = {
        "schema file: malformed JSON": b'{"resources": {"App": [1, 2, }}',
        "schema file: cut off half way": seed[: len(seed) // 2],
        "schema file: binary": bytes(range(256)) * 16,
        "schema file: empty": b"",
        "schema file: nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
        "schema file: UTF-16": json.dumps({"resources": {}}).encode("utf-16"),
        "schema file: JSON but not a schema": b"[1, 2, 3]",
        "schema file: 40 MB": b'{"resources": {"R": {"description": "'
                              + b"x" * (40 * 2**20) + b'"}}}',
    }
    rows_first: list[list[str]] = []
    try:
        load_path("/dev/zero")
        seen = "loaded (unexpected)"
    except ExplorerError as exc:
        seen = f"heroku-explorer: {exc}"
    rows_first.append(["schema file: /dev/zero (endless, reports size 0)", seen,
                       "exit status 2, nothing else starts"])
    for title, data in schemas.items():
        path = home / "schema.json"
        path.write_bytes(data)
        try:
            load_path(path)
            seen = "loaded (unexpected)"
        except ExplorerError as exc:
            seen = f"heroku-explorer: {exc}".replace(str(path), "FILE")
        rows.append([title, seen, "exit status 2, nothing else starts"])
    rows.extend(rows_first)

    config = home / "config.toml"
    config.write_text('[general]\ncolour = "red"\ntimeout = "soon"\n[keys]\nsend = 3\n')
    _cfg, problems = load_config(config)
    rows.append(["config file with a wrong key, a wrong type and a bad binding",
                 " / ".join(p.replace(str(config), "config.toml") for p in problems),
                 "defaults stand in; the app runs"])

    blocked = home / "blocked"
    blocked.write_text("a file where the data folder should be")
    history = History(blocked / "data" / "history.sqlite3")
    rows.append(["data directory that cannot be written",
                 (history.disabled_reason or "").replace(str(blocked), "DATA"),
                 "the app runs, history off"])

    spec = load_bundled()
    action = spec.action("app.update")
    assert action is not None
    try:
        build_request(action, {"app_id_or_name": "", "maintenance": "perhaps", "name": {1, 2}})
        seen = "accepted (unexpected)"
    except RequestInvalid as exc:
        seen = f"Not sent: {exc}"
    rows.append(["form values of the wrong type (app update: empty app, 'perhaps', a set)",
                 seen, "nothing sent (random values of every type: tests/test_faults_"
                 "request_fuzz.py)"])

    line = b"\xff\xfe GET /apps".decode("utf-8", "surrogateescape")
    try:
        Parser(spec).parse(line)
        seen = "parsed"
    except ParseError as exc:
        seen = f"error: {exc}"
    rows.append(["REPL line of random bytes (here \\xff\\xfe GET /apps)", seen,
                 "the REPL goes on (random byte lines: tests/test_faults_repl.py)"])
    return rows


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


async def _fault_rows(home: Path) -> list[list[str]]:
    with FaultServer(max_stall=4.0) as faults:
        return [await _fault_row(fc, faults, home) for fc in CASES]


def build() -> str:
    with _scratch() as home:
        fault_rows = asyncio.run(_fault_rows(home))
        input_rows = _input_rows(home)
    return "\n".join([
        HEADER,
        "## Faults from the network and the API\n",
        _table(["Fault", "Client", "REPL prints", "TUI shows", "Lost / leaked"], fault_rows),
        "",
        "## Bad input\n",
        _table(["Input", "What the person sees", "Afterwards"], input_rows),
        "",
        FOOTER,
    ])


def main(argv: list[str]) -> int:
    text = build()
    if "--write" in argv:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
