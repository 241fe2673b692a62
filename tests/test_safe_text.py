"""Control characters from outside never reach a terminal raw."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from heroku_explorer.safe_text import has_controls, visible, visible_bytes


def test_osc52_clipboard_write_is_inert() -> None:
    hostile = "req-1\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07"
    shown = visible(hostile)
    assert "\x1b" not in shown and "\x07" not in shown
    assert shown == "req-1\\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\\x07"


def test_c1_and_bidi_are_escaped() -> None:
    assert visible("a\x9bb") == "a\\x9bb"
    assert visible("x\u202ey") == "x\\u202ey"
    assert visible("del\x7f") == "del\\x7f"


def test_newlines_kept_unless_single_line() -> None:
    assert visible("a\nb\tc") == "a\nb\tc"
    assert visible("a\nb\tc\r", single_line=True) == "a\\nb\\tc\\r"
    assert visible("a\r\nb") == "a\\r\nb"


def test_plain_text_is_untouched() -> None:
    text = "Müller 🚀 [b]bold[/b] ümlaut"
    assert visible(text) is text


def test_bytes() -> None:
    assert visible_bytes(b"\xff\x1b[2J") == "\ufffd\\x1b[2J"


@given(st.text())
def test_no_control_survives(text: str) -> None:
    assert not has_controls(visible(text), single_line=False)
    assert not has_controls(visible(text, single_line=True), single_line=True)
