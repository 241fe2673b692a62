"""The REPL's command language: every form parses to the right typed command, and
nothing but a ParseError (with a position and a suggestion) ever comes out."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heroku_explorer.protocol import RangeSpec
from heroku_explorer.repl.commands import (
    Call,
    Doc,
    Empty,
    Example,
    Exit,
    Export,
    Help,
    HistoryCommand,
    Next,
    Overview,
    ParseError,
    Parser,
    Raw,
    Revalidate,
    SetDefaults,
    Show,
    UnsetDefaults,
)
from heroku_explorer.repl.tokens import tokenize
from heroku_explorer.schema import ApiSpec, load_bundled, load_path
from tests.conftest import REFERENCE_DIR


@pytest.fixture(scope="module")
def parser(spec: ApiSpec) -> Parser:
    return Parser(spec)


def call(parser: Parser, line: str) -> Call:
    command = parser.parse(line)
    assert isinstance(command, Call), command
    return command


def values(command: Call | Raw) -> dict[str, object]:
    return {v.name: v.data for v in command.values}


# -- resource calls ---------------------------------------------------------------


def test_list(parser: Parser) -> None:
    command = call(parser, "app list")
    assert command.action.id == "app.list"
    assert command.values == ()


def test_info_with_short_path_name(parser: Parser) -> None:
    command = call(parser, "app info app=my-app")
    assert command.action.id == "app.info"
    assert values(command) == {"app_id_or_name": "my-app"}
    assert command.values[0].param is not None
    assert command.values[0].param.location == "path"


def test_info_with_full_path_name_and_positional(parser: Parser) -> None:
    assert values(call(parser, "app info app_id_or_name=x")) == {"app_id_or_name": "x"}
    assert values(call(parser, "app info my-app")) == {"app_id_or_name": "my-app"}


def test_positional_fills_the_last_path_slots(parser: Parser) -> None:
    one = call(parser, "add-on info 01234567-89ab-cdef-0123-456789abcdef")
    assert list(values(one)) == ["addon_id"]
    two = call(parser, "add-on info demo some-id")
    assert values(two) == {"app_id_or_name": "demo", "addon_id": "some-id"}


def test_create_with_body_values(parser: Parser) -> None:
    command = call(parser, "app create name=demo region=eu")
    assert values(command) == {"name": "demo", "region": "eu"}
    assert all(not v.is_json for v in command.values)


def test_config_var_map_body_and_json(parser: Parser) -> None:
    command = call(parser, "config-var update app=demo FOO=bar BAZ:=null")
    assert values(command) == {"app_id_or_name": "demo", "FOO": "bar", "BAZ": None}
    baz = command.value("BAZ")
    assert baz is not None and baz.is_json and baz.param is None


@pytest.mark.parametrize(("text", "expected"), [
    ("maintenance:=true", True),
    ("maintenance:=false", False),
    ("n:=3", 3),
    ("x:='[1, 2]'", [1, 2]),
    ("x:='{\"a\": {\"b\": null}}'", {"a": {"b": None}}),
    ("x:='\"text\"'", "text"),
])
def test_typed_json_values(parser: Parser, text: str, expected: object) -> None:
    raw = parser.parse(f"PATCH /apps/demo {text}")
    assert isinstance(raw, Raw)
    assert list(values(raw).values()) == [expected]


def test_nested_field(parser: Parser) -> None:
    command = call(parser, "app create region:name=eu")
    (value,) = command.values
    assert (value.name, value.subpath, value.data) == ("region", ("name",), "eu")


@pytest.mark.parametrize("word", ["app", "App", "APP", "apps"])
def test_resource_by_key_name_and_plural(parser: Parser, word: str) -> None:
    assert call(parser, f"{word} list").action.id == "app.list"


@pytest.mark.parametrize("word", ["add-on", "addon", "Add-on", "addons", "ADD_ON"])
def test_add_on_aliases(parser: Parser, word: str) -> None:
    assert call(parser, f"{word} list app=x").action.id == "add-on.list"


def test_display_name_with_spaces_when_quoted(parser: Parser) -> None:
    assert call(parser, "'Config Var' info app=x").action.id == "config-var.info"
    assert call(parser, "configvars info app=x").action.id == "config-var.info"


@pytest.mark.parametrize(("line", "key"), [("app ls", "list"), ("app get x", "info"),
                                           ("app rm x", "delete"), ("app Info x", "info"),
                                           ("app new name=x", "create")])
def test_action_synonyms(parser: Parser, line: str, key: str) -> None:
    assert call(parser, line).action.key == key


def test_path_short_name_derived_for_every_path_param(spec: ApiSpec, parser: Parser) -> None:
    from heroku_explorer.repl.vocab import param_label

    for action in spec.actions():
        line = " ".join([action.resource, action.key,
                         *(f"{param_label(p)}=v{i}" for i, p in enumerate(action.path_params))])
        command = call(parser, line)
        assert [v.name for v in command.values] == [p.name for p in action.path_params]


# -- options ------------------------------------------------------------------------


def test_header_range_and_flags(parser: Parser) -> None:
    command = call(parser, "app update app=x name=y -H 'If-Match: \"abc\"' "
                           "--range 'name ..; max=10' -v --json --if-match")
    opts = command.options
    assert opts.headers == (("If-Match", '"abc"'),)
    assert opts.range == RangeSpec(attr="name", max=10)
    assert opts.verbose and opts.raw_json and opts.if_match


def test_option_spellings(parser: Parser) -> None:
    command = call(parser, "app list --header='Accept: x' -HRange:id -r 'id ..' --verbose")
    assert command.options.headers == (("Accept", "x"), ("Range", "id"))
    assert command.options.range == RangeSpec(attr="id")
    assert command.options.verbose


# -- raw calls --------------------------------------------------------------------------


def test_raw_get_and_patch(parser: Parser) -> None:
    get = parser.parse("GET /apps/demo")
    assert get == Raw("GET", "/apps/demo")
    patch = parser.parse("PATCH /apps/demo maintenance:=true -v")
    assert isinstance(patch, Raw)
    assert (patch.method, patch.path, values(patch), patch.options.verbose) == (
        "PATCH", "/apps/demo", {"maintenance": True}, True)


def test_raw_lowercase_method_and_bare_path(parser: Parser) -> None:
    assert parser.parse("get /apps") == Raw("GET", "/apps")
    assert parser.parse("/apps") == Raw("GET", "/apps")


# -- session commands ---------------------------------------------------------------------


def test_session_commands(parser: Parser, spec: ApiSpec) -> None:
    assert parser.parse("next") == Next()
    assert isinstance(parser.parse("next -v"), Next)
    assert parser.parse("revalidate") == Revalidate()
    assert parser.parse("headers") == Show("headers")
    assert parser.parse("body") == Show("body")
    assert parser.parse("status") == Show("status")
    for fmt in ("curl", "httpie", "python"):
        assert parser.parse(fmt) == Export(fmt)
    assert parser.parse("history") == HistoryCommand("")
    assert parser.parse("history apps 404") == HistoryCommand("apps 404")
    assert parser.parse("help") == Help()
    assert parser.parse("help next") == Help("next")
    assert parser.parse("exit") == Exit()
    assert parser.parse("quit") == Exit()
    assert parser.parse("") == Empty()
    assert parser.parse("   # just a comment") == Empty()


def test_doc_and_example(parser: Parser, spec: ApiSpec) -> None:
    assert parser.parse("doc") == Doc()
    app = spec.resource("app")
    assert parser.parse("doc app") == Doc(app)
    assert parser.parse("doc apps info") == Doc(app, spec.action("app.info"))
    info = spec.action("app.info")
    assert app is not None and info is not None
    assert parser.parse("example app info") == Example(app, info)


def test_overview_topics(parser: Parser, spec: ApiSpec) -> None:
    assert parser.parse("overview") == Overview()
    ranges = spec.doc("Ranges")
    assert ranges is not None
    assert parser.parse("overview ranges") == Overview(ranges)
    assert parser.parse("overview RANG") == Overview(ranges)
    custom = spec.doc("Custom Types")
    assert parser.parse("overview custom types") == Overview(custom)


def test_set_and_unset(parser: Parser) -> None:
    assert parser.parse("set app=my-app") == SetDefaults((("app", "app", "my-app"),))
    assert parser.parse("set addon=x") == SetDefaults((("add-on", "addon", "x"),))
    assert parser.parse("set") == SetDefaults()
    assert parser.parse("unset app") == UnsetDefaults(("app",))
    assert parser.parse("unset") == UnsetDefaults()


# -- errors ----------------------------------------------------------------------------------


def error(parser: Parser, line: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parser.parse(line)
    return info.value


def test_unknown_resource_suggests(parser: Parser) -> None:
    err = error(parser, "ap list")
    assert err.position == 0 and err.end == 2
    assert err.suggestions[0] == "app"
    assert "did you mean 'app'" in str(err)


def test_unknown_action_suggests(parser: Parser) -> None:
    err = error(parser, "app lst")
    assert err.position == 4
    assert err.suggestions == ("list",)


def test_unknown_parameter_suggests(parser: Parser) -> None:
    err = error(parser, "app create nmae=demo")
    assert err.position == 11
    assert err.suggestions[0] == "name"
    err = error(parser, "app info ap=x")
    assert err.suggestions[0] == "app"


def test_unknown_option_and_missing_values(parser: Parser) -> None:
    assert error(parser, "app list --rnge x").suggestions[0] == "--range"
    assert "needs a value" in str(error(parser, "app list -H"))
    assert "Name: value" in str(error(parser, "app list -H nocolon"))
    assert "bad range" in str(error(parser, "app list --range 'name ..; max=0'"))


def test_bad_json_points_into_the_value(parser: Parser) -> None:
    line = "app update app=x maintenance:={bad"
    err = error(parser, line)
    assert "bad JSON" in str(err)
    assert err.position == line.index("{") + 1
    assert "needs a JSON value" in str(error(parser, "app update app=x name:="))
    assert "bad JSON" in str(error(parser, "app update app=x name:=NaN"))


def test_structure_errors(parser: Parser) -> None:
    assert "never closed" in str(error(parser, "app info 'x"))
    assert "needs an action" in str(error(parser, "app"))
    assert "unexpected word" in str(error(parser, "app info a b"))
    assert "twice" in str(error(parser, "app info app=a app=b"))
    assert "path that starts with '/'" in str(error(parser, "GET"))
    assert "takes no more" in str(error(parser, "headers extra"))
    assert "example needs" in str(error(parser, "example app"))
    assert error(parser, "set apq=x").suggestions[0] == "app"
    assert "not a path parameter" in str(error(parser, "unset nothing"))
    assert "no overview topic" in str(error(parser, "overview nothing-like-it"))
    assert "only takes -v" in str(error(parser, "next -H 'A: b'"))


def test_caret_marks_the_place(parser: Parser) -> None:
    err = error(parser, "app lst")
    assert err.caret("app lst") == "app lst\n    ^~~"


def test_tokenizer_quotes_and_escapes() -> None:
    words = tokenize(r"""a 'b c' "d \"e\"" f\ g h#i # comment""")
    assert [w.text for w in words] == ["a", "b c", 'd "e"', "f g", "h#i"]
    assert [w.start for w in words] == [0, 2, 8, 18, 23]
    partial = tokenize("a 'open", partial=True)
    assert partial[-1].text == "open" and not partial[-1].closed


