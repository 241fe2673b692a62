"""`heroku-explorer web` as a subprocess on a free loopback port, and what it holds open."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL = re.compile(r"http://127\.0\.0\.1:(\d+)/([A-Za-z0-9_-]+)/")


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    port: int
    secret: str
    first_lines: list[str]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def children(self) -> list[int]:
        """The explorers this server has started (its child processes)."""
        pid = self.process.pid
        found: list[int] = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(p) for p in (task / "children").read_text().split()]
        return found


def web_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("HEROKU_API_KEY", "HEROKU_API_URL", "BROWSER")}
    env.update(HEROKU_EXPLORER_HOME=str(home / "xhome"), HOME=str(home),
               XDG_CONFIG_HOME=str(home / "config"), HEROKU_EXPLORER_OFFLINE="1")
    env.update(extra)
    return env


@contextlib.contextmanager
def serve(home: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """Start ``heroku-explorer web --port 0 ARGS``; yield once its link is printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "heroku_explorer", "web", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=env or web_env(home),
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        match = None
        deadline = time.monotonic() + 30
        while match is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            match = URL.search(line)
        assert match is not None, f"no link printed: {lines!r} {process.stderr and ''}"
        yield Served(process, match.group(0), int(match.group(1)), match.group(2), lines)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def listening(pid: int) -> list[tuple[str, int]]:
    """(address, port) of every TCP socket in LISTEN state held by ``pid``."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found: list[tuple[str, int]] = []
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        with contextlib.suppress(OSError):
            for row in Path(table).read_text().splitlines()[1:]:
                cols = row.split()
                if cols[3] != "0A" or cols[9] not in inodes:  # 0A: LISTEN
                    continue
                address, port = cols[1].split(":")
                found.append((_address(address, v6), int(port, 16)))
    return found


def _address(hexed: str, v6: bool) -> str:
    import ipaddress

    raw = bytes.fromhex(hexed)
    # /proc/net writes each 32-bit word in host (little-endian) order.
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.IPv6Address(words) if v6 else ipaddress.IPv4Address(words))


def wait_gone(pid: int, seconds: float) -> bool:
    """Whether process ``pid`` has exited (or is a zombie) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False
