"""``--all``: follow ``Next-Range`` from page to page within a page budget and
print the items of every page as one JSON array."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from heroku_explorer.repl.answer import show
from heroku_explorer.repl.render import format_json, paint
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.repl.arguments import Options
    from heroku_explorer.repl.session import Session
    from heroku_explorer.request import RequestSpec

__all__ = ["DEFAULT_MAX_PAGES", "all_pages"]

#: Pages ``--all`` reads at most unless ``--max-pages`` says otherwise.
DEFAULT_MAX_PAGES = 20


async def all_pages(session: Session, spec: RequestSpec, options: Options) -> bool:
    """Send ``spec`` and every next page, up to ``options.max_pages``; print one
    JSON array. An error on any page is shown as such and ends the walk."""
    from dataclasses import replace

    budget = options.max_pages or DEFAULT_MAX_PAGES
    console = session.console
    items: list[Any] = []
    pages = 0
    plain = replace(options, all_pages=False)
    request: RequestSpec | None = spec
    warned: set[str] = set()
    while request is not None:
        exchange = await session.transmit(request)
        pages += 1
        if exchange.status is None or exchange.error is not None or (
                exchange.body_state != "json"):
            if exchange.error is None and exchange.status is not None:
                console.message(f"page {pages} is not JSON: --all stops here")
            return show(session, exchange, plain)
        session.remember(exchange)
        for warning in exchange.warnings:
            if warning in warned:
                continue
            warned.add(warning)
            console.message(paint(f"warning: {visible(warning, single_line=True)}", "yellow",
                                  console.color))
        data = exchange.data
        items.extend(data if isinstance(data, list) else [data])
        request = session.client.next_page(exchange)
        if request is not None and pages >= budget:
            nxt = visible(exchange.next_range or "", single_line=True)
            console.message(f"stopped after {pages} page(s) ({len(items)} items): more remain; "
                            f"raise --max-pages, or continue with --range '{nxt}'")
            break
    if options.verbose:
        console.message(f"{pages} page(s), {len(items)} items")
    terminal = not console.raw_out
    indent = None if options.raw_json else 2
    console.print(format_json(items, color=console.color and not options.raw_json,
                              indent=indent, terminal=terminal))
    return True
