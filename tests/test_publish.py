"""A killed build cleans up after itself at the next build: the site as it was, its working
folder gone, and never the folder of a build still running (a lock, not a guess by age)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import two_areas
from test_cache import digest

from generator.site.publish import _lock, clear_stale

ROOT = Path(__file__).resolve().parents[1]


def plans(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".site-"))


def test_a_build_killed_while_building_leaves_the_site_and_the_next_build_clears_up(
    tmp_path: Path,
) -> None:
    root, out = two_areas(tmp_path / "project"), tmp_path / "site"
    first = plans("build", str(root), "--out", str(out), "--no-cache", "--jobs", "2", "-q")
    assert first.returncode == 0, first.stderr
    before = digest(out)
    for _ in range(2):  # killed twice, as by Ctrl-C twice: the second clears the first's folder
        running = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", str(root), "--out", str(out),
             "--no-cache", "--jobs", "2", "-q"],
            cwd=ROOT, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".site-build-*/shards/*/*/index.html")):
            assert running.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "no shard was ever built"
            time.sleep(0.02)
        os.killpg(running.pid, signal.SIGKILL)  # the build and its workers, mid-way
        running.wait()
        assert digest(out) == before, "the published site is as it was"
        assert len(leftovers(tmp_path)) == 1, "a kill cannot clean up after itself"
    again = plans("build", str(root), "--out", str(out), "--no-cache", "--jobs", "2", "-q")
    assert again.returncode == 0, again.stderr
    assert leftovers(tmp_path) == [], "the next build removed what the killed ones left"
    assert digest(out) == before


def test_the_folder_of_a_build_still_running_is_never_cleared(tmp_path: Path) -> None:
    out = tmp_path / "site"
    running, stale = tmp_path / ".site-build-running", tmp_path / ".site-build-killed"
    for folder in (running, stale):
        (folder / "shards").mkdir(parents=True)
        (folder / "shards" / "page.html").write_text("work")
    (tmp_path / ".other-build-x").mkdir()  # another output's: not this one's to clear
    held = _lock(running, wait=False)
    assert held is not None
    try:
        assert clear_stale(out) == [stale]
        assert (running / "shards" / "page.html").read_text() == "work"
        assert (tmp_path / ".other-build-x").is_dir()
    finally:
        os.close(held)
    assert clear_stale(out) == [running], "once its build has ended, it is stale"


KILLED_WHILE_PUBLISHING = """
import os, sys
from pathlib import Path
from generator.site import publish as module
from generator.site.versions import Patch
built, out, old, after = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
real, calls = os.replace, []
def replace(source, target):
    calls.append(1)
    if len(calls) > after:
        os._exit(9)  # killed: no exception, no undo
    real(source, target)
module.os.replace = replace
module.publish(built, out, old, kept=["2024-25"])
"""


def test_a_build_killed_while_publishing_is_undone_by_the_next(tmp_path: Path) -> None:
    out, work = tmp_path / "site", tmp_path / ".site-build-1"
    for year in ("2024-25", "2025-26"):
        (out / year).mkdir(parents=True)
        (out / year / "index.html").write_text(f"old {year}")
    (out / "versions.json").write_text("[old]")
    before = digest(out)
    for after in (1, 2):  # killed after moving the old site aside; after moving a year over
        (work / "site" / "2025-26").mkdir(parents=True)
        (work / "site" / "2025-26" / "index.html").write_text("new")
        (work / "site" / "versions.json").write_text("[new]")
        killed = subprocess.run(
            [sys.executable, "-c", KILLED_WHILE_PUBLISHING, str(work / "site"), str(out),
             str(work / "old"), str(after)],
            cwd=ROOT, check=False, capture_output=True, text=True,
        )  # fmt: skip
        assert killed.returncode == 9, killed.stderr
        assert not out.exists(), "killed half-way: the site is aside in the working folder"
        assert clear_stale(out) == [work]
        assert digest(out) == before, "put back as it was"
        assert leftovers(tmp_path) == []


def test_a_build_killed_after_publishing_keeps_the_new_site(tmp_path: Path) -> None:
    out, work = tmp_path / "site", tmp_path / ".site-build-1"
    (out / "2025-26").mkdir(parents=True)
    (out / "2025-26" / "index.html").write_text("new")
    (work / "old" / "site").mkdir(parents=True)
    (work / "old" / "site" / "index.html").write_text("old")
    (work / "old" / "moves.jsonl").write_text(f'["{out}", "{work / "old" / "site"}"]\n')
    assert clear_stale(out) == [work]
    assert (out / "2025-26" / "index.html").read_text() == "new"
