"""`plans serve` serves the site on localhost and rebuilds when a plan changes."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, deadline: float, wanted: str | None = None) -> str:
    """The page at `url` once it answers (and contains `wanted`), polling until `deadline`."""
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                last = response.read().decode()
            if wanted is None or wanted in last:
                return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not show {wanted!r} in time; last: {last[:200]!r}")


def test_serve_rebuilds_when_a_plan_changes(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", root)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/2025-26/fenwick-csp/actions/"
        page = fetch(url, time.monotonic() + 60)
        assert "Fund refuge places" in page
        actions = root / "plans" / "fenwick-csp" / "2025-26" / "actions.yml"
        actions.write_text(actions.read_text().replace("Fund refuge places", "Open a new refuge"))
        fetch(url, time.monotonic() + 60, wanted="Open a new refuge")
    finally:
        server.terminate()
        server.wait(timeout=20)
