"""Completion as you type: commands, resources, actions, parameters and values.

The completer reads the words before the cursor with the parser's own tokenizer and
vocabulary, so it only offers what the parser accepts. Parameter names come with
their type and description beside them, required ones first; values come from the
schema (enums, booleans) and from what earlier responses showed (app names, ids).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Protocol

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from heroku_explorer.protocol import HeaderName
from heroku_explorer.repl.commands import (
    FLAG_OPTIONS,
    HTTP_METHODS,
    SESSION_COMMANDS,
    VALUE_OPTIONS,
    Parser,
    split_assignment,
)
from heroku_explorer.repl.tokens import Token, tokenize
from heroku_explorer.repl.vocab import default_group, param_label
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action, ApiSpec, Param, Resource

__all__ = ["CompletionState", "ReplCompleter"]

_HEADERS = (HeaderName.IF_MATCH, HeaderName.IF_NONE_MATCH, HeaderName.RANGE, HeaderName.ACCEPT,
            HeaderName.TWO_FACTOR, HeaderName.USER_AGENT)
_OPTION_HELP = {
    "--header": "add a request header: -H 'Name: value'",
    "--range": "ask for one page of a list: --range 'name ..; max=10'",
    "--verbose": "show the status line and key headers",
    "--json": "print the body as compact JSON",
    "--if-match": "send the last ETag as If-Match",
}


class CompletionState(Protocol):
    """What a session tells the completer: values seen so far and the defaults."""

    def seen(self, resource_key: str, parent: str | None = None) -> Sequence[str]:
        """Names and ids of ``resource_key`` instances seen in responses, newest
        first; with ``parent``, those listed under it (the dynos of that app)."""
        ...

    @property
    def defaults(self) -> Mapping[str, str]:
        """``set`` defaults, by group (``app`` -> ``my-app``)."""
        ...


def _short(text: str | None, width: int = 60) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def _completion(text: str, start: int, meta: str) -> Completion:
    """A completion whose menu entry and note are shown inert: values come from
    responses (app names) and notes from the schema."""
    return Completion(text, start, display=visible(text, single_line=True),
                      display_meta=visible(meta, single_line=True))


def _match(candidates: Iterable[tuple[str, str]], word: str, start: int) -> Iterator[Completion]:
    """Prefix matches first, then other words containing ``word``."""
    folded = word.casefold().lstrip("'\"")
    later: list[Completion] = []
    seen: set[str] = set()
    for text, meta in candidates:
        if text in seen:
            continue
        seen.add(text)
        key = text.casefold().lstrip("'\"")
        if key.startswith(folded):
            yield _completion(text, start, meta)
        elif len(folded) > 1 and folded in key:
            later.append(_completion(text, start, meta))
    yield from later


class ReplCompleter(Completer):
    """A prompt-toolkit completer over one spec and (optionally) a session's state."""

    def __init__(self, spec: ApiSpec, state: CompletionState | None = None,
                 parser: Parser | None = None) -> None:
        self.spec = spec
        self.parser = parser or Parser(spec)
        self.vocab = self.parser.vocab
        self.state = state

    # -- entry point ----------------------------------------------------------

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        text = document.text_before_cursor
        tokens = tokenize(text, partial=True)
        if tokens and tokens[-1].end == len(text):
            current, done = tokens[-1], tokens[:-1]
        else:
            current, done = Token("", len(text), len(text)), tokens
        start = current.start - len(text)
        try:
            yield from self._complete(done, current, start)
        except Exception:  # a completion bug must never take the prompt down
            return

    def _complete(self, done: list[Token], current: Token, start: int) -> Iterator[Completion]:
        word = current.text
        if not done:
            yield from _match(self._first_words(), word, start)
            return
        head = done[0].text
        if head.casefold() in SESSION_COMMANDS:
            yield from self._session(head.casefold(), done, current, start)
            return
        if head.upper() in HTTP_METHODS or head.startswith("/"):
            if len(done) == 1 and head.upper() in HTTP_METHODS:
                yield from _match(self._paths(), word, start)
            elif "=" not in word and not word.startswith("-") and not VALUE_OPTIONS.get(
                    done[-1].text):
                yield from _match(self._slots(done), word, start)
            else:
                yield from self._options(done, current, start)
            return
        resource = self.vocab.resource(head)
        if resource is None:
            return
        if len(done) == 1:
            yield from _match(self._actions(resource), word, start)
            return
        action = self.vocab.action(resource, done[1].text)
        if action is None:
            return
        yield from self._arguments(action, done[2:], current, start)

    # -- words ------------------------------------------------------------------

    def _first_words(self) -> Iterator[tuple[str, str]]:
        for res in sorted(self.spec.resources, key=lambda r: r.key):
            yield res.key, _short(res.description) or res.name
        yield from SESSION_COMMANDS.items()
        for method in HTTP_METHODS:
            yield method, "raw call: METHOD /path [name=value ...]"

    def _actions(self, resource: Resource) -> Iterator[tuple[str, str]]:
        for act in resource.actions:
            yield act.key, f"{act.method} {act.path}  {_short(act.description, 40)}".rstrip()

    def _paths(self) -> Iterator[tuple[str, str]]:
        defaults = self.state.defaults if self.state is not None else {}
        for act in self.spec.actions():
            path = act.path
            for p in act.path_params:
                value = defaults.get(default_group(p))
                if value is not None:
                    path = path.replace("{" + p.name + "}", value)
            yield path, act.id

    def _slots(self, done: list[Token]) -> Iterator[tuple[str, str]]:
        """The ``{placeholders}`` of a raw path not yet given as ``name=value``."""
        import re

        path = next((t.text for t in done if t.text.startswith("/")), "")
        given = {a.name for t in done[1:] if (a := split_assignment(t, parse=False))}
        for name in dict.fromkeys(re.findall(r"\{([^{}/]+)\}", path)):
            if name not in given:
                yield f"{name}=", "fills {" + name + "} in the path"

    def _session(self, head: str, done: list[Token], current: Token,
                 start: int) -> Iterator[Completion]:
        word, n = current.text, len(done)
        if head in ("doc", "example") and n <= 2:
            if n == 1:
                resources = sorted(self.spec.resources, key=lambda r: r.key)
                yield from _match(((r.key, r.name) for r in resources), word, start)
            elif (res := self.vocab.resource(done[1].text)) is not None:
                yield from _match(self._actions(res), word, start)
        elif head == "overview" and n == 1:
            yield from _match(((s.title, "") for s in self.spec.overview), word, start)
        elif head == "history" and n == 1:
            yield from _match((("show", "show entry N again"), ("send", "send entry N again"),
                               ("export", "entry N as curl, httpie or python"),
                               ("sandbox", "only sandbox requests"),
                               ("live", "only live requests")), word, start)
        elif head == "history" and n == 3 and done[1].text.casefold() == "export":
            yield from _match(((f, "export format") for f in ("curl", "httpie", "python")),
                              word, start)
        elif head == "help" and n == 1:
            yield from _match(SESSION_COMMANDS.items(), word, start)
        elif head == "learn" and n == 1:
            from heroku_explorer.lessons import LESSONS

            words = [(lesson.name, lesson.title) for lesson in LESSONS]
            words += [("stop", "leave the lesson"), ("reset", "forget the lessons done")]
            yield from _match(words, word, start)
        elif head == "set":
            yield from self._set(current, start)
        elif head == "unset" and self.state is not None:
            names = [(self.vocab.group_label(g), v) for g, v in self.state.defaults.items()]
            yield from _match(names, word, start)
        elif head in ("next", "revalidate"):
            yield from _match((("-v", _OPTION_HELP["--verbose"]),
                               ("--json", _OPTION_HELP["--json"])), word, start)

    def _set(self, current: Token, start: int) -> Iterator[Completion]:
        value = split_assignment(current, parse=False) if "=" in current.text else None
        if value is None:
            names = ((f"{n}=", "default for every path parameter like it")
                     for n in self.vocab.default_names)
            yield from _match(names, current.text, start)
            return
        group = self.vocab.default_group(value.name)
        if group is None:
            return
        offset = start + len(value.name) + 1
        yield from _match(((v, group) for v in self._seen(group)), value.text, offset)

    # -- arguments ----------------------------------------------------------------

    def _options(self, done: list[Token], current: Token, start: int) -> Iterator[Completion]:
        previous = done[-1].text if done else ""
        if VALUE_OPTIONS.get(previous) == "--header":
            yield from _match(((_quoted(f"{h}: {_HEADER_VALUES.get(h, '')}".rstrip()), "header")
                               for h in _HEADERS), current.text, start)
        elif current.text.startswith("-"):
            names = dict.fromkeys([*VALUE_OPTIONS, *FLAG_OPTIONS])
            yield from _match(
                ((n, _OPTION_HELP.get(VALUE_OPTIONS.get(n) or FLAG_OPTIONS[n], ""))
                 for n in names if n.startswith("--") or len(n) == 2),
                current.text, start,
            )

    def _arguments(self, action: Action, done: list[Token], current: Token,
                   start: int) -> Iterator[Completion]:
        previous = done[-1].text if done else ""
        if VALUE_OPTIONS.get(previous) == "--range":
            fields = action.sort_fields or ("id",)
            yield from _match(((_quoted(f"{f} ..; max=10"), "sort field") for f in fields),
                              current.text, start)
            return
        if current.text.startswith("-") or VALUE_OPTIONS.get(previous):
            yield from self._options(done, current, start)
            return
        value = split_assignment(current, parse=False) if "=" in current.text else None
        if value is not None:
            param = self.vocab.param(action, value.name)
            if param is not None:
                eq = current.text.index("=")
                offset = start + eq + 1
                parent = self._parent(action, param, done)
                yield from _match(self._values(param, json=value.is_json, parent=parent),
                                  value.text, offset)
            return
        given = set()
        for tok in done:
            assigned = split_assignment(tok, parse=False)
            if assigned is not None and (p := self.vocab.param(action, assigned.name)):
                given.add(p.name)
        yield from _match(self._params(action, given), current.text, start)

    def _params(self, action: Action, given: set[str]) -> Iterator[tuple[str, str]]:
        defaults = self.state.defaults if self.state is not None else {}

        def rank(p: Param) -> int:
            defaulted = p.location == "path" and default_group(p) in defaults
            return 0 if p.required and not defaulted else 1 if p.required else 2

        for p in sorted((p for p in action.params if p.name not in given), key=rank):
            parts = ["required" if p.required else "optional", p.doc.type_label]
            if p.location == "path" and (d := defaults.get(default_group(p))) is not None:
                parts.append(f"default {d}")
            if p.doc.description:
                parts.append(_short(p.doc.description, 50))
            yield f"{param_label(p)}=", " · ".join(parts)
        if action.body is not None and action.body.map_values is not None:
            yield "KEY=", "any key: KEY=value, KEY:=null to delete"

    def _parent(self, action: Action, param: Param, done: list[Token]) -> str | None:
        """The value of the first path parameter on the line (or its default) when
        ``param`` is a later one: what the seen values are scoped to."""
        slots = action.path_params
        if not slots or param.location != "path" or param.name == slots[0].name:
            return None
        first = slots[0]
        positional: list[str] = []
        for tok in done:
            if tok.text.startswith("-"):
                continue
            assigned = split_assignment(tok, parse=False)
            if assigned is None:
                positional.append(tok.text)
            elif (p := self.vocab.param(action, assigned.name)) is not None and (
                    p.name == first.name):
                return assigned.text
        if positional:
            return positional[0]
        return self.state.defaults.get(default_group(first)) if self.state else None

    def _values(self, param: Param, *, json: bool,
                parent: str | None = None) -> Iterator[tuple[str, str]]:
        doc = param.doc
        if doc.enum is not None:
            for item in doc.enum:
                text = item if isinstance(item, str) and not json else _json(item)
                yield text, "allowed value"
        if "boolean" in doc.types:
            yield "true", "boolean"
            yield "false", "boolean"
        if doc.nullable:
            yield "null", "null"
        group = default_group(param) if param.location == "path" else param.identifies
        if group:
            for seen in self._seen(group, parent):
                yield (_json(seen) if json else seen), f"seen {group}"
        for node in (doc, *doc.alternatives):
            if node.has_example and node.example is not None and not isinstance(
                node.example, dict | list
            ):
                text = node.example
                yield (_json(text) if json or not isinstance(text, str) else text), "example"

    def _seen(self, group: str, parent: str | None = None) -> list[str]:
        if self.state is None:
            return []
        values = list(self.state.seen(group, parent) if parent else self.state.seen(group))
        default = self.state.defaults.get(group)
        if default is not None and default not in values:
            values.insert(0, default)
        return values


#: A value to start from for the headers offered after ``-H``.
_HEADER_VALUES = {HeaderName.IF_MATCH: "*", HeaderName.IF_NONE_MATCH: "*",
                  HeaderName.RANGE: "id ..; max=10",
                  HeaderName.ACCEPT: "application/vnd.heroku+json; version=3"}


def _quoted(text: str) -> str:
    """``text`` as one word of the command line: single-quoted when it holds spaces
    or quotes, so that Enter runs what was completed."""
    if not any(ch in text for ch in " \t\"'\\;#"):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


def _json(value: object) -> str:
    import json

    text = json.dumps(value)
    return f"'{text}'" if any(ch in text for ch in " \"'") else text
