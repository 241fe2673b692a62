"""Snapshots of the explorer's main views (``pytest --snapshot-update`` after review).

Deterministic by construction: a seeded sandbox with a frozen rate-limit clock
and numbered Request-Ids (see ``tests/tui_support.py``), and the two values that
change between runs (elapsed time, wall-clock time) fixed here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests import tui_support
from tests.tui_support import build_app

WIDE = (130, 40)
Snap = Callable[..., bool]


@pytest.fixture(autouse=True)
def _stable_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    from heroku_explorer.tui.screens import history
    from heroku_explorer.tui.widgets import response_view

    monkeypatch.setattr(response_view, "format_elapsed", lambda ms: "12 ms")
    monkeypatch.setattr(history, "format_clock", lambda ts: "10:00:00")


def test_main_screen(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=WIDE,
                        run_before=tui_support.main_screen)


def test_app_create_docs(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=WIDE,
                        run_before=tui_support.app_create_docs)


def test_app_create_form(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=WIDE,
                        run_before=tui_support.app_create_form)


def test_form_with_errors(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=WIDE,
                        run_before=tui_support.form_with_errors)


def test_response_with_headers(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=WIDE,
                        run_before=tui_support.response_with_headers)


def test_history_screen(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=WIDE,
                        run_before=tui_support.history_screen)


def test_overview_screen(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=WIDE,
                        run_before=tui_support.overview_screen)


def test_small_terminal(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=(80, 24),
                        run_before=tui_support.app_list_sent)


def test_headers_note(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=WIDE,
                        run_before=tui_support.headers_note)


def test_live_confirmation(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path, mode="LIVE"), terminal_size=WIDE,
                        run_before=tui_support.live_confirmation)
