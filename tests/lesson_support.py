"""What the lesson tests share: a sandbox session wired as the runtime wires it,
and for every lesson the lines that complete it and a wrong attempt that must not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from heroku_explorer.client import HerokuClient
from heroku_explorer.config import Config
from heroku_explorer.lessons import LESSONS
from heroku_explorer.request import RequestSpec
from heroku_explorer.runtime import SANDBOX_BASE_URL, Setup
from heroku_explorer.sandbox.presets import DEPRECATED_STACKS
from heroku_explorer.schema import ApiSpec


def sandbox_factory(spec: ApiSpec) -> Callable[[], HerokuClient]:
    """The runtime's own client factory in sandbox mode (no history file)."""
    setup = Setup(mode="SANDBOX", base_url=SANDBOX_BASE_URL, credentials=None, config=Config(),
                  variant="3", timeout=30.0, read_only=False, load=lambda: (spec, None),
                  history_mode="off")
    return setup.client_factory()


@dataclass(frozen=True)
class Names:
    """Apps of the seeded sandbox, looked up, never assumed."""

    app: str
    other: str
    """Another app (not the one on a deprecated stack)."""
    old: str
    """An app on a deprecated stack."""
    process: str
    """A process type in ``app``'s formation."""

    def fill(self, lines: list[str]) -> list[str]:
        return [line.format(app=self.app, other=self.other, old=self.old,
                            process=self.process) for line in lines]


def _stack(app: dict[str, Any], key: str) -> str:
    stack = app.get(key)
    return str(stack.get("name") if isinstance(stack, dict) else stack)


async def look_up(client: HerokuClient) -> Names:
    apps = (await client.send(RequestSpec(method="GET", path="/apps"))).data
    fresh = [a["name"] for a in apps
             if _stack(a, "stack") not in DEPRECATED_STACKS
             and _stack(a, "build_stack") not in DEPRECATED_STACKS]
    old = next(a["name"] for a in apps if _stack(a, "stack") in DEPRECATED_STACKS)
    app = fresh[0]
    other = next(a["name"] for a in apps if a["name"] not in (app, old))
    formation = (await client.send(RequestSpec(method="GET", path=f"/apps/{app}/formation"))).data
    return Names(app=app, other=other, old=old, process=formation[0]["type"])


#: Per lesson: the lines that complete it, and a wrong attempt that must not.
SCRIPTS: dict[str, tuple[list[str], list[str]]] = {
    "tour": (["app list", "app info {app}"], ["app list", "GET /account"]),
    "auth": (["GET /account -H 'Authorization: Bearer wrong'", "GET /account"],
             ["GET /account -H 'Authorization: Bearer wrong'", "app list"]),
    "versions": (["GET /account -H 'Accept: application/json'", "GET /account"],
                 ["GET /account -H 'Accept: application/json'", "app list"]),
    "caching": (["app info {app}", "revalidate"],
                ["app info {app}", "GET /apps/{other} -H 'If-None-Match: *'"]),
    "integrity": (["app update {app} maintenance:=true -H 'If-Match: \"stale\"'",
                   "app info {app}", "app update {app} maintenance:=true --if-match"],
                  ["app update {app} maintenance:=true -H 'If-Match: \"stale\"'",
                   "app info {other}", "app update {other} maintenance:=true --if-match"]),
    "ranges": (["app list --range 'name ..; max=10'", "next", "next"],
               ["app list --range 'name ..; max=10'", "next",
                "app list --range 'name ..; max=20'", "next"]),
    "ratelimits": (["account info"] * 5, ["account info"] * 3),
    "override": (["POST /apps/{app} -H 'X-Http-Method-Override: PATCH' maintenance:=false"],
                 ["app update {app} maintenance:=false",
                  "POST /apps/{app} -H 'X-Http-Method-Override: DELETE' maintenance:=false"]),
    "errors": (["app info no-such-app"], ["GET /no-such-thing", "app info {app}"]),
    "request-ids": (["account info", "account info"], ["account info", "app list"]),
    "warnings": (["app info {old}"], ["app info {app}", "app list"]),
    "app-life": (["app create name=my-first-app",
                  "config-var update my-first-app GREETING=hello",
                  "domain create my-first-app hostname=www.example.com"],
                 ["app create name=my-first-app",
                  "config-var update {app} GREETING=hello",
                  "domain create {app} hostname=www.example.com"]),
    "releases": (["config-var update {app} GREETING=hello", "release list {app}"],
                 ["config-var update {app} GREETING=hello", "release list {other}"]),
    "formation": (["formation update {app} {process} quantity:=2", "dyno list {app}"],
                  ["formation update {app} {process} quantity:=2", "dyno list {other}"]),
    "addons-logs": (["addon create {app} plan=heroku-redis:mini", "log-session create {app}"],
                    ["addon create {app} plan=heroku-redis:mini",
                     "log-session create {other}"]),
}


