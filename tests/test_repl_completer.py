"""Completion on prompt_toolkit Document objects: no terminal needed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.completion import CompleteEvent, Completion
from prompt_toolkit.document import Document

from heroku_explorer.repl.completer import ReplCompleter
from heroku_explorer.schema import (
    Action,
    ApiSpec,
    Attribute,
    Body,
    Param,
    Resource,
    SpecSource,
    load_bundled,
)


class FakeState:
    def __init__(self, seen: dict[str, list[str]], defaults: dict[str, str]) -> None:
        self._seen = seen
        self._defaults = defaults

    def seen(self, resource_key: str) -> Sequence[str]:
        return self._seen.get(resource_key, [])

    @property
    def defaults(self) -> Mapping[str, str]:
        return self._defaults



@pytest.fixture
def completer(spec: ApiSpec) -> ReplCompleter:
    state = FakeState({"app": ["demo", "staging-app"], "add-on": ["heroku-postgresql-1"]}, {})
    return ReplCompleter(spec, state)


def complete(completer: ReplCompleter, text: str, cursor: int | None = None) -> list[Completion]:
    doc = Document(text, cursor_position=len(text) if cursor is None else cursor)
    return list(completer.get_completions(doc, CompleteEvent(completion_requested=True)))


def texts(completions: list[Completion]) -> list[str]:
    return [c.text for c in completions]


def test_first_word_offers_resources_commands_and_methods(completer: ReplCompleter) -> None:
    words = texts(complete(completer, ""))
    assert "app" in words and "config-var" in words
    assert "next" in words and "doc" in words
    assert "GET" in words


def test_prefix_completion_replaces_the_word(completer: ReplCompleter) -> None:
    got = complete(completer, "ap")
    assert got[0].text == "app"
    assert got[0].start_position == -2
    assert all(c.text.startswith("ap") for c in got)


def test_actions_with_method_and_path(completer: ReplCompleter) -> None:
    got = complete(completer, "app ")
    assert texts(got) == ["create", "list", "info", "update", "delete"]
    info = got[2]
    assert "GET /apps/{app_id_or_name}" in info.display_meta_text
    assert texts(complete(completer, "app i")) == ["info"]


def test_parameter_names_required_first_with_type_and_description(
    completer: ReplCompleter,
) -> None:
    got = complete(completer, "domain create ")
    assert texts(got)[:2] == ["app=", "hostname="]
    assert got[0].display_meta_text.startswith("required")
    hostname = got[1].display_meta_text
    assert "required" in hostname and "string" in hostname


def test_given_parameters_are_not_offered_again(completer: ReplCompleter) -> None:
    assert "name=" in texts(complete(completer, "app update app=x "))
    assert "name=" not in texts(complete(completer, "app update app=x name=y "))


def test_optional_body_parameters(completer: ReplCompleter) -> None:
    got = complete(completer, "app create ")
    assert set(texts(got)) == {"name=", "region=", "stack="}
    assert texts(complete(completer, "app create re")) == ["region="]


def test_seen_values_for_path_parameters(completer: ReplCompleter) -> None:
    got = complete(completer, "app info app=")
    assert texts(got)[:2] == ["demo", "staging-app"]
    assert got[0].display_meta_text == "seen app"
    assert texts(complete(completer, "app info app=st")) == ["staging-app"]
    quoted = complete(completer, "app info app='de")
    assert texts(quoted)[0] == "demo" and quoted[0].start_position == -3


def test_boolean_values_and_examples(completer: ReplCompleter) -> None:
    assert texts(complete(completer, "app update app=x maintenance=")) == ["true", "false"]
    assert texts(complete(completer, "app update app=x maintenance:=f")) == ["false"]
    assert texts(complete(completer, "app-transfer update transfer=x state=")) == ["pending"]


def test_enum_values() -> None:
    state = Attribute("state", types=("string",), enum=("pending", "accepted", "declined"),
                      description="the new state")
    action = Action(resource="transfer", key="update", title="Update", method="PATCH",
                    path="/transfers/{transfer_id}", raw_href="/transfers/{transfer_id}",
                    path_params=(Param("transfer_id", "path", True,
                                       Attribute("transfer_id", types=("string",))),),
                    body=Body(params=(Param("state", "body", True, state),)))
    spec = ApiSpec(source=SpecSource(format="hyper-schema", origin="test"), title="t",
                   resources=(Resource(key="transfer", name="Transfer", actions=(action,)),))
    completer = ReplCompleter(spec)
    got = complete(completer, "transfer update transfer=x state=")
    assert texts(got) == ["pending", "accepted", "declined"]
    assert got[0].display_meta_text == "allowed value"
    assert texts(complete(completer, "transfer update transfer=x state=ac")) == ["accepted"]
    assert texts(complete(completer, "transfer update transfer=x state:=d")) == ["'\"declined\"'"]


def test_defaults_rank_and_fill(spec: ApiSpec) -> None:
    completer = ReplCompleter(spec, FakeState({}, {"app": "demo"}))
    got = complete(completer, "domain create ")
    assert texts(got)[0] == "hostname="
    app = next(c for c in got if c.text == "app=")
    assert "default demo" in app.display_meta_text
    assert texts(complete(completer, "set app=")) == ["demo"]
    assert texts(complete(completer, "unset ")) == ["app"]


def test_map_body_offers_a_key_placeholder(completer: ReplCompleter) -> None:
    assert "KEY=" in texts(complete(completer, "config-var update app=x "))


def test_options_and_their_values(completer: ReplCompleter) -> None:
    opts = texts(complete(completer, "app list -"))
    assert {"-H", "--range", "-v", "--json", "--if-match"} <= set(opts)
    assert "'If-Match: *'" in texts(complete(completer, "app list -H "))
    ranges = texts(complete(completer, "app list --range "))
    assert ranges and all(r.startswith("'") and r.endswith("..; max=10'") for r in ranges)


def test_session_command_arguments(completer: ReplCompleter) -> None:
    assert "app" in texts(complete(completer, "doc "))
    assert texts(complete(completer, "example app cr")) == ["create"]
    assert "Ranges" in texts(complete(completer, "overview "))
    assert "next" in texts(complete(completer, "help "))
    assert "app=" in texts(complete(completer, "set "))


def test_raw_paths_use_defaults(spec: ApiSpec) -> None:
    completer = ReplCompleter(spec, FakeState({}, {"app": "demo"}))
    paths = texts(complete(completer, "GET /apps/"))
    assert "/apps/demo" in paths and "/apps/demo/config-vars" in paths


def test_cursor_in_the_middle_uses_text_before_it(completer: ReplCompleter) -> None:
    assert texts(complete(completer, "app i app=x", cursor=5)) == ["info"]


def test_nothing_for_unknown_words(completer: ReplCompleter) -> None:
    assert complete(completer, "nosuch ") == []
    assert complete(completer, "app nosuch ") == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_random_text_never_raises(text: str) -> None:
    completer = _shared()
    list(completer.get_completions(Document(text), CompleteEvent()))


_SHARED: list[ReplCompleter] = []


def _shared() -> ReplCompleter:
    if not _SHARED:
        _SHARED.append(ReplCompleter(load_bundled(), FakeState({"app": ["x"]}, {"app": "x"})))
    return _SHARED[0]
