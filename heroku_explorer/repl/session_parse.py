"""Parsing the session commands (``next``, ``doc``, ``set``...) for :class:`Parser`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import heroku_explorer.repl.command_types as cmd
from heroku_explorer.repl.arguments import parse_header, parse_options, split_assignment
from heroku_explorer.repl.logs import parse_logs
from heroku_explorer.repl.tokens import ParseError, Token, did_you_mean
from heroku_explorer.schema.model import DocSection

if TYPE_CHECKING:
    from heroku_explorer.repl.commands import Parser

__all__ = ["parse_session"]


def _no_more(word: str, tokens: list[Token], limit: int) -> None:
    if len(tokens) > limit:
        extra = tokens[limit]
        raise ParseError(f"'{word}' takes no more words here; '{extra.text}' is extra",
                         extra.start, end=extra.end)


def parse_session(parser: Parser, word: str, tokens: list[Token], line: str) -> cmd.Command:
    """The session command ``word`` with its arguments ``tokens[1:]``."""
    args = tokens[1:]
    if word in ("next", "revalidate"):
        options, rest = parse_options(args, line)
        _no_more(word, [tokens[0], *rest], 1)
        if options.headers or options.range is not None or options.if_match:
            raise ParseError(f"'{word}' only takes -v and --json", args[0].start)
        return cmd.Next(options) if word == "next" else cmd.Revalidate(options)
    if word in ("headers", "body", "status"):
        _no_more(word, tokens, 1)
        return cmd.Show(word)  # type: ignore[arg-type]
    if word in ("curl", "httpie", "python"):
        _no_more(word, tokens, 1)
        return cmd.Export(word)  # type: ignore[arg-type]
    if word in ("exit", "quit"):
        _no_more(word, tokens, 1)
        return cmd.Exit()
    if word == "learn":
        _no_more(word, tokens, 2)
        return cmd.Learn(args[0].text if args else "")
    if word == "hint":
        _no_more(word, tokens, 1)
        return cmd.Hint()
    if word == "schema":
        _no_more(word, tokens, 2)
        if args and args[0].text.casefold() != "use":
            raise ParseError(f"'schema' takes only 'use' here; '{args[0].text}' is not it",
                             args[0].start, end=args[0].end,
                             suggestions=did_you_mean(args[0].text, ["use"]))
        return cmd.SchemaCommand(use=bool(args))
    if word in ("diff", "jq"):
        return _debugging(word, tokens, line)
    if word == "history":
        return _history(tokens, line)
    if word == "again":
        options, rest = parse_options(args, line)
        _no_more(word, [tokens[0], *rest], 1)
        return cmd.Again(options)
    if word == "source":
        _no_more(word, tokens, 2)
        if not args:
            raise ParseError("source needs a file: source requests.txt", len(line))
        return cmd.Source(args[0].text)
    if word == "logs":
        return parse_logs(tokens, line)
    if word == "help":
        _no_more(word, tokens, 2)
        return cmd.Help(args[0].text.casefold() if args else None)
    if word == "overview":
        return cmd.Overview(_topic(parser, args, line) if args else None)
    if word in ("doc", "example"):
        return _doc(parser, word, tokens, line)
    if word == "set":
        return _set(parser, args)
    if word == "unset":
        groups = []
        headers: list[str] = []
        words = iter(args)
        for tok in words:
            if tok.text in ("-H", "--header"):
                name = next(words, None)
                if name is None:
                    raise ParseError("unset -H needs a header name: unset -H X-Trace",
                                     len(line))
                headers.append(name.text.rstrip(":"))
                continue
            group = parser.vocab.default_group(tok.text)
            if group is None:
                raise ParseError(f"'{tok.text}' is not a path parameter",
                                 tok.start, end=tok.end,
                                 suggestions=did_you_mean(tok.text, parser.vocab.default_names))
            groups.append(group)
        return cmd.UnsetDefaults(tuple(groups), tuple(headers))
    return cmd.Empty()  # pragma: no cover - every SESSION_COMMANDS word is handled above


def _debugging(word: str, tokens: list[Token], line: str) -> cmd.Command:
    args = tokens[1:]
    if word == "jq":
        if not args:
            raise ParseError("jq needs a filter: jq '.[] | .name'", len(line))
        # One quoted word is the filter; else the rest of the line as typed.
        expr = args[0].text if len(args) == 1 else line[args[0].start:].strip()
        return cmd.Jq(expr)
    _no_more(word, tokens, 2)
    if not args:
        return cmd.Diff()
    text = args[0].text.lstrip("#")
    if not text.isdigit() or int(text) < 1:
        raise ParseError(f"diff takes a history number (see 'history'), not '{args[0].text}'",
                         args[0].start, end=args[0].end)
    return cmd.Diff(int(text))


def _doc(parser: Parser, word: str, tokens: list[Token], line: str) -> cmd.Command:
    _no_more(word, tokens, 3)
    if len(tokens) == 1:
        if word == "example":
            raise ParseError("example needs a resource and an action: example app info",
                             len(line))
        return cmd.Doc()
    resource = parser.resource(tokens[1])
    if len(tokens) == 2:
        if word == "example":
            keys = [a.key for a in resource.actions]
            raise ParseError(f"example needs an action of {resource.key}: {', '.join(keys)}",
                             len(line))
        return cmd.Doc(resource)
    action = parser.action(resource, tokens[2])
    return cmd.Doc(resource, action) if word == "doc" else cmd.Example(resource, action)


def _topic(parser: Parser, args: list[Token], line: str) -> DocSection:
    wanted = " ".join(t.text for t in args)
    sections = parser.spec.overview
    folded = wanted.casefold()
    for section in sections:
        if section.title.casefold() == folded:
            return section
    starts = [s for s in sections if s.title.casefold().startswith(folded)]
    if len(starts) == 1:
        return starts[0]
    titles = [s.title for s in sections]
    hint = did_you_mean(wanted, titles)
    listing = "" if hint else f" (topics: {', '.join(titles)})"
    raise ParseError(f"no overview topic '{wanted}'{listing}", args[0].start, end=len(line),
                     suggestions=hint)


def _history(tokens: list[Token], line: str) -> cmd.HistoryCommand:
    args = tokens[1:]
    verb = args[0].text.casefold() if args else ""
    if verb not in ("show", "send", "export"):
        return cmd.HistoryCommand(" ".join(t.text for t in args))
    if len(args) < 2 or not args[1].text.isdigit():
        where = args[1].start if len(args) > 1 else len(line)
        raise ParseError(f"history {verb} needs the number 'history' shows: history {verb} 3"
                         + (" curl" if verb == "export" else ""), where)
    number = int(args[1].text)
    if verb != "export":
        _no_more(f"history {verb}", args, 2)
        return cmd.HistoryCommand("", verb, number)  # type: ignore[arg-type]
    _no_more("history export", args, 3)
    fmt = args[2].text.casefold() if len(args) > 2 else "curl"
    if fmt not in ("curl", "httpie", "python"):
        raise ParseError(f"history export takes curl, httpie or python, not '{args[2].text}'",
                         args[2].start, end=args[2].end,
                         suggestions=did_you_mean(args[2].text, ["curl", "httpie", "python"]))
    return cmd.HistoryCommand("", "export", number, fmt)  # type: ignore[arg-type]


def _set(parser: Parser, args: list[Token]) -> cmd.SetDefaults:
    values: list[tuple[str, str, str]] = []
    headers: list[tuple[str, str]] = []
    words = iter(args)
    for tok in words:
        if tok.text in ("-H", "--header") or (tok.text.startswith("-H") and len(tok.text) > 2):
            arg = tok if len(tok.text) > 2 and tok.text != "--header" else next(words, None)
            if arg is None:
                raise ParseError("set -H needs a header: set -H 'X-Trace: 1'", tok.end)
            text = arg.text[2:] if arg is tok else arg.text
            headers.append(parse_header(text, arg))
            continue
        value = split_assignment(tok)
        if value is None or value.is_json:
            raise ParseError("set takes name=value pairs: set app=my-app",
                             tok.start, end=tok.end)
        group = parser.vocab.default_group(value.name)
        if group is None:
            raise ParseError(
                f"'{value.name}' is not a path parameter of any action",
                tok.start, end=tok.start + len(value.name),
                suggestions=did_you_mean(value.name, parser.vocab.default_names),
            )
        if not value.text:
            raise ParseError(f"{value.name}= needs a value (use 'unset {value.name}' to forget)",
                             tok.end)
        values.append((group, value.name, value.text))
    return cmd.SetDefaults(tuple(values), tuple(headers))
