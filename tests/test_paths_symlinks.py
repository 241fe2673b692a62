"""What is kept on disk follows no symbolic link: real links in tmp_path point at a file
that must stay untouched, and a folder that is a link, another user's or writable by
others is refused with one sentence."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from heroku_explorer.client import History
from heroku_explorer.client.cache import SchemaCache
from heroku_explorer.client.response import Exchange
from heroku_explorer.paths import atomic_write, ensure_dir, refuse_link
from heroku_explorer.repl.history import MemoryHistory, PrivateFileHistory, open_history

VICTIM = b"precious: must stay untouched\n"
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    target = elsewhere / "victim"
    target.write_bytes(VICTIM)
    target.chmod(0o644)
    return target


def untouched(victim: Path) -> bool:
    info = os.stat(victim)
    return victim.read_bytes() == VICTIM and stat.S_IMODE(info.st_mode) == 0o644


def one_sentence(text: str) -> bool:
    return "\n" not in text and "Traceback" not in text and text.endswith(".")


# -- paths.ensure_dir ---------------------------------------------------------------


def test_ensure_dir_refuses_a_link(tmp_path: Path, victim: Path) -> None:
    link = tmp_path / "data"
    link.symlink_to(victim.parent, target_is_directory=True)
    with pytest.raises(OSError, match="symbolic link") as info:
        ensure_dir(link)
    assert str(link) in str(info.value.strerror)
    assert stat.S_IMODE(os.stat(victim.parent).st_mode) == 0o700 and untouched(victim)


def test_ensure_dir_refuses_a_dangling_link(tmp_path: Path) -> None:
    link = tmp_path / "data"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(OSError, match="symbolic link"):
        ensure_dir(link)
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722, 0o1777])
def test_ensure_dir_refuses_a_folder_others_may_write(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(mode)
    with pytest.raises(OSError, match="other users may write"):
        ensure_dir(folder)
    assert stat.S_IMODE(os.stat(folder).st_mode) == mode  # left as found


def test_ensure_dir_makes_a_readable_folder_private(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o755)
    assert ensure_dir(folder) == folder
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700


def test_ensure_dir_creates_under_a_linked_parent(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "dotlocal").symlink_to(real, target_is_directory=True)
    made = ensure_dir(tmp_path / "dotlocal" / "share" / "app")
    assert (real / "share" / "app").is_dir() and made.is_dir()


@as_root
def test_ensure_dir_refuses_another_users_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    with pytest.raises(OSError, match="belongs to another user"):
        ensure_dir(folder)


# -- paths.atomic_write ---------------------------------------------------------------


def test_atomic_write_refuses_a_link_target(tmp_path: Path, victim: Path) -> None:
    folder = ensure_dir(tmp_path / "cache")
    link = folder / "schema.json"
    link.symlink_to(victim)
    with pytest.raises(OSError, match="symbolic link"):
        atomic_write(link, b"new")
    assert link.is_symlink() and untouched(victim)
    assert [p.name for p in folder.iterdir()] == ["schema.json"]  # no temporary left


def test_atomic_write_refuses_a_linked_folder(tmp_path: Path, victim: Path) -> None:
    (tmp_path / "cache").symlink_to(victim.parent, target_is_directory=True)
    with pytest.raises(OSError, match="symbolic link"):
        atomic_write(tmp_path / "cache" / "victim", b"new")
    assert untouched(victim) and sorted(os.listdir(victim.parent)) == ["victim"]


def test_atomic_write_still_writes_privately(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "f.json"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert os.listdir(target.parent) == ["f.json"]


def test_the_schema_cache_does_not_write_through_a_link(tmp_path: Path, victim: Path) -> None:
    cache = SchemaCache(tmp_path / "cache")
    first = cache.store("https://api.heroku.com/schema", "v3", b'{"a": 1}', '"e"')
    first.path.unlink()
    first.path.symlink_to(victim)
    with pytest.raises(OSError):
        cache.store("https://api.heroku.com/schema", "v3", b'{"a": 2}', '"f"')
    assert untouched(victim)


def test_refuse_link() -> None:
    refuse_link(Path("/nonexistent/missing"))  # missing is fine
    with pytest.raises(FileNotFoundError):
        refuse_link(Path("/nonexistent/missing"), must_exist=True)


# -- the history database ---------------------------------------------------------------


def exchange() -> Exchange:
    return Exchange("GET", "https://api.heroku.com/apps", (), None, status=200)


def test_history_database_that_is_a_link_turns_history_off(tmp_path: Path,
                                                           victim: Path) -> None:
    (tmp_path / "data").mkdir(mode=0o700)
    db = tmp_path / "data" / "history.sqlite3"
    db.symlink_to(victim)
    history = History(db)
    assert not history.enabled and history.disabled_reason
    assert "symbolic link" in history.disabled_reason and one_sentence(history.disabled_reason)
    assert history.record(exchange()) is None
    assert untouched(victim) and db.is_symlink()


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_history_companion_that_is_a_link_turns_history_off(tmp_path: Path, victim: Path,
                                                            suffix: str) -> None:
    (tmp_path / "data").mkdir(mode=0o700)
    db = tmp_path / "data" / "history.sqlite3"
    Path(f"{db}{suffix}").symlink_to(victim)
    history = History(db)
    assert not history.enabled and history.disabled_reason
    assert f"history.sqlite3{suffix} is a symbolic link" in history.disabled_reason
    assert untouched(victim)


def test_history_folder_that_is_a_link_turns_history_off(tmp_path: Path, victim: Path) -> None:
    (tmp_path / "data").symlink_to(victim.parent, target_is_directory=True)
    history = History(tmp_path / "data" / "history.sqlite3")
    assert not history.enabled and history.disabled_reason
    assert one_sentence(history.disabled_reason) and "symbolic link" in history.disabled_reason
    assert sorted(os.listdir(victim.parent)) == ["victim"] and untouched(victim)


def test_history_folder_others_may_write_turns_history_off(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o777)
    history = History(folder / "history.sqlite3")
    assert not history.enabled and history.disabled_reason
    assert "other users may write" in history.disabled_reason
    assert os.listdir(folder) == []


@as_root
def test_history_database_of_another_user_turns_history_off(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir(mode=0o700)
    db = tmp_path / "data" / "history.sqlite3"
    db.write_bytes(b"")
    os.chown(db, 65534, 65534)
    history = History(db)
    assert not history.enabled and history.disabled_reason
    assert "belongs to another user" in history.disabled_reason


def test_history_still_opens_a_real_database(tmp_path: Path) -> None:
    history = History(tmp_path / "data" / "history.sqlite3")
    assert history.enabled and history.record(exchange()) is not None
    history.close()


# -- the REPL's command history file ------------------------------------------------------


def test_repl_history_that_is_a_link_stays_in_memory(tmp_path: Path, victim: Path) -> None:
    (tmp_path / "data").mkdir(mode=0o700)
    path = tmp_path / "data" / "repl_history"
    path.symlink_to(victim)
    with pytest.raises(OSError, match="symbolic link"):
        PrivateFileHistory(path)
    history = open_history(path)
    assert isinstance(history, MemoryHistory) and history.disabled_reason
    assert "symbolic link" in history.disabled_reason and one_sentence(history.disabled_reason)
    history.store_string("GET /apps")
    assert untouched(victim)


def test_repl_history_swapped_for_a_link_is_not_followed(tmp_path: Path, victim: Path) -> None:
    path = tmp_path / "data" / "repl_history"
    history = PrivateFileHistory(path)
    history.store_string("GET /apps")
    path.unlink()
    path.symlink_to(victim)
    history.store_string("GET /account")  # not written: the file became a link
    assert list(history.load_history_strings()) == []
    assert untouched(victim)
    path.unlink()
    history.store_string("GET /account")  # a real file again
    assert list(history.load_history_strings()) == ["GET /account"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_repl_history_in_a_linked_folder_stays_in_memory(tmp_path: Path, victim: Path) -> None:
    (tmp_path / "data").symlink_to(victim.parent, target_is_directory=True)
    history = open_history(tmp_path / "data" / "repl_history")
    assert isinstance(history, MemoryHistory) and history.disabled_reason
    assert open_history(None).disabled_reason is None  # (none asked for)
    assert sorted(os.listdir(victim.parent)) == ["victim"]
