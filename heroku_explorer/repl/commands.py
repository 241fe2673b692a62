"""The REPL's command language: one line in, one typed command out.

The parser is pure (no I/O, no session state) and raises nothing but
:class:`ParseError`, which carries the position of the trouble and, for unknown
names, the names that were probably meant::

    app list                                  Call(app.list)
    app info app=my-app  |  app info my-app   Call(app.info, app_id_or_name=my-app)
    config-var update app=demo FOO=bar BAZ:=null
    GET /apps/demo  |  PATCH /apps/demo maintenance:=true          Raw
    ... -H 'If-Match: "etag"' --range 'name ..; max=10' -v --json --if-match
    next | revalidate | headers | body | status | curl | httpie | python
    history [filter] | doc [resource [action]] | example resource action
    overview [topic] | set app=my-app | unset app | schema [use] | help [command] | exit
"""

from __future__ import annotations

import re
from dataclasses import replace

from heroku_explorer.repl.arguments import (
    Options,
    Value,
    parse_header,
    parse_json,
    parse_options,
    split_assignment,
)
from heroku_explorer.repl.command_types import (
    Again,
    Call,
    Command,
    Diff,
    Doc,
    Empty,
    Example,
    Exit,
    Export,
    Help,
    Hint,
    HistoryCommand,
    Jq,
    Learn,
    Logs,
    Next,
    Overview,
    Raw,
    Revalidate,
    SchemaCommand,
    SetDefaults,
    Show,
    Source,
    UnsetDefaults,
)
from heroku_explorer.repl.session_parse import parse_session
from heroku_explorer.repl.tokens import ParseError, Token, did_you_mean, tokenize
from heroku_explorer.repl.vocab import Vocabulary, param_label
from heroku_explorer.repl.words import (
    EXPORT_FORMATS,
    FLAG_OPTIONS,
    HTTP_METHODS,
    SESSION_COMMANDS,
    VALUE_OPTIONS,
)
from heroku_explorer.schema.model import Action, ApiSpec, Resource

__all__ = [
    "EXPORT_FORMATS",
    "FLAG_OPTIONS",
    "HTTP_METHODS",
    "SESSION_COMMANDS",
    "VALUE_OPTIONS",
    "Again",
    "Call",
    "Command",
    "Diff",
    "Doc",
    "Empty",
    "Example",
    "Exit",
    "Export",
    "Help",
    "Hint",
    "HistoryCommand",
    "Jq",
    "Learn",
    "Logs",
    "Next",
    "Options",
    "Overview",
    "ParseError",
    "Parser",
    "Raw",
    "Revalidate",
    "SchemaCommand",
    "SetDefaults",
    "Show",
    "Source",
    "UnsetDefaults",
    "Value",
    "parse_header",
    "parse_json",
    "parse_options",
    "split_assignment",
]

