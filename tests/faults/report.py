"""Write ``docs/reliability.md`` from what the fault cases really produce.

::

    python -m tests.faults.report           # print the document
    python -m tests.faults.report --write   # write docs/reliability.md

Every fault of :data:`tests.faults.cases.CASES` is sent through a real client (token,
history and temp folder in a scratch directory) over loopback, by a REPL session; the
table records what the exchange holds, what the REPL prints and what the TUI's response
view shows for it (the same sentence and body note its widget uses), whether the
exchange reached history and whether the token turned up anywhere. The front-end fault
tests run each case through the REPL, ``call`` and the explorer themselves. The bad-input
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
- **REPL**: the line the REPL prints (`error: …` on stderr, or the body on stdout), on
  a console that writes for a terminal.
- **TUI**: the message the explorer's response view shows for that exchange (its
  sentence for an error, its note for the body).
- **Lost / leaked**: the exchange is in the history database; the token is in no file
  written (history, schema cache, spooled bodies) and in no message.

Every case of the table also runs through each front end as a person meets it:
`tests/test_faults_repl.py` (a REPL session, and the prompt loop on pipe input),
`tests/test_faults_cli.py` (`call` with stdout a terminal and with stdout a pipe) and
`tests/test_faults_tui.py` (the explorer under Pilot, every widget's painted lines and
the header table). For each: no traceback; an error is one clear line; no raw ESC, BEL,
C1 control or bidi override is printed or painted; the exchange is in history; the
token is in no file and no message; the next request works. Into a pipe, `call` passes
a text body on byte for byte as received, its ESC sequences included (JSON goes as the
same data, pretty-printed).
"""

