"""`plans serve` serves the site on localhost and rebuilds when a plan changes."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, deadline: float, wanted: str | None = None, error: bool = False) -> str:
    """The page at `url` once it answers (and contains `wanted`), polling until `deadline`;
    with `error`, the page of an error answer (a 500 with the build's problems) is awaited."""
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                last, failed = response.read().decode(), False
        except urllib.error.HTTPError as answer:
            last, failed = answer.read().decode(), True
        except OSError:
            last, failed = "", not error
        if failed == error and (wanted is None or wanted in last):
            return last
        time.sleep(0.3)
    raise AssertionError(f"{url} did not show {wanted!r} in time; last: {last[:300]!r}")


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


def started(root: Path, port: int, scratch: Path) -> subprocess.Popen[str]:
    scratch.mkdir()
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(scratch)},
    )


def test_serve_says_where_it_is_before_building_shows_the_404_page_and_build_problems(
    tmp_path: Path,
) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", root)
    port = free_port()
    server = started(root, port, tmp_path / "tmp")
    try:
        assert server.stdout is not None
        assert server.stdout.readline() == f"Serving on http://127.0.0.1:{port}/\n"
        assert "Building the site" in server.stdout.readline()  # before the build's first word
        deadline = time.monotonic() + 90
        page = fetch(f"http://127.0.0.1:{port}/2025-26/fenwick-csp/actions/", deadline)
        assert "Fund refuge places" in page
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/2025-26/no-such-page/", timeout=5)
        assert missing.value.code == 404
        not_found = missing.value.read().decode()
        # the site's own page, its styles found
        assert '<h1 id="page-not-found">Page not found</h1>' in not_found
        assert 'href="/2025-26/assets/stylesheets/' in not_found
        actions = root / "plans" / "fenwick-csp" / "2025-26" / "actions.yml"
        good = actions.read_text()
        hostile = 'title: Fund refuge places\n    "<b>bold</b>": 1'  # an unknown field, named
        actions.write_text(good.replace("title: Fund refuge places", hostile))
        url = f"http://127.0.0.1:{port}/2025-26/fenwick-csp/"
        shown = fetch(url, deadline + 60, "could not be rebuilt", error=True)
        assert "plans/fenwick-csp/2025-26/actions.yml:" in shown
        assert "unknown field &#x27;&lt;b&gt;bold&lt;/b&gt;&#x27;" in shown, "shown as text"
        assert "<b>" not in shown
        assert "1 problem stopped the last rebuild. Fix it and save the file" in shown
        assert "livereload" in shown, "the page reloads itself once the problem is fixed"
        actions.write_text(good)
        assert "Fund refuge places" in fetch(url + "actions/", deadline + 120, "Fund refuge")
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert not list((tmp_path / "tmp").glob("plans-serve-*")), "stopped, it removed its folder"


def test_serve_refuses_a_busy_port_in_one_line_before_building(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", root)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = int(busy.getsockname()[1])
        result = subprocess.run(
            [sys.executable, "-m", "generator", "serve", str(root), "--port", str(port)],
            capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
        )  # fmt: skip
    assert (result.returncode, result.stdout) == (1, "")
    assert re.fullmatch(rf"Error: port {port} is in use; try --port (\d+)\n", result.stderr)
    suggested = int(result.stderr.split("--port ")[1])
    assert suggested > port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", suggested))  # the port suggested is free
    assert not list(root.rglob("site")), "nothing was built"