class Parser:
    """Parses lines against one spec; build it once and reuse it."""

    def __init__(self, spec: ApiSpec, vocabulary: Vocabulary | None = None) -> None:
        self.spec = spec
        self.vocab = vocabulary or Vocabulary(spec)

    def parse(self, line: str) -> Command:
        """One line to one command; raises :class:`ParseError` and nothing else."""
        tokens = tokenize(line)
        if not tokens:
            return Empty()
        head = tokens[0]
        word = head.text
        if not head.quoted:
            if word.casefold() in SESSION_COMMANDS:
                return parse_session(self, word.casefold(), tokens, line)
            if word.upper() in HTTP_METHODS and (
                word.isupper() or (len(tokens) > 1 and tokens[1].text.startswith("/"))
            ):
                return self._raw(word.upper(), tokens[1:], line)
            if word.startswith("/"):
                return self._raw("GET", tokens, line)
        resource = self.resource(head)
        if len(tokens) == 1:
            keys = [a.key for a in resource.actions]
            raise ParseError(
                f"'{resource.key}' needs an action: {', '.join(keys)}", len(line),
            )
        action = self.action(resource, tokens[1])
        values, options = self._arguments(action, tokens[2:], line)
        return Call(action, values, options)

    # -- names ----------------------------------------------------------------

    def resource(self, token: Token) -> Resource:
        found = self.vocab.resource(token.text)
        if found is None:
            pool = [*self.vocab.resource_keys, *SESSION_COMMANDS]
            raise ParseError(
                f"unknown resource or command '{token.text}'",
                token.start, end=token.end, suggestions=did_you_mean(token.text, pool),
            )
        return found

    def action(self, resource: Resource, token: Token) -> Action:
        found = self.vocab.action(resource, token.text)
        if found is None:
            keys = [a.key for a in resource.actions]
            hint = did_you_mean(token.text, keys)
            tail = "" if hint else f" (actions: {', '.join(keys)})"
            raise ParseError(
                f"'{resource.key}' has no action '{token.text}'{tail}",
                token.start, end=token.end, suggestions=hint,
            )
        return found

    # -- arguments ------------------------------------------------------------

    def _arguments(
        self, action: Action | None, tokens: list[Token], line: str
    ) -> tuple[tuple[Value, ...], Options]:
        values: list[Value] = []
        positional: list[Token] = []
        options, rest = parse_options(tokens, line)
        headers: list[tuple[str, str]] = []
        query: list[tuple[str, str]] = []
        for tok in rest:
            item = self._item(action, tok)
            if item is not None:
                (query if item[0] == "==" else headers).append(item[1:])
                continue
            value = split_assignment(tok)
            if value is None:
                if action is None:
                    raise ParseError(
                        f"unexpected word '{tok.text}' (use name=value or name:=json)",
                        tok.start, end=tok.end,
                    )
                positional.append(tok)
                continue
            if action is not None:
                value = self._bind(action, value, tok)
            if any(v.name == value.name and v.subpath == value.subpath for v in values):
                raise ParseError(f"'{value.name}' is given twice", tok.start, end=tok.end)
            values.append(value)
        if positional and action is not None:
            values.extend(self._positional(action, values, positional))
        if headers or query:
            options = replace(options, headers=(*options.headers, *headers),
                              query=(*options.query, *query))
        return tuple(values), options

    def _item(self, action: Action | None, tok: Token) -> tuple[str, str, str] | None:
        """HTTPie's ``name==value`` (a query item) and ``Header:value`` (a header),
        as ``("==", name, value)`` / ``(":", name, value)``; ``None`` for the rest.
        ``plan:name=x`` stays a nested body field when ``plan`` is a parameter."""
        text = tok.text
        eq = text.find("=")
        if eq > 0 and text[eq:eq + 2] == "==" and text[eq - 1] != ":":
            return "==", text[:eq], text[eq + 2:]
        match = _HEADER_ITEM.match(text)
        if match is None or text.startswith("-"):
            return None
        name = match.group(1)
        if action is not None and (self.vocab.param(action, name) is not None
                                   or (action.body is not None
                                   and action.body.map_values is not None and "=" in text)):
            return None
        header = parse_header(text, tok)
        return ":", header[0], header[1]

    def _bind(self, action: Action, value: Value, tok: Token) -> Value:
        param = self.vocab.param(action, value.name)
        subpath: tuple[str, ...] = ()
        if param is None:
            head, sep, rest = _split_nested(value.name)
            if sep:
                parent = self.vocab.param(action, head)
                if parent is not None and parent.location == "body":
                    param, subpath = parent, tuple(re.split(r"[:.]", rest))
        if param is not None:
            return replace(value, name=param.name, param=param, subpath=subpath)
        if action.body is not None and action.body.map_values is not None:
            return value
        names = self.vocab.param_names(action)
        hint = did_you_mean(value.name, names)
        listing = f" (parameters: {', '.join(names)})" if names and not hint else ""
        if not names:
            listing = " (it takes no parameters)"
        raise ParseError(
            f"'{action.id}' has no parameter '{value.name}'{listing}",
            tok.start, end=tok.start + len(value.name), suggestions=hint,
        )

    def _positional(
        self, action: Action, values: list[Value], words: list[Token]
    ) -> list[Value]:
        named = {v.name for v in values}
        open_slots = [p for p in action.path_params if p.name not in named]
        if len(words) > len(open_slots):
            extra = words[len(open_slots)]
            labels = ", ".join(param_label(p) for p in action.path_params) or "none"
            raise ParseError(
                f"unexpected word '{extra.text}' (path parameters of {action.id}: {labels};"
                " other values are written name=value)",
                extra.start, end=extra.end,
            )
        slots = open_slots[len(open_slots) - len(words):]
        return [Value(p.name, t.text, False, t.text, p, (), t.start)
                for p, t in zip(slots, words, strict=True)]

    def _raw(self, method: str, tokens: list[Token], line: str) -> Raw:
        if not tokens or not tokens[0].text.startswith("/"):
            where = tokens[0].start if tokens else len(line)
            raise ParseError(f"{method} needs a path that starts with '/': {method} /apps",
                             where)
        path = tokens[0].text
        if any(ch.isspace() for ch in path):
            raise ParseError("a path cannot contain spaces", tokens[0].start, end=tokens[0].end)
        values, options = self._arguments(None, tokens[1:], line)
        return Raw(method, path, values, options)


#: ``Name:value`` with no ``=`` before the colon and no ``:=`` (a JSON value).
_HEADER_ITEM = re.compile(r"^([!#$%&'*+.^_`|~0-9A-Za-z-]+):(?!=)")


def _split_nested(name: str) -> tuple[str, str, str]:
    for sep in (":", "."):
        head, found, rest = name.partition(sep)
        if found and head and rest:
            return head, found, rest
    return name, "", ""