FOOTER = """\
## Special cases through the front ends

- The 1 GiB gzip bomb through `call` into a real pipe: all 1,073,741,824 bytes arrive
  as they inflate, the process peaks under 150 MB of resident memory, and the exchange
  is in history
  (`tests/test_faults_cli.py::test_gzip_bomb_through_call_streams_every_byte_into_a_pipe`).
  Through the REPL and the explorer it is spooled and cut at 256 MiB: the REPL's traced
  memory peak stays under 20 MB
  (`tests/test_faults_repl.py::test_gzip_bomb_is_spooled_and_cut_at_256_mib`), the
  explorer's resident memory grows less than 150 MB (`tests/test_faults_tui.py`).
- The gzip body trickling 1 KB a second ends at the client's timeout (1 s in these
  tests), in every front end.
- After the 206 whose Next-Range cannot be read, the REPL's `next` and the explorer's
  ctrl+n each say one sentence and send nothing.

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

### History holds no secrets

- Mode `redacted` (the default) keeps no planted secret in the SQLite file, read back
  raw: the token, config-var values (the names stay), fields with secret names
  (`password`, `token`, an OAuth grant's `code`...), secret query parameters and
  cookies; what is not secret stays, so history is still useful
  (`test_redacted_mode_keeps_no_planted_secret`). Mode `full` removes only the token
  and cookie headers (`test_full_mode_removes_only_the_token`); `metadata` keeps no
  header value and no body (`test_metadata_mode_keeps_no_header_value_and_no_body`);
  `off` opens and creates nothing (`test_off_opens_nothing`); any other mode is refused
  (`test_modes_are_checked`). Fields the schema marks write-only are secret too
  (`test_schema_write_only_fields_are_secret_2013`,
  `test_schema_write_only_fields_are_secret_hyper`); a config-var body that is not JSON
  is not kept (`test_config_var_bodies_that_are_not_json_are_not_kept`); no value under
  a secret name is stored (`test_no_value_under_a_secret_name_is_stored`). All in
  `tests/test_history_redaction.py`.
- No symbolic link is followed: a history database, its companion file or its folder
  that is a link (or a folder others may write, or another user's database) turns
  history off with one sentence and leaves the link's target untouched; the schema
  cache and the REPL's command history do not write through a link either
  (`tests/test_paths_symlinks.py`).

## What is sent, and where

- Options mean the same before or after the sub-command
  (`tests/test_cli_options.py::test_every_option_means_the_same_before_and_after_every_command`,
  `test_an_option_before_the_command_is_not_replaced_by_its_default`).
- Each path value fills exactly one path segment, and `.`, `..` or an empty value is
  refused by name (`tests/test_request_paths.py::test_any_text_fills_exactly_one_segment`,
  `test_dot_values_never_reach_another_action`,
  `test_hostile_values_in_every_action_of_every_schema`); a typed path with a dot
  segment is refused (`test_typed_dot_segments_are_refused`); the transport receives
  the path the request shows (`test_the_transport_receives_the_path_the_spec_shows`).
  The explorer's confirmation shows the URL that is sent
  (`tests/test_tui_intent.py::test_live_config_var_removal_confirms_with_the_url_sent`).
- Revalidation repeats only a GET: after a POST nothing is sent
  (`tests/test_policy.py::test_revalidate_only_repeats_a_get`,
  `tests/test_tui_intent.py::test_revalidate_after_app_create_sends_nothing`,
  `test_revalidate_after_dyno_create_sends_nothing`,
  `tests/test_repl_intent.py::test_revalidate_after_a_post_sends_nothing`).
- What is typed is kept per action, and an ETag is offered per URL: an If-Match set on
  `/apps` stays with App List, one list's Range does not page another, and the ETag
  offered is the newest for the same URL
  (`tests/test_tui_intent.py::test_if_match_set_on_apps_stays_with_app_list`,
  `test_range_of_one_list_does_not_page_another`,
  `test_form_values_come_back_with_their_action`,
  `test_etag_offered_is_the_newest_for_the_same_url`).
- Credentials are bound to hosts: the `~/.netrc` entry of the API URL's own host is
  used, the Heroku entry goes nowhere else, a `default` entry is never used, a netrc
  others may read is refused, and no token goes over plain http to a host that is not
  loopback, at start or from the client
  (`tests/test_credentials_hosts.py::test_the_entry_of_the_api_urls_own_host_is_used`,
  `test_the_heroku_entry_goes_nowhere_else`, `test_a_netrc_default_entry_is_never_used`,
  `test_a_netrc_others_may_read_is_refused`,
  `test_no_key_over_plain_http_off_loopback_at_start`,
  `test_the_client_sends_no_token_over_plain_http_off_loopback`,
  `test_basic_auth_goes_to_its_host_only`).
- Modes are honest: an API URL without a key stops the start instead of falling back to
  the sandbox (`--sandbox` asks for it), `call` on the sandbox says so on stderr, and
  the sandbox client knows it is one
  (`tests/test_credentials_hosts.py::test_an_api_url_without_a_key_refuses_instead_of_the_sandbox`,
  `test_tui_mode_decision_without_a_key`, `test_call_says_when_it_is_not_live`,
  `test_the_sandbox_client_knows_it`; the REPL's mode comes from its client:
  `tests/test_repl_intent.py::test_the_mode_comes_from_the_client`).
- On the live API a request that destroys data, as the schema words it (a DELETE, a
  config var set to null, a formation scaled to 0, a title that says it removes or
  replaces), is confirmed by typing its target's name; the sandbox never asks; `call`
  refuses it unless `--yes`
  (`tests/test_policy.py::test_every_delete_is_a_destruction`,
  `test_config_var_set_to_null`, `test_formation_to_zero`,
  `test_raw_delete_and_sandbox_never_asks`;
  `tests/test_repl_intent.py::test_a_terminal_asks_for_the_target_and_sends_only_when_typed`,
  `test_a_script_on_the_live_api_stops_unsent`, `test_the_sandbox_never_asks`;
  `tests/test_call_intent.py::test_call_refuses_a_live_destruction_without_yes`,
  `test_call_with_yes_sends_a_live_destruction`;
  `tests/test_tui_intent.py::test_live_config_var_removal_confirms_with_the_url_sent`,
  `test_live_scale_to_zero_confirms_and_sandbox_never_asks`).
- Exports are scrubbed of every secret the client knows, and the token is never
  inlined: a key from `~/.netrc` stands in as netrc (`curl -n`), one from the option or
  the environment as `$HEROKU_API_KEY`, and exports made on the sandbox target
  `https://api.heroku.com`
  (`tests/test_exports_secrets.py::test_no_typed_secret_survives_any_export`,
  `test_a_netrc_key_stands_in_as_netrc`,
  `test_a_key_from_the_environment_or_the_option_stands_in_as_the_variable`,
  `test_exports_made_on_the_sandbox_target_the_real_api`).
- A history line or a recorded request holding `[REDACTED]` is refused on re-send, with
  one sentence asking for the real value
  (`tests/test_repl_intent.py::test_a_request_holding_redacted_is_not_sent`,
  `test_a_recalled_line_with_a_removed_token_is_not_sent`;
  `tests/test_tui_intent.py::test_history_refuses_to_resend_a_redacted_secret`,
  `test_workbench_refuses_a_redacted_spec_too`).

## The sandbox under hostile input

All in `tests/test_sandbox_hostile.py`:

- The token is checked before the body is read: a 401 comes before a 100 MB body, over
  loopback and in process (`test_401_comes_before_a_100_mb_body_over_loopback`,
  `test_401_reads_no_body_in_process`).
- Bodies are capped at 1 MiB: a declared Content-Length over the cap and a chunked body
  past it get a 413 (`test_413_for_a_declared_length_over_the_cap`,
  `test_413_for_a_chunked_body_past_the_cap`); a body trickling in too slowly gets a
  408 (`test_a_body_that_trickles_in_too_slowly_is_408`).
- A request's headers must be complete within 10 s (`HEADER_TIMEOUT`) of the connection
  opening or of the last answer, however they trickle in; otherwise the connection is
  closed, with a 408 when part of a request came
  (`test_half_a_request_line_is_closed_in_bounded_time`,
  `test_a_trickle_of_bytes_does_not_extend_the_deadline`,
  `test_a_silent_connection_is_closed`, run with a 0.5 s timeout).
- Routes are matched on the raw path: an encoded slash stays inside its segment and dot
  segments are refused (`test_request_segments`,
  `test_encoded_slashes_and_dot_segments_over_loopback`).
- Malformed input never gets a 5xx, and what is refused gets a 4xx in Heroku's error
  shape: ranges, bodies, request lines, header values that are not ASCII, and generated
  ranges, bodies, paths and header bytes (`test_malformed_ranges`, `test_malformed_bodies`,
  `test_a_malformed_request_line_gets_a_heroku_style_400`,
  `test_header_values_that_are_not_ascii`, `test_generated_ranges_never_5xx`,
  `test_generated_bodies_never_5xx`, `test_generated_paths_and_header_bytes_never_5xx`).
- Listening beyond loopback prints a warning that anyone on the network can use it
  (`test_a_non_loopback_bind_warns`, `test_a_loopback_bind_does_not_warn`).

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
  there, none lost; a history opens while another process is still creating the
  database; three processes upgrading an older database at once keep its rows
  (`tests/test_durability.py`).

## Known gaps

None at present. A gap found later gets a strict xfail test and a line here; when the
test starts passing, its marker and its line go.

The gaps listed here before are closed, each by a test that now passes: a token the
server sends back is redacted from the exchange as from history
(`tests/test_secrets.py`); a body over the display cap is spooled to a private temp
file that goes with its client, or at the latest with the process
(`tests/test_faults_client.py`); a REPL that starts with history off says so
(`tests/test_faults_cli.py`); a history opens while another process creates its
database (`tests/test_durability.py`); the REPL and the explorer show the hostile
answers' control characters as visible escapes (`tests/test_faults_repl.py`,
`tests/test_faults_tui.py`); a body cut off at the spool cap is said to be cut off, in
both front ends, never "whole" (`test_gzip_bomb_note_says_the_body_was_cut_off` in
both); after a Next-Range that cannot be read, the REPL's `next` and the explorer's
ctrl+n name it and send nothing
(`tests/test_faults_repl.py::test_next_after_an_unreadable_next_range_names_it`).
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
    from heroku_explorer.tui.widgets.response_view import large_body_tail
    from heroku_explorer.tui.widgets.text import format_size

    if exchange.error is not None:
        return describe_error(exchange.error)
    state = exchange.body_state
    head = f"{exchange.status} {exchange.reason}"
    notes = {
        "too-large": f"{head}; body: first 1 MB, then {large_body_tail(exchange)}",
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
