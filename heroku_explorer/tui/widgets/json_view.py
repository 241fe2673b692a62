"""A read-only body viewer that highlights only the lines on screen.

Textual's line API (``render_line``) asks for one line at a time, so loading a
1 MB, 34,000-line document costs one ``str.splitlines`` and a width scan; each
frame tokenizes the 40 or so lines visible. Search marks every match and moves
between them.
"""

from __future__ import annotations

from itertools import pairwise
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from heroku_explorer.tui.widgets.json_text import KINDS, tokenize

__all__ = ["MAX_LINES", "JsonBodyView"]

#: Lines shown at most; a longer text ends with a note (the whole body can be paged).
MAX_LINES = 200_000
_CACHE_LINES = 512


class JsonBodyView(ScrollView, can_focus=True):
    """Highlighted JSON (or plain text) with search; cheap for any size."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "Up", show=False),
        Binding("down", "scroll_down", "Down", show=False),
        Binding("left", "scroll_left", "Left", show=False),
        Binding("right", "scroll_right", "Right", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("n", "next_match", "Next", id="next-match", tooltip="Next match"),
        Binding("N", "previous_match", "Prev", id="previous-match",
                tooltip="Previous match"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"json-view--{k}" for k in KINDS} | {
        "json-view--match",
        "json-view--current",
    }
    """Token styles (``json-view--key``, ``--string``, ``--number``, ``--literal``,
    ``--punct``) and search marks (``--match``, ``--current``)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[str] = []
        self.highlighted = True
        self.query_text = ""
        self.matches: list[tuple[int, int]] = []
        """(line, column) of each match, in order."""
        self.current = -1
        self._match_lines: dict[int, list[int]] = {}
        self._cache: dict[int, Strip] = {}
        self._styles: dict[str, Style] = {}

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())

    def _restyle(self) -> None:
        self._styles = {}
        self._cache.clear()
        self.refresh()

    def load(self, text: str, *, highlighted: bool = True) -> None:
        """Show ``text``; ``highlighted`` colours it as JSON."""
        lines = text.splitlines()
        if len(lines) > MAX_LINES:
            hidden = len(lines) - MAX_LINES
            lines = [*lines[:MAX_LINES], f"… {hidden} more lines (o opens the whole body)"]
        self.lines = lines
        self.highlighted = highlighted
        self._cache.clear()
        width = max((cell_len(line) for line in lines), default=0)
        self.virtual_size = Size(width + 1, len(lines))
        self.search(self.query_text)
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    # -- search -----------------------------------------------------------------

    def search(self, query: str) -> int:
        """Mark every case-insensitive match of ``query``; returns how many."""
        self.query_text = query
        self.matches = []
        self._match_lines = {}
        self.current = -1
        if query:
            needle = query.casefold()
            size = len(needle)
            for n, line in enumerate(self.lines):
                folded = line.casefold()
                start = folded.find(needle)
                while start >= 0:
                    self.matches.append((n, start))
                    self._match_lines.setdefault(n, []).append(start)
                    start = folded.find(needle, start + size)
        self._cache.clear()
        self.refresh()
        if self.matches:
            self.current = 0
            self._reveal()
        return len(self.matches)

    def action_next_match(self) -> None:
        if self.matches:
            self.current = (self.current + 1) % len(self.matches)
            self._reveal()

    def action_previous_match(self) -> None:
        if self.matches:
            self.current = (self.current - 1) % len(self.matches)
            self._reveal()

    def _reveal(self) -> None:
        line, column = self.matches[self.current]
        self._cache.clear()
        self.scroll_to_region(
            Region(column, line, max(1, len(self.query_text)), 1), animate=False, force=True
        )
        self.refresh()

    # -- rendering ----------------------------------------------------------------

    def _style(self, kind: str) -> Style:
        if not self._styles:
            for name in (*KINDS, "match", "current"):
                self._styles[name] = self.get_component_rich_style(
                    f"json-view--{name}", partial=name in ("match", "current")
                )
        return self._styles.get(kind, Style.null())

    def _line_strip(self, index: int) -> Strip:
        cached = self._cache.get(index)
        if cached is not None:
            return cached
        line = self.lines[index]
        if self.highlighted:
            segments = [Segment(text, self._style(kind)) for text, kind in tokenize(line)]
        else:
            segments = [Segment(line)]
        marks = self._match_lines.get(index)
        if marks:
            segments = self._mark(index, line, segments, marks)
        strip = Strip(segments)
        if len(self._cache) > _CACHE_LINES:
            self._cache.clear()
        self._cache[index] = strip
        return strip

    def _mark(
        self, index: int, line: str, segments: list[Segment], marks: list[int]
    ) -> list[Segment]:
        size = len(self.query_text)
        current = self.matches[self.current] if self.current >= 0 else None
        out: list[Segment] = []
        offsets = [0]
        for seg in segments:
            offsets.append(offsets[-1] + len(seg.text))
        cuts = sorted({0, len(line), *marks, *(m + size for m in marks)})
        starts = set(marks)
        seg_index = 0
        for a, b in pairwise(cuts):
            while offsets[seg_index + 1] <= a:
                seg_index += 1
            pos = a
            while pos < b:
                seg = segments[seg_index]
                end = min(b, offsets[seg_index + 1])
                style = seg.style or Style.null()
                inside = any(m <= pos < m + size for m in starts)
                if inside:
                    mark = "current" if current is not None and current[0] == index and (
                        current[1] <= pos < current[1] + size) else "match"
                    style = style + self._style(mark)
                out.append(Segment(line[pos:end], style))
                pos = end
                if pos >= offsets[seg_index + 1]:
                    seg_index = min(seg_index + 1, len(segments) - 1)
        return out

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, base)
        strip = self._line_strip(index).crop(scroll_x, scroll_x + width)
        return strip.extend_cell_length(width, base).apply_style(base)