# -- the explorer: the Learn screen driven by keys, requests sent by the workbench ------


async def start_lesson(pilot: Any, name: str) -> None:
    """On the Learn screen: move to the lesson and press Enter."""
    from textual.widgets import OptionList

    from heroku_explorer.tui.screens.learn import LearnScreen
    from tests.tui_support import settle

    app = pilot.app
    await settle(pilot)
    assert isinstance(app.screen, LearnScreen)
    index = [lesson.name for lesson in LESSONS].index(name)
    options = app.screen.query_one(OptionList)
    options.focus()
    for _ in range(index):
        await pilot.press("down")
    assert options.highlighted == index
    await pilot.press("enter")
    await settle(pilot)


async def send_line(pilot: Any, words: Any, line: str) -> None:
    """One line of the REPL language (parsed by ``words``, a REPL session on the
    explorer's client), sent by the explorer's workbench."""
    from heroku_explorer.repl.build import build_call, build_raw
    from heroku_explorer.repl.commands import Call, Next, Raw, Revalidate
    from heroku_explorer.tui.widgets.workbench import Workbench
    from tests.tui_support import settle

    app = pilot.app
    bench = app.screen.query_one(Workbench)
    command = words.parser.parse(line)
    last = app.session[-1] if app.session else None
    client = await app.get_client()
    match command:
        case Call(action=action):
            bench.send(build_call(words, command), action)
        case Raw():
            bench.send(build_raw(words, command), None)
        case Next():
            bench.send(client.next_page(last), None)
        case Revalidate():
            bench.send(last.spec, None, revalidate_from=last)
    await settle(pilot)


def learn_app(spec: ApiSpec | None = None, *, mode: str = "SANDBOX",
              numbered: bool = False) -> Any:
    """The explorer as ``heroku-explorer learn`` starts it, on the runtime's sandbox
    (with numbered Request-Ids for pictures when ``numbered``)."""
    from heroku_explorer.schema import load_bundled
    from heroku_explorer.tui.app import ExplorerApp
    from tests.tui_support import NumberedRequestIds

    spec = spec or load_bundled()
    make = sandbox_factory(spec)

    def factory() -> HerokuClient:
        client = make()
        transport: Any = client._transport
        if numbered:
            transport.app = NumberedRequestIds(transport.app)
        return client

    return ExplorerApp(spec, factory, mode=mode,  # type: ignore[arg-type]
                       base_url=SANDBOX_BASE_URL, learn=True)


async def learn_screen(pilot: Any) -> None:
    """The Learn screen with two lessons done (pictures)."""
    from tests.tui_support import quiet

    app = pilot.app
    await quiet(pilot)
    for name in ("tour", "auth"):
        app.tutor.progress.mark(name)
    app.screen.refresh_list()
    await quiet(pilot)


async def lesson_explained(pilot: Any) -> None:
    """The caching lesson met in the explorer: its explanation in the side panel."""
    import io

    from heroku_explorer.repl.render import Console
    from heroku_explorer.repl.session import Session
    from tests.tui_support import quiet

    app = pilot.app
    client = await app.get_client()
    names = await look_up(client)
    words = Session(app.spec, client, Console(io.StringIO(), io.StringIO()))
    await start_lesson(pilot, "caching")
    for line in names.fill(SCRIPTS["caching"][0]):
        await send_line(pilot, words, line)
    await quiet(pilot)


#: Where today's schema asks for more than the 2013 manifest (a domain's SNI endpoint).
TODAY: dict[str, tuple[list[str], list[str]]] = {
    "app-life": (["app create name=my-first-app",
                  "config-var update my-first-app GREETING=hello",
                  "domain create my-first-app hostname=https://www.example.com "
                  "sni_endpoint:=null"],
                 ["app create name=my-first-app",
                  "config-var update {app} GREETING=hello",
                  "domain create {app} hostname=https://www.example.com sni_endpoint:=null"]),
}
