"""Building the request a ``Call`` or ``Raw`` command asks for: its values, the
``set`` defaults, a whole body, session headers and ``--if-match``."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import heroku_explorer.repl.compose as compose
from heroku_explorer.errors import ValidationError
from heroku_explorer.policy import resend_refusal
from heroku_explorer.protocol import HeaderName
from heroku_explorer.repl.arguments import place_value
from heroku_explorer.repl.refusals import NotSent, SessionProblem
from heroku_explorer.repl.vocab import default_group, param_label

if TYPE_CHECKING:
    from heroku_explorer.repl.arguments import Options
    from heroku_explorer.repl.command_types import Call, Raw
    from heroku_explorer.repl.session import Session
    from heroku_explorer.request import RequestSpec

__all__ = ["build_call", "build_raw"]


def build_call(session: Session, command: Call) -> RequestSpec:
    """The request of an action with its values (a missing path parameter is
    refused by name, a recalled ``[REDACTED]`` value as such)."""
    from heroku_explorer.request import build_request

    action = command.action
    values: dict[str, Any] = {}
    body = compose.whole_body(command.options)
    if compose.has_body(body) and isinstance(body, dict):
        values.update(body)  # the typed items add to (and win over) the whole body
    for value in compose.load_files(command.values):
        place_value(values, value)
    defaults = session.defaults
    for p in action.path_params:
        if p.name not in values and (d := defaults.get(default_group(p))) is not None:
            values[p.name] = d
    missing = [p for p in action.path_params if p.name not in values]
    if missing:
        names = ", ".join(f"{param_label(p)}=..." for p in missing)
        raise ValidationError(missing[0].name,
                              f"required; give {names} (or set it once: set {names})")
    # A recalled line holding [REDACTED] is refused as such, before its values
    # are checked (the marker would fail a name's pattern and hide why).
    path_names = {p.name for p in action.path_params}
    probe = resend_refusal(
        action.method,
        " ".join(str(v) for k, v in values.items() if k in path_names),
        list(command.options.headers),
        json.dumps({k: v for k, v in values.items() if k not in path_names}))
    if probe is not None:
        raise NotSent(probe)
    spec = build_request(action, values, headers=command.options.headers,
                         range=command.options.range)
    if compose.has_body(body) and not isinstance(body, dict):
        spec = replace(spec, body=body)
    spec = compose.finish(spec, command.options, session.headers)
    return _if_match(session, spec, command.options)


def build_raw(session: Session, command: Raw) -> RequestSpec:
    """The request of a method and a path as typed, placeholders filled."""
    from heroku_explorer.request import raw_request

    path, given = compose.fill_placeholders(command.path, command.values, session.vocab,
                                            session.defaults)
    fields = {v.name: (v.data if v.is_json else v.text)
              for v in compose.load_files(given)}
    body: Any = None
    whole = compose.whole_body(command.options)
    if fields and command.method in ("GET", "HEAD", "DELETE"):
        pairs = [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in fields.items()]
        path += ("&" if "?" in path else "?") + urlencode(pairs)
    elif fields:
        body = fields
    if compose.has_body(whole):
        body = {**whole, **(body or {})} if isinstance(whole, dict) else whole
    headers = list(command.options.headers)
    if command.options.range is not None:
        headers.append((HeaderName.RANGE, str(command.options.range)))
    spec = raw_request(command.method, path, body, headers)
    spec = compose.finish(spec, command.options, session.headers)
    return _if_match(session, spec, command.options)


def _if_match(session: Session, spec: RequestSpec, options: Options) -> RequestSpec:
    if not options.if_match:
        return spec
    etag = session.client.etag_for(spec)
    if etag is None and session.last is not None and session.last.etag:
        etag = session.last.etag
    if etag is None:
        raise SessionProblem(f"no ETag known for {spec.path}: read it first, then --if-match")
    return spec.with_header(HeaderName.IF_MATCH, etag)
