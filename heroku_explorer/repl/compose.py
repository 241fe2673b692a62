"""Composing a request from what HTTPie and http-prompt users type.

``field=@file`` (the file's text) and ``field:=@file.json`` (its JSON), a whole
body (``--body '{...}'`` or ``--body @file``), ``name==value`` query items,
``Header:value`` items and session headers (``set -H``), ``--if-match VALUE`` /
``--if-none-match VALUE``, the ``{placeholders}`` of a raw path filled from
``name=value`` items, and the dry run that shows a request without sending it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heroku_explorer.errors import ExplorerError
from heroku_explorer.protocol import HeaderName
from heroku_explorer.repl.arguments import Options, Value
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.client.client import HerokuClient
    from heroku_explorer.repl.vocab import Vocabulary
    from heroku_explorer.request import RequestSpec

__all__ = ["MAX_FILE", "ItemProblem", "dry_run_text", "fill_placeholders", "finish",
           "load_files", "read_file", "whole_body"]

#: The largest file read for ``=@file``, ``:=@file`` or ``--body @file``.
MAX_FILE = 1024 * 1024

_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")

#: Marks "no --body given" apart from a body of JSON ``null``.
_NO_BODY: Any = object()


class ItemProblem(ExplorerError):
    """An item that cannot be used (a missing file, bad JSON in it, an unfilled
    placeholder): one sentence, nothing sent."""


def read_file(path: str, *, what: str, sent: bool = True) -> str:
    """The text of ``path`` (``~`` expanded), at most :data:`MAX_FILE` bytes of UTF-8;
    ``sent``: the sentence says the request was not sent."""
    shown = visible(path, single_line=True)
    what = f"Not sent: {what}" if sent else what
    target = Path(path).expanduser()
    try:
        with target.open("rb") as handle:
            data = handle.read(MAX_FILE + 1)
    except FileNotFoundError:
        raise ItemProblem(f"{what}: no file {shown}.") from None
    except IsADirectoryError:
        raise ItemProblem(f"{what}: {shown} is a directory, not a file.") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ItemProblem(f"{what}: {shown} cannot be read ({reason}).") from None
    if len(data) > MAX_FILE:
        raise ItemProblem(f"{what}: {shown} is over {MAX_FILE // 1024} KiB.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ItemProblem(f"{what}: {shown} is not UTF-8 text.") from None


def _json_of(text: str, *, what: str, path: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise ItemProblem(f"{what}: {visible(path, single_line=True)} is not "
                          f"JSON{where}.") from None


def load_files(values: Iterable[Value]) -> tuple[Value, ...]:
    """``values`` with every ``=@file`` / ``:=@file`` replaced by what the file holds."""
    loaded: list[Value] = []
    for value in values:
        if not value.file:
            loaded.append(value)
            continue
        what = f"{value.name}{':=' if value.is_json else '='}@"
        text = read_file(value.text, what=what)
        data = _json_of(text, what=what, path=value.text) if value.is_json else text
        loaded.append(replace(value, text=text, data=data, file=False))
    return tuple(loaded)


def whole_body(options: Options) -> Any:
    """The JSON of ``--body`` (read from the file for ``@path``), or ``_NO_BODY``."""
    if options.body is None:
        return _NO_BODY
    if options.body == "@-":
        raise ItemProblem("Not sent: --body @- reads stdin, which only `call` can do; "
                          "give the JSON inline or --body @file.")
    if options.body.startswith("@"):
        path = options.body[1:]
        return _json_of(read_file(path, what="--body @"), what="--body @", path=path)
    return json.loads(options.body)


def has_body(body: Any) -> bool:
    return body is not _NO_BODY


def finish(spec: RequestSpec, options: Options,
           session_headers: Mapping[str, tuple[str, str]]) -> RequestSpec:
    """Query items, session headers (a header given on the line wins) and the ETag
    options on a built request."""
    if options.query:
        spec = replace(spec, query=(*spec.query, *options.query))
    typed = {name.lower() for name, _ in spec.headers}
    for key, (name, value) in session_headers.items():
        if key not in typed:
            spec = spec.with_header(name, value)
    if options.if_match_value is not None:
        spec = spec.with_header(HeaderName.IF_MATCH, options.if_match_value)
    if options.if_none_match is not None:
        spec = spec.with_header(HeaderName.IF_NONE_MATCH, options.if_none_match)
    return spec


def fill_placeholders(path: str, values: Iterable[Value],
                      vocab: Vocabulary, defaults: Mapping[str, str]
                      ) -> tuple[str, tuple[Value, ...]]:
    """``/apps/{app_id_or_name}`` with ``app=demo`` (or ``app_id_or_name=demo``, or
    the ``set`` default) as ``/apps/demo``; the values not used. An unfilled
    placeholder is refused by name."""
    from heroku_explorer.errors import ValidationError
    from heroku_explorer.request import path_segment

    rest = list(values)
    missing: list[str] = []
    errors: list[ValidationError] = []

    def segment(slot: str, text: str) -> str:
        # The same rule as an action's path: one segment, never "", "." or "..".
        return path_segment(slot, text, errors) or ""

    def fill(match: re.Match[str]) -> str:
        slot = match.group(1)
        group = vocab.default_group(slot)
        for value in rest:
            if value.name == slot or (group is not None
                                      and vocab.default_group(value.name) == group):
                rest.remove(value)
                return segment(slot, value.text)
        if group is not None and (default := defaults.get(group)) is not None:
            return segment(slot, default)
        missing.append(slot)
        return match.group(0)

    filled = _PLACEHOLDER.sub(fill, path)
    if errors:
        raise ItemProblem("Not sent: " + visible("; ".join(str(e) for e in errors),
                                                 single_line=True))
    if missing:
        names = ", ".join(f"{visible(m, single_line=True)}=..." for m in missing)
        raise ItemProblem(f"Not sent: the path still holds "
                          f"{', '.join('{' + visible(m, single_line=True) + '}' for m in missing)}"
                          f"; give {names}")
    return filled, tuple(rest)


def dry_run_text(client: HerokuClient, spec: RequestSpec) -> str:
    """What would be sent (method, URL, headers, body) and its curl; nothing is sent.
    The token never shows: the export scrubs it."""
    from heroku_explorer.crash import redact_known

    lines = ["(dry run: nothing was sent)",
             f"{spec.wire_method} {client.url_for(spec)}"]
    lines += [f"{name}: {'[REDACTED]' if name.lower() in _SECRET_HEADERS else value}"
              for name, value in spec.wire_headers]
    body = spec.body_bytes()
    if body is not None:
        lines += ["", body.decode("utf-8")]
    secrets = tuple(getattr(getattr(client, "credentials", None), "secrets", ()) or ())
    shown = redact_known("\n".join(lines), secrets)
    return visible(shown + "\n\n" + client.export(spec, "curl"))


_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie",
                             "heroku-two-factor-code"})
