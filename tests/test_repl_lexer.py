"""The command-line lexer, through pygments and through prompt-toolkit's Document."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.document import Document

from heroku_explorer.repl.lexer import command_lexer_class, prompt_lexer


def tokens(line: str) -> list[tuple[str, str]]:
    lexer: Any = command_lexer_class()()
    return [(str(t).removeprefix("Token."), v) for t, v in lexer.get_tokens(line) if v.strip()]


def test_resource_call() -> None:
    assert tokens("app info app=my-app -v") == [
        ("Name.Class", "app"), ("Name.Function", "info"), ("Name.Attribute", "app"),
        ("Operator", "="), ("Literal.String", "my-app"), ("Name.Builtin", "-v"),
    ]


def test_json_values() -> None:
    got = tokens("config-var update app=demo FOO=bar BAZ:=null n:=3")
    assert ("Keyword.Constant", "null") in got
    assert ("Literal.Number", "3") in got
    assert got.count(("Operator", ":=")) == 2
    quoted = tokens("""x update a:='{"k": [1, true]}'""")
    assert ("Literal.String.Double", '"k"') in quoted
    assert ("Keyword.Constant", "true") in quoted


def test_raw_call() -> None:
    assert tokens("PATCH /apps/demo maintenance:=true") == [
        ("Keyword.Reserved", "PATCH"), ("Name.Namespace", "/apps/demo"),
        ("Name.Attribute", "maintenance"), ("Operator", ":="), ("Keyword.Constant", "true"),
    ]


def test_options_with_quoted_values() -> None:
    got = tokens("app list --range 'name ..; max=10' -H 'If-Match: x'")
    assert ("Name.Builtin", "--range") in got
    assert ("Literal.String.Double", "'name ..; max=10'") in got
    assert ("Literal.String.Double", "'If-Match: x'") in got


def test_session_commands_and_comments() -> None:
    assert tokens("set app=x")[0] == ("Keyword", "set")
    assert tokens("next -v")[0] == ("Keyword", "next")
    assert tokens("# note") == [("Comment.Single", "# note")]
    assert tokens("%bad")[0][0] == "Error"


def test_prompt_lexer_on_documents() -> None:
    lexer = prompt_lexer()
    assert lexer.lex_document(Document(""))(0) == []
    line = lexer.lex_document(Document("app info app=x"))(0)
    styles = [frag[0] for frag in line if frag[1].strip()]
    assert any("name.class" in s for s in styles)
    assert any("name.function" in s for s in styles)
    assert "".join(frag[1] for frag in line) == "app info app=x"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_lexer_never_raises_and_keeps_the_text(line: str) -> None:
    lexer: Any = command_lexer_class()(stripnl=False, ensurenl=False)
    text = "".join(v for _, v in lexer.get_tokens(line))
    assert text == line.replace("\r\n", "\n").replace("\r", "\n")
    document = Document(line)
    get_line = prompt_lexer().lex_document(document)
    for lineno in range(document.line_count):
        get_line(lineno)