def test_works_with_the_modern_schema() -> None:
    path = REFERENCE_DIR / "heroku-platform-api-schema.json"
    if not path.exists():
        pytest.skip(f"reference schema not found at {path}")
    parser = Parser(load_path(path))
    command = call(parser, "addon info add-on=x")
    assert values(command) == {"add_on_id_or_name": "x"}
    assert values(call(parser, "app create name=demo region=eu")) == {"name": "demo",
                                                                       "region": "eu"}


# -- nothing but ParseError ----------------------------------------------------------------

_ALPHABET = st.sampled_from([
    *"aAppz -_=:'\"\\/{}[],#.0123456789\t",
    "app ", "info ", "create ", "config-var ", "update ", "FOO=", ":=", "-H ", "--range ",
    "-v ", "set ", "unset ", "doc ", "example ", "overview ", "next ", "GET ", "PATCH ",
    "/apps/", "null", "true", "max=", "..", ";", "app=", "name=", "region:", "\x00", "é",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=16).map("".join))
def test_grammar_shaped_input_raises_only_parse_errors(line: str) -> None:
    parser = _shared_parser()
    try:
        parser.parse(line)
    except ParseError as err:
        assert 0 <= err.position <= len(line)
        assert str(err)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_random_text_raises_only_parse_errors(line: str) -> None:
    with contextlib.suppress(ParseError):
        _shared_parser().parse(line)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80))
def test_random_bytes_raise_only_parse_errors(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        _shared_parser().parse(data.decode("utf-8", errors="replace"))


_PARSERS: list[Parser] = []


def _shared_parser() -> Parser:
    if not _PARSERS:
        _PARSERS.append(Parser(load_bundled()))
    return _PARSERS[0]
