"""The workbench: the request tabs, the response view and the mediation between them.

It builds requests (through :func:`heroku_explorer.request.build_request`), asks
:mod:`heroku_explorer.policy` what may be sent and what must be confirmed, sends
in an exclusive worker and hands the answer back down. Problems become one
message in the response view plus a notification, in :meth:`Workbench._report`.
What a person typed for an action (fields and headers) is that action's draft
(:class:`heroku_explorer.policy.Drafts`): opening another action starts from its
own. The explorer screen mounts it right after the first frame, so that its
imports and widgets do not delay the tree.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static, TabbedContent, TabPane

from heroku_explorer.client.exports import WireRequest, export, scrub, unsent
from heroku_explorer.errors import RequestInvalid, ValidationError
from heroku_explorer.examples import example_request
from heroku_explorer.policy import (
    Drafts,
    describe_error,
    needs_confirmation,
    needs_second_factor,
    read_only_refusal,
    second_factor_prompt,
)
from heroku_explorer.protocol import HeaderName
from heroku_explorer.request import RequestSpec, build_request
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action, Resource
from heroku_explorer.tui.context import ExplorerContext
from heroku_explorer.tui.screens.confirm import ConfirmScreen
from heroku_explorer.tui.screens.drill import (
    DrillScreen,
    drill_targets,
    identity_value,
    param_resource,
)
from heroku_explorer.tui.screens.two_factor import TwoFactorScreen
from heroku_explorer.tui.widgets.docs_panel import DocsPanel
from heroku_explorer.tui.widgets.follow_ups import FollowUpsMixin
from heroku_explorer.tui.widgets.headers_tab import HeadersTab
from heroku_explorer.tui.widgets.param_form import ParamForm, field_of
from heroku_explorer.tui.widgets.request_preview import ExampleView, RequestPreview
from heroku_explorer.tui.widgets.response_view import ResponseView
from heroku_explorer.tui.widgets.text import show_text

if TYPE_CHECKING:
    from heroku_explorer.client import HerokuClient
    from heroku_explorer.client.response import Exchange

__all__ = ["Workbench"]

_HEADER_FIELDS = ("header", "range")
#: Headers of the Headers tab, in the order the Params tab's note names them.
_NOTED = (HeaderName.IF_MATCH, HeaderName.IF_NONE_MATCH, HeaderName.RANGE)


class Workbench(FollowUpsMixin, Vertical):
    """Docs, form, headers, preview and example above the response view."""

    @dataclass
    class ActionOpened(Message):
        """An action was opened in the form (from the tree, the palette or a drill-down)."""

        action: Action

    @dataclass
    class ExchangeShown(Message):
        """An answer is on screen: the status bar picks up its facts."""

        exchange: Exchange

    def __init__(self, context: ExplorerContext) -> None:
        super().__init__(id="workbench")
        self.host = context
        self.spec = context.spec
        self.current: Action | None = None
        self.last_exchange: Exchange | None = None
        self.last_values: dict[str, Any] = {}
        self.seen: dict[str, list[str]] = {}
        """Identities seen in answers, by resource key: suggestions for path inputs."""
        self.drafts = Drafts()
        """What was typed for each action (fields and headers), for the session."""

    def compose(self) -> ComposeResult:
        yield Static(Content("Open an action: Enter in the tree, or ctrl+p to search."),
                     id="action-bar")
        with TabbedContent(id="request-tabs", initial="tab-docs"):
            with TabPane("Docs", id="tab-docs"):
                yield DocsPanel(self.spec, id="docs")
            with TabPane("Params", id="tab-params"):
                yield Static("", id="params-note", classes="-empty")
                yield ParamForm(id="form")
            with TabPane("Headers", id="tab-headers-req"):
                yield HeadersTab(id="headers")
            with TabPane("Preview", id="tab-preview"):
                yield RequestPreview(id="preview")
            with TabPane("Example", id="tab-example"):
                yield ExampleView(id="example")
        yield ResponseView(id="response")

    def show_docs(self, item: Resource | Action) -> None:
        """Document the item under the tree's cursor (and its example)."""
        self.query_one(DocsPanel).show(item)
        self._example(item if isinstance(item, Action) else None)

    def _example(self, action: Action | None) -> None:
        view = self.query_one(ExampleView)
        if action is None:
            view.show(self.host.spec, None, None)
            return
        spec, problem = example_request(action)
        curl = self._curl(spec) if spec is not None else None
        view.show(self.host.spec, action, curl, problem)

    async def open_action(self, action: Action, values: dict[str, Any] | None = None) -> None:
        """Build the form for ``action`` from its draft, fill ``values`` over it and show
        the Params tab. What the previous action held is kept in its own draft."""
        self.save_draft()
        self.current = None  # no preview of the old headers with the new action
        res = self.host.spec.resource(action.resource)
        bar = self.query_one("#action-bar", Static)
        bar.update(Content.assemble(
            (f" {action.method} ", f"bold reverse {_method_style(action.method)}"), " ",
            (visible(f"{res.name if res else action.resource} {action.title}",
                     single_line=True), "bold"), "  ",
            (visible(action.path, single_line=True), "dim"), ("   ctrl+j sends", "dim italic")))
        self.query_one(DocsPanel).show(action)
        self._example(action)
        draft = self.drafts.get(action.id)
        tab = self.query_one(HeadersTab)
        tab.set_action(action)
        tab.restore(draft.headers)
        form = self.query_one(ParamForm)
        suggestions = {p.name: self.seen.get(param_resource(self.host.spec, p) or "", [])
                       for p in action.path_params}
        await form.load(action, values, suggestions, draft.fields)
        self.current = action
        tabs = self.query_one("#request-tabs", TabbedContent)
        tabs.active = "tab-params" if form.rows else "tab-docs"
        self._refresh_preview()
        self.post_message(self.ActionOpened(action))
        if form.rows:
            first = next(iter(form.rows.values()))
            self.call_after_refresh(first.widget.focus)

    def save_draft(self) -> None:
        """Keep what the open action's form and Headers tab hold, in its draft."""
        action = self.current
        if action is not None:
            self.drafts.save(action.id, self.query_one(ParamForm).state(),
                             self.query_one(HeadersTab).state())

    # -- building ---------------------------------------------------------------------

    def _build(self, *, everywhere: bool) -> tuple[RequestSpec | None, list[ValidationError]]:
        action = self.current
        if action is None:
            return None, []
        form = self.query_one(ParamForm)
        tab = self.query_one(HeadersTab)
        values, errors = form.collect()
        headers, header_errors = tab.headers()
        range_spec, range_errors = tab.range_spec()
        errors += header_errors + range_errors
        spec: RequestSpec | None = None
        try:
            spec = build_request(action, values, headers=headers, range=range_spec)
            # The ETag offered is the newest seen for this URL, not the last of any answer.
            client = self.host.client
            tab.set_offered(client.etag_for(spec) if client is not None else None)
            if_none_match, if_match = tab.if_none_match(), tab.if_match()
            if if_none_match is not None or if_match is not None:
                spec = build_request(action, values, headers=headers, range=range_spec,
                                     if_none_match=if_none_match, if_match=if_match)
        except RequestInvalid as exc:
            bad = {field_of(e) for e in errors}
            errors += [e for e in exc.errors if field_of(e) not in bad]
        if errors:
            spec = None
        form.show_errors([e for e in errors if not e.field.startswith(_HEADER_FIELDS)],
                         everywhere=everywhere)
        tab.show_errors(errors)
        self.last_values = values
        return spec, errors

    def _wire(self, spec: RequestSpec) -> WireRequest:
        """What the client would send for ``spec`` (its own ``prepare`` once it is open),
        with any secret it holds (a token typed into a header) shown as ``[REDACTED]``."""
        host = self.host
        if host.client is not None:
            return _scrubbed(host.client, spec)
        return unsent(spec, host.base_url, variant=host.variant,
                      authenticated=host.mode == "LIVE")

    def _curl(self, spec: RequestSpec) -> str:
        """``spec`` as curl, through the client's export (secrets scrubbed, the token
        never inlined); before the client is open, the unsent stand-in (no token)."""
        host = self.host
        if host.client is not None:
            return host.client.export(spec, "curl")
        return export(unsent(spec, host.base_url, variant=host.variant,
                             authenticated=host.mode == "LIVE"), "curl")

    def _refresh_preview(self) -> None:
        spec, errors = self._build(everywhere=False)
        preview = self.query_one(RequestPreview)
        if spec is None:
            preview.show(None, None, errors)
        else:
            preview.show(self._wire(spec), self._curl(spec))
        show_text(self.query_one("#params-note", Static), self._header_note(spec))

    def _header_note(self, spec: RequestSpec | None) -> str:
        """One line for the Params tab naming what the Headers tab adds to the request."""
        tab = self.query_one(HeadersTab)
        noted = {n.lower() for n in _NOTED}
        pairs: list[tuple[str, str | None]] = (
            [(k, v) for k, v in spec.headers if k.lower() in noted] if spec is not None
            else [(HeaderName.IF_MATCH, tab.if_match()),
                  (HeaderName.IF_NONE_MATCH, tab.if_none_match())])
        extra = [k for k, _ in tab.headers()[0]]
        bits = [f"{name} {value}" for name, value in pairs if value]
        if extra:
            bits.append("extra " + ", ".join(extra))
        if not bits:
            action = self.current
            if action is not None and action.is_list:
                return "Paging and order (Range): set in the Headers tab; none set now."
            return ""
        return visible(f"Headers: {', '.join(bits)} (Headers tab)", single_line=True)

    @on(ParamForm.ValuesChanged)
    @on(HeadersTab.ValuesChanged)
    def _values_changed(self) -> None:
        if self.current is not None:
            self._refresh_preview()

    @on(ParamForm.Submitted)
    def _form_submitted(self) -> None:
        self.send_form()

    # -- sending ----------------------------------------------------------------------

    def send_form(self) -> None:
        """Send what the form holds, or show why it cannot be sent."""
        if self.current is None:
            self.notify("Open an action first: Enter on it in the tree.", severity="warning")
            return
        spec, errors = self._build(everywhere=True)
        if spec is None:
            count = len(errors)
            self._report(f"Not sent: {count} problem{'s' if count != 1 else ''} to fix "
                         f"({'; '.join(str(e) for e in errors[:3])})", severity="warning")
            row = self.query_one(ParamForm).first_invalid()
            if row is not None:
                self.query_one("#request-tabs", TabbedContent).active = "tab-params"
                row.widget.focus()
            return
        self.send(spec, self.current)

    @work(exclusive=True, group="send")
    async def send(self, spec: RequestSpec, action: Action | None, *,
                   revalidate_from: Exchange | None = None) -> None:
        """Check the rules of :mod:`heroku_explorer.policy`, send, and show the answer
        (or why not). Nothing raised in here ends the app: it becomes one sentence."""
        try:
            await self._send(spec, action, revalidate_from)
        except asyncio.CancelledError:
            for view in self.query(ResponseView):  # none while the app closes
                view.show_message("Cancelled: the answer, if any, was dropped.", error=False)
            raise
        except Exception as exc:  # the client should not raise; if it does, say so
            self._report(describe_error(exc))

    async def _send(self, spec: RequestSpec, action: Action | None,
                    revalidate_from: Exchange | None) -> None:
        host = self.host
        view = self.query_one(ResponseView)
        refusal = read_only_refusal(host.read_only, spec.method)
        if refusal is not None:
            self._report(refusal)
            return
        client = await host.get_client()
        destroys = needs_confirmation(host.mode, action, spec)
        if destroys is not None:
            url = _scrubbed(client, spec).url  # what goes on the wire, token aside
            screen = ConfirmScreen(spec.method, url, destroys.what, destroys.target)
            if not await self.app.push_screen_wait(screen):
                self._report("Cancelled: nothing was sent.", severity="information")
                return
        view.show_pending(spec.method, spec.target)
        if revalidate_from is not None:
            exchange = await client.revalidate(revalidate_from)
        else:
            exchange = await client.send(spec)
        self._received(exchange, action)
        self._ask_second_factor(exchange, spec, action)

    def _ask_second_factor(self, exchange: Exchange, spec: RequestSpec,
                           action: Action | None) -> None:
        """After ``403 two_factor``, ask for the code and send again with it."""
        if not needs_second_factor(exchange, spec):
            return

        def retry(code: str | None) -> None:
            if code:
                self.send(spec.with_header(HeaderName.TWO_FACTOR, code), action)

        self.app.push_screen(TwoFactorScreen(second_factor_prompt(spec)), callback=retry)

    def _received(self, exchange: Exchange, action: Action | None) -> None:
        host = self.host
        host.remember(exchange)
        self.last_exchange = exchange
        res = host.spec.resource(action.response.resource or action.resource) if action else None
        self.query_one(ResponseView).show_exchange(exchange, res.attributes if res else ())
        if self.current is not None:
            self._refresh_preview()  # the ETag offered for this URL may be newer now
        if exchange.body_state == "json" and res is not None:
            self._learn(res, exchange.data)
        if (action is not None and action.resource == "account" and exchange.ok
                and action.method in ("GET", "PATCH") and isinstance(exchange.data, dict)):
            email = exchange.data.get("email")  # Account Info, and Account Update's answer
            if isinstance(email, str):
                host.account = email
        self.post_message(self.ExchangeShown(exchange))
        if exchange.error is not None:
            self.notify(describe_error(exchange.error), severity="error", timeout=6)
        elif exchange.not_modified:
            self.notify("304 Not Modified: unchanged since the last read.")
        elif exchange.next_range:
            self.notify("More pages: ctrl+n follows Next-Range.", timeout=3)

    def _learn(self, res: Resource, data: Any) -> None:
        items = data if isinstance(data, list) else [data]
        seen = self.seen.setdefault(res.key, [])
        for item in items[:500]:
            if isinstance(item, dict):
                for key in ("name", "id"):
                    value = item.get(key)
                    if isinstance(value, str) and value not in seen:
                        seen.append(value)
        del seen[:-200]

    def _report(self, text: str, *, severity: str = "error") -> None:
        """The one place a problem becomes a message on screen and a notification."""
        self.query_one(ResponseView).show_message(text, error=severity != "information")
        self.notify(text, severity="error" if severity == "error" else "warning"
                    if severity == "warning" else "information", timeout=6)

    def cancel(self) -> bool:
        """Cancel the request in flight, if any; says whether there was one."""
        running = [w for w in self.workers if w.group == "send" and w.is_running]
        if running:
            self.workers.cancel_group(self, "send")
            self.notify("Cancelled the request in flight.")
        return bool(running)

    def edit_body(self) -> None:
        """Edit the body the form holds as JSON in ``$EDITOR``; what comes back fills
        the body fields (a problem leaves them as they were, and says why)."""
        from heroku_explorer.tui.files import edit_json
        from heroku_explorer.tui.widgets.param_fields import MAP_FIELD

        action = self.current
        if action is None or (not action.body_params and action.body is None):
            self.notify("This action takes no body: open one that does (App Create...).",
                        severity="warning")
            return
        form = self.query_one(ParamForm)
        values, _errors = form.collect()
        others = {p.name for p in (*action.path_params, *action.query_params)}
        body = {k: v for k, v in values.items() if k not in others}
        result = edit_json(self.app, body)
        if result.value is None:
            self._report(result.problem or "The body was not changed.", severity="warning")
            return
        for name, row in form.rows.items():
            if name == MAP_FIELD or (row.param is not None and row.param.name not in others):
                row.clear()
        form.set_values(result.value)
        self.query_one("#request-tabs", TabbedContent).active = "tab-params"
        self._refresh_preview()
        self.notify(f"Body edited: {len(result.value)} field(s) in the form.")

    def fill_examples(self) -> None:
        if self.current is None:
            self.notify("Open an action first: Enter on it in the tree.", severity="warning")
            return
        self.query_one("#request-tabs", TabbedContent).active = "tab-params"
        self.query_one(ParamForm).action_fill_examples()

    # -- drill-down -------------------------------------------------------------------

    @on(ResponseView.ObjectSelected)
    def _drill(self, event: ResponseView.ObjectSelected) -> None:
        spec = self.host.spec
        source = spec.action(event.exchange.action_id or "")
        targets = drill_targets(spec, source, event.path, event.value, self.last_values)
        if not targets:
            self.notify("No action takes this object's identity.", severity="warning")
            return
        name = identity_value(None, event.value) or "this object"

        async def chosen(target: Any) -> None:
            if target is not None:
                await self.open_action(target.action, target.values)

        self.app.push_screen(DrillScreen(f"Actions for {name}", targets, spec), chosen)

    # -- focus and layout -------------------------------------------------------------

    def focus_form(self) -> None:
        self.query_one("#request-tabs", TabbedContent).active = "tab-params"
        form = self.query_one(ParamForm)
        if form.rows:
            next(iter(form.rows.values())).widget.focus()

    def focus_response(self) -> None:
        self.query_one("#body-view").focus()


def _scrubbed(client: HerokuClient, spec: RequestSpec) -> WireRequest:
    """``client.prepare(spec)`` with the client's secrets replaced by ``[REDACTED]``."""
    secrets = client.credentials.secrets if client.credentials is not None else ()
    return scrub(client.prepare(spec), secrets)


def _method_style(method: str) -> str:
    return {"GET": "$success", "POST": "$primary", "PUT": "$warning", "PATCH": "$warning",
            "DELETE": "$error"}.get(method, "$foreground")
