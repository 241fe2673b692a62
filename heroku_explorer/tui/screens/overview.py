"""The overview: the schema's own docs (authentication, caching, ranges...) as Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Markdown

from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import ApiSpec

__all__ = ["OverviewScreen", "overview_markdown"]


def overview_markdown(spec: ApiSpec) -> str:
    """The whole overview as one Markdown document."""
    parts = [f"# {spec.title or 'API'}"]
    if spec.description:
        parts.append(spec.description)
    source = spec.source
    parts.append(
        f"*{len(spec.resources)} resources, {spec.action_count} actions, "
        f"read from {source.origin} ({source.format}).*"
    )
    for section in spec.overview:
        parts.append(f"## {section.title}\n\n{section.markdown.strip()}")
    if not spec.overview:
        parts.append("*This schema carries no overview.*")
    if spec.warnings:
        parts.append(f"## Loader warnings\n\n{len(spec.warnings)} things looked odd while "
                     "loading this schema:")
        parts.append("\n".join(f"- {w}" for w in spec.warnings[:50]))
    return visible("\n\n".join(parts))


class OverviewScreen(Screen[None]):
    """The schema's prose docs, rendered."""

    CSS_PATH = Path(__file__).with_name("screens.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="close-overview"),
    ]

    HELP = """\
## Overview

The API's own documentation, as its schema carries it: authentication, caching
with ETags, ranges, rate limits, request ids, errors and statuses. **Esc** goes
back to the explorer.
"""

    def __init__(self, spec: ApiSpec) -> None:
        super().__init__(id="overview")
        self.spec = spec

    def compose(self) -> ComposeResult:
        yield Label(" Overview  ·  the schema's own docs", classes="screen-title")
        with VerticalScroll(id="overview-scroll"):
            yield Markdown(overview_markdown(self.spec), id="overview-doc")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#overview-scroll").focus()
