"""What a person does with the answer on show (a mixin of :class:`ResponseView`):
copy its body, request id or an export (curl, HTTPie, Python) to the clipboard,
save the whole body to a file, or read it in ``$PAGER``. Exports go through the
client, which scrubs the secrets it knows and never inlines the token."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from typing import TYPE_CHECKING, cast

from heroku_explorer.safe_text import visible
from heroku_explorer.tui.widgets.json_text import pretty
from heroku_explorer.tui.widgets.text import format_size

if TYPE_CHECKING:
    from pathlib import Path

    from heroku_explorer.client import HerokuClient
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.tui.widgets.response_view import ResponseView

__all__ = ["AnswerActionsMixin"]


class AnswerActionsMixin:
    def _view(self) -> ResponseView:
        # The mixin is only ever part of ResponseView.
        return cast("ResponseView", self)

    # -- copy and pager -----------------------------------------------------------

    def action_copy(self, what: str) -> None:
        view = self._view()
        ex = view.exchange
        if ex is None:
            view.notify("Nothing to copy yet.", severity="warning")
            return
        if what == "body":
            body = self._whole_body(ex)
            if body is None:
                return
            text = body.decode("utf-8", errors="replace")
        elif what in ("curl", "httpie", "python"):
            text = self._export(ex, what)
        else:
            text = ex.request_id or ""
        if not text:
            view.notify(f"This answer has no {what}.", severity="warning")
            return
        view.app.copy_to_clipboard(text)
        view.notify(f"Copied the {what.replace('-', ' ')} ({len(text)} characters).")

    def _export(self, ex: Exchange, what: str = "curl") -> str:
        """``ex`` as curl, HTTPie or Python through the client's export: secrets it
        knows are scrubbed and the token is never inlined."""
        from heroku_explorer.client.exports import Format, export

        kind: Format = "httpie" if what == "httpie" else "python" if what == "python" else "curl"
        client: HerokuClient | None = getattr(self._view().app, "client", None)
        if client is not None:
            return client.export(ex, kind)
        return export(ex, kind)

    def action_save_body(self) -> None:
        """Ask for a path and save the whole body there (as received; mode 0600)."""
        from pathlib import Path

        from heroku_explorer.tui.screens.ask_path import AskPathScreen

        view = self._view()
        ex = view.exchange
        if ex is None:
            view.notify("Nothing to save yet: send a request first.", severity="warning")
            return
        body = self._whole_body(ex)
        if body is None:
            return
        if not body:
            view.notify("This answer has no body to save.", severity="warning")
            return
        stem = (ex.action_id or "response").replace(".", "-")
        suffix = ".json" if ex.body_state == "json" else ".txt"
        proposal = str(Path.cwd() / f"{stem}{suffix}")

        def chosen(path: str | None) -> None:
            if path:
                self._save(Path(path), body)

        view.app.push_screen(AskPathScreen(
            "Save the body to a file", proposal,
            f"{format_size(len(body))}, as received (mode 0600)."), chosen)

    def _save(self, path: Path, body: bytes) -> None:
        from heroku_explorer.tui.files import save_file

        view = self._view()
        try:
            saved = save_file(path, body)
        except OSError as exc:
            view.notify(visible(f"Not saved to {path}: {exc.strerror or exc}.",
                                single_line=True), severity="error", timeout=8)
            return
        view.notify(visible(f"Saved {format_size(len(body))} to {saved} (mode 0600).",
                            single_line=True))

    def _whole_body(self, ex: Exchange) -> bytes | None:
        """The whole body, or ``None`` (and a notification) when its file is gone."""
        view = self._view()
        try:
            return ex.full_body()
        except OSError:
            view.notify(f"The whole body is no longer on disk (only the first {len(ex.body):,} "
                        "bytes were kept); send the request again to see it all.",
                        severity="warning")
            return None

    def action_pager(self) -> None:
        view = self._view()
        ex = view.exchange
        if ex is None:
            return
        # The pager gets the body as the view shows it: control characters as escapes
        # (``less -R`` would pass colour sequences from the server to the terminal).
        if ex.body_state == "json":
            body = visible(pretty(ex.data)).encode("utf-8")
        else:
            whole = self._whole_body(ex)
            if whole is None:
                return
            body = visible(whole.decode("utf-8", errors="replace")).encode("utf-8")
        pager = shlex.split(os.environ.get("PAGER") or "less -R")
        with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as handle:
            handle.write(body)
        try:
            with view.app.suspend():
                subprocess.run([*pager, handle.name], check=False)
        except (OSError, Exception) as exc:  # no pager, or a driver that cannot suspend
            view.notify(f"Could not open the pager: {exc}", severity="error")
        finally:
            os.unlink(handle.name)
