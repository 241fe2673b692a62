"""A pygments lexer for the command line, and its prompt-toolkit wrapper.

The lexer needs no spec: the first word is a session command, an HTTP method, a
path or a resource; the second word of a resource call is its action; then come
``name=value`` / ``name:=json`` arguments and options. Session command names come
from :data:`~heroku_explorer.repl.words.SESSION_COMMANDS` (one vocabulary).

:func:`prompt_lexer` returns a prompt-toolkit lexer that imports pygments only when
there is text to colour, so the first (empty) prompt appears without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.lexers import Lexer

from heroku_explorer.repl.words import HTTP_METHODS, SESSION_COMMANDS

__all__ = ["LazyCommandLexer", "command_lexer_class", "prompt_lexer"]

_QUOTED = r"'[^']*'?|\"(?:\\.|[^\"\\])*\"?"


def _build() -> type[Any]:
    # Imported by name so that the module needs no pygments stubs to type-check.
    lexer: Any = importlib.import_module("pygments.lexer")
    tok: Any = importlib.import_module("pygments.token")
    bygroups, default, include, words = lexer.bygroups, lexer.default, lexer.include, lexer.words
    Comment, Error, Keyword, Name = tok.Comment, tok.Error, tok.Keyword, tok.Name
    Number, Operator, Punctuation = tok.Number, tok.Operator, tok.Punctuation
    String, Text, Whitespace = tok.String, tok.Text, tok.Whitespace

    tokens: dict[str, list[Any]] = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*$", Comment.Single),
            (words(tuple(SESSION_COMMANDS), suffix=r"(?=\s|$)"), Keyword, "args"),
            (words(HTTP_METHODS, suffix=r"(?=\s|$)"), Keyword.Reserved, "raw"),
            (r"/\S*", Name.Namespace, "args"),
            (r"[A-Za-z][\w.-]*(?=\s|$)", Name.Class, "action"),
            (r"\S+", Error, "args"),
        ],
        "raw": [
            (r"\s+", Whitespace),
            (r"/\S*", Name.Namespace, ("#pop", "args")),
            default(("#pop", "args")),
        ],
        "action": [
            (r"\s+", Whitespace),
            (r"[A-Za-z][\w.-]*(?=\s|$)", Name.Function, ("#pop", "args")),
            default(("#pop", "args")),
        ],
        "args": [
            (r"\s+", Whitespace),
            (r"#.*$", Comment.Single),
            (r"(-H|--header|-r|--range)(\s+)", bygroups(Name.Builtin, Whitespace),
             "optvalue"),
            (r"(--[\w-]+)(=)", bygroups(Name.Builtin, Operator), "optvalue"),
            (r"-H(?=\S)", Name.Builtin, "optvalue"),
            (r"--?[\w-]+(?=\s|$)", Name.Builtin),
            (r"([^\s='\"]+?)(:=)", bygroups(Name.Attribute, Operator), "json"),
            (r"([^\s='\"]+?)(=)", bygroups(Name.Attribute, Operator), "value"),
            (_QUOTED, String),
            (r"\S+", Name.Variable),
        ],
        "optvalue": [
            (_QUOTED, String.Double, "#pop"),
            (r"\S+", String.Double, "#pop"),
            default("#pop"),
        ],
        "value": [
            (r"(?=\s|$)", Text, "#pop"),
            (_QUOTED, String),
            (r"[^\s'\"]+", String),
        ],
        "json": [
            (r"(?=\s|$)", Text, "#pop"),
            (r"'", String.Single, "jsonquoted"),
            include("jsonatoms"),
        ],
        "jsonquoted": [
            (r"'", String.Single, "#pop"),
            (r"\s+", Whitespace),
            include("jsonatoms"),
        ],
        "jsonatoms": [
            (r"\"(?:\\.|[^\"\\])*\"?", String.Double),
            (r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?", Number),
            (r"(true|false|null)\b", Keyword.Constant),
            (r"[{}\[\],:]", Punctuation),
            (r"[^\s'\"{}\[\],:]+", Error),
        ],
    }
    meta: Any = type(lexer.RegexLexer)
    cls: type[Any] = meta("CommandLexer", (lexer.RegexLexer,), {
        "__doc__": "Colours one line of the heroku-explorer REPL language.",
        "name": "heroku-explorer command",
        "aliases": ["heroku-explorer"],
        "tokens": tokens,
    })
    return cls


_CLASS: list[type[Any]] = []


def command_lexer_class() -> type[Any]:
    """The pygments lexer class (built, and pygments imported, on first use)."""
    if not _CLASS:
        _CLASS.append(_build())
    return _CLASS[0]


class LazyCommandLexer(Lexer):
    """A :class:`~prompt_toolkit.lexers.PygmentsLexer` over the command lexer, created
    the first time a non-empty line needs colour."""

    def __init__(self) -> None:
        self._inner: Lexer | None = None

    def _lexer(self) -> Lexer:
        if self._inner is None:
            from prompt_toolkit.lexers import PygmentsLexer

            self._inner = PygmentsLexer(command_lexer_class(), sync_from_start=True)
        return self._inner

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        if not document.text:
            return lambda lineno: []
        return self._lexer().lex_document(document)

    def invalidation_hash(self) -> object:
        return id(self._inner)


def prompt_lexer() -> Lexer:
    """The lexer to hand to ``PromptSession(lexer=...)``."""
    return LazyCommandLexer()
