"""What the REPL asks and shows around a line: the prompt, the toolbar under it,
and the questions a request may need answered (a destruction's target, a
second-factor code), none of them kept in the history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

    from heroku_explorer.client.client import HerokuClient
    from heroku_explorer.policy import Destruction
    from heroku_explorer.repl.session import Session

__all__ = ["PromptState", "code_asker", "confirmer", "prompt_text", "toolbar"]


class PromptState(Protocol):
    """What the toolbar reads: the session and the client, once they are ready."""

    @property
    def session(self) -> Session | None: ...

    @property
    def client_if_ready(self) -> HerokuClient | None: ...


def confirmer(input: Input | None,
              output: Output | None) -> Callable[[Destruction], Awaitable[str | None]]:
    """Asks for the name of what a request destroys; kept in no history."""
    from prompt_toolkit import PromptSession

    async def ask(destruction: Destruction) -> str | None:
        asker: PromptSession[str] = PromptSession(input=input, output=output)
        target = visible(destruction.target, single_line=True)
        try:
            return await asker.prompt_async(
                f"{destruction.summary}\nType {target} to confirm (anything else cancels): ")
        except (EOFError, KeyboardInterrupt):
            return None

    return ask


def code_asker(input: Input | None,
               output: Output | None) -> Callable[[str], Awaitable[str | None]]:
    """Asks for a second-factor code: hidden as typed, kept in no history."""
    from prompt_toolkit import PromptSession

    async def ask(message: str) -> str | None:
        asker: PromptSession[str] = PromptSession(input=input, output=output)
        try:
            code = await asker.prompt_async(message, is_password=True)
        except (EOFError, KeyboardInterrupt):
            return None
        return code.strip() or None

    return ask


def prompt_text(session: Session | None) -> str:
    """``heroku my-app> `` once ``set app=my-app``, else ``heroku> ``."""
    app = session.defaults.get("app") if session is not None else None
    return f"heroku {visible(app, single_line=True)}> " if app else "heroku> "


def toolbar(engine: PromptState) -> str:
    """The line under the prompt: the mode, the rate limit left, the last answer."""
    parts = ["Tab completes", "help", "Ctrl-D exits"]
    session = engine.session
    if session is None:
        return " loading… · " + " · ".join(parts)
    client = engine.client_if_ready
    if client is not None:
        if client.ratelimit_remaining is not None:
            parts.insert(0, f"RateLimit-Remaining {client.ratelimit_remaining}")
        # As the explorer says it: SANDBOX, or LIVE and the host requests go to.
        mode = session.mode
        parts.insert(0, "SANDBOX" if mode == "SANDBOX" else f"LIVE {client.base_url.host}")
    if session.last is not None:
        parts.insert(0, f"last: {session.last.summary}")
    # The reason phrase, the host: words a server or a person chose, shown inert.
    return visible(" " + " · ".join(parts), single_line=True)
