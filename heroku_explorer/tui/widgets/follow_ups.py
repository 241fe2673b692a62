"""The follow-up requests of the workbench (a mixin of :class:`Workbench`): the next
page an answer's Next-Range offers (ctrl+n), a revalidation with If-None-Match and
a request sent again from the history. :mod:`heroku_explorer.policy` says which of
them may be sent; what may not becomes one sentence in the response view."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast
from urllib.parse import unquote

from heroku_explorer.policy import describe_error, no_next_page, resend_refusal, revalidate_refusal
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.request import RequestSpec
    from heroku_explorer.tui.widgets.workbench import Workbench

__all__ = ["FollowUpsMixin"]


class FollowUpsMixin:
    def _workbench(self) -> Workbench:
        # The mixin is only ever part of Workbench.
        return cast("Workbench", self)

    async def next_page(self) -> None:
        wb = self._workbench()
        ex = wb.last_exchange
        if ex is None:
            wb.notify("Send a list request first.", severity="warning")
            return
        # The header as received: the client drops a Next-Range it cannot read.
        sent_next = ex.next_range or ex.header("Next-Range")
        shown = visible(sent_next or "", single_line=True)
        try:
            client = await wb.host.get_client()
        except Exception as exc:  # the client could not open
            wb._report(describe_error(exc))
            return
        try:
            spec = client.next_page(ex)
        except Exception as exc:  # a Next-Range the client cannot read
            reason = visible(str(exc) or type(exc).__name__, single_line=True)
            wb._report(f"Not sent: the answer's Next-Range ({shown}) cannot be followed "
                       f"({reason}).", severity="warning")
            return
        if spec is not None and not all(v.isascii() for _, v in spec.headers):
            wb._report(f"Not sent: the answer's Next-Range ({shown}) cannot be followed "
                       "(a header value must be plain ASCII).", severity="warning")
            return
        if spec is None:
            reason = no_next_page(ex)
            if reason.startswith("Not sent"):
                wb._report(reason, severity="warning")
            else:
                wb.notify(reason)
            return
        action = wb.host.spec.action(ex.action_id or "")
        wb.send(spec, action)

    def revalidate(self) -> None:
        """Ask again with If-None-Match: only ever a GET (see the policy)."""
        wb = self._workbench()
        ex = wb.last_exchange
        refusal = revalidate_refusal(ex)
        if refusal is not None or ex is None or ex.spec is None:
            wb._report(refusal or "Nothing to revalidate yet.", severity="warning")
            return
        wb.send(ex.spec, wb.host.spec.action(ex.action_id or ""), revalidate_from=ex)

    def resend(self, spec: RequestSpec, action_id: str | None) -> None:
        """Send ``spec`` again (from the history), unless a secret was removed from it."""
        wb = self._workbench()
        refusal = resend_refusal(spec.method, unquote(spec.target), spec.headers,
                                 spec.body_bytes())
        if refusal is not None:
            wb._report(refusal, severity="warning")
            return
        wb.send(spec, wb.host.spec.action(action_id or ""))
