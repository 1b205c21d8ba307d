"""Take again the screenshots of the guide for plan editors, from the bundled example.

    python docs/screenshots.py      # from the repository's root, after pip install -e '.[test]'

It copies the example (plans/ and data/) into a temporary folder, builds it twice into
temporary folders (as published, and as a preview with drafts after `plans new-year`, so that
a draft year exists), serves each on 127.0.0.1 on a free port, and photographs a few pages in
headless Chromium (the system's /usr/bin/chromium, or `chromium` on PATH, driven by Playwright)
at 1280 pixels wide, one at 390 (a phone); and `plans serve` after an edit that leaves a
mistake, on a free port, stopped afterwards. Each image is cropped to what the guide shows and
written to docs/pages/assets/screenshots/. Nothing else is changed. Run it again after a
change to the theme or the example, and look at each image before committing it.
With Pillow installed, each image gets a thin grey frame and is reduced to 256 colours: a
fraction of the size, the text as sharp.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this clone's generator, run as a script from anywhere

from bench.search import serve  # noqa: E402
from generator.site.pdf import CHROMIUM_ARGS, find_chromium  # noqa: E402

OUT = ROOT / "docs" / "pages" / "assets" / "screenshots"
WIDE, PHONE = 1280, 390
MARGIN = 12  # pixels kept around what is cropped


@dataclass(frozen=True)
class Shot:
    """One screenshot: the page (in the published site, or in the preview with drafts), the
    element its crop starts at and the one it ends with, or before when `before` (CSS
    selectors; the crop spans the page's width, or the main column's when `column`), the
    window's width (and the crop's, when narrower), and what to point at first (a menu)."""

    name: str
    site: str
    page: str
    top: str
    bottom: str
    width: int = WIDE
    column: bool = False
    before: bool = False
    crop: int | None = None
    hover: str | None = None


# fmt: off
SHOTS = (
    Shot(
        "draft-banner", "preview", "2027-28/safer-kelderton/",
        top="article h1", bottom=".banner-draft", column=True,
    ),
    Shot(
        "plan-overview", "published", "2026-27/safer-kelderton/",
        top="article h1", bottom="article h2#who-is-in-the-partnership", column=True, before=True,
    ),
    Shot(
        "year-switcher", "published", "2026-27/safer-kelderton/",
        top="header.md-header", bottom=".md-version__list", hover=".md-version", crop=720,
    ),
    Shot(
        "corrected-page", "published", "2024-25/safer-kelderton/performance/",
        top="article h1", bottom=".banner-corrected", column=True,
    ),
    Shot(
        "corrections-log", "published", "2025-26/dunmarsh-wyckholt/corrections/",
        top="article h2[id='202526']", bottom="article h2[id='202425']", column=True, before=True,
    ),
    Shot(
        "review-decisions", "published", "2025-26/dunmarsh-wyckholt/review/",
        top="article h2#services-decisions", bottom="article h2#finance", column=True, before=True,
    ),
    Shot(
        "phone-overview", "published", "2026-27/safer-kelderton/",
        top="header.md-header", bottom="article .banner-fictional", width=PHONE,
    ),
)
# fmt: on


def plans_env(cwd: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PLANS_CACHE_DIR": str(cwd.parent / "cache")}


def plans(*args: str, cwd: Path) -> None:
    """Run a `plans` command of this clone in the copy of the example; stop on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, env=plans_env(cwd),
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"plans {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def build_sites(work: Path) -> dict[str, Path]:
    """The example as published, and as a preview with a draft year started by new-year."""
    project = work / "example"
    for folder in ("plans", "data"):
        shutil.copytree(ROOT / folder, project / folder)
    plans("build", "--quiet", "--no-cache", "--out", str(work / "published"), cwd=project)
    plans("new-year", cwd=project)
    plans("build", "--drafts", "--quiet", "--no-cache", "--out", str(work / "preview"), cwd=project)
    return {"published": work / "published", "preview": work / "preview"}


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).first
    found.wait_for(state="visible")
    place = found.bounding_box()
    if place is None:
        sys.exit(f"{page.url}: {selector} is not shown")
    return dict(place)


def shoot(page: Any, base: str, shot: Shot, path: Path) -> None:
    page.set_viewport_size({"width": shot.width, "height": 900})
    page.goto(base + shot.page)
    page.wait_for_load_state("networkidle")
    if shot.hover:
        page.hover(shot.hover)
        page.wait_for_timeout(300)  # the menu's transition
    top, bottom = box(page, shot.top), box(page, shot.bottom)
    if shot.column:
        column = box(page, "article")
        left, right = column["x"] - MARGIN, column["x"] + column["width"] + MARGIN
    else:
        left, right = 0, shot.crop or shot.width
    y0 = max(0, top["y"] - MARGIN)
    y1 = bottom["y"] if shot.before else bottom["y"] + bottom["height"] + MARGIN
    page.set_viewport_size({"width": shot.width, "height": int(y1) + 1})
    page.screenshot(
        path=str(path),
        clip={"x": max(0, left), "y": y0, "width": min(right, shot.width) - max(0, left),
              "height": y1 - y0},
        animations="disabled",
    )  # fmt: skip


def finish(path: Path) -> None:
    """A one-pixel grey frame, so that the image stands apart from the page around it, and
    256 colours: the same text, a fraction of the size (when Pillow is there)."""
    try:
        from PIL import Image, ImageOps
    except ImportError:
        return
    with Image.open(path) as image:
        framed = ImageOps.expand(image.convert("RGB"), border=1, fill=(190, 190, 190))
    framed.quantize(colors=256, dither=Image.Dither.NONE).save(path, optimize=True)


BROKEN = "plans/safer-kelderton/2026-27/indicators.yml"
"""The file `plans serve` is shown breaking: its fourth line indented one space too far."""


def status_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def wait_for(url: str, status: int, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while status_of(url) != status:
        if time.monotonic() > deadline:
            sys.exit(f"{url} did not answer {status} within {timeout_s:.0f} s")
        time.sleep(0.5)


def shoot_serve_problems(page: Any, work: Path, path: Path) -> None:
    """`plans serve` after an edit that leaves a mistake: its page of problems."""
    project = work / "serving"
    for folder in ("plans", "data"):
        shutil.copytree(ROOT / folder, project / folder)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port)], cwd=project,
        env=plans_env(project), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(url, 200)
        broken = project / BROKEN
        lines = broken.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[3] = " " + lines[3]
        broken.write_text("".join(lines), encoding="utf-8")
        wait_for(url, 500)
        page.set_viewport_size({"width": WIDE, "height": 600})
        page.goto(url)
        page.screenshot(path=str(path), clip=clip_of(page, "h1", "pre", WIDE))
    finally:
        server.terminate()
        server.wait(timeout=30)


def clip_of(page: Any, top: str, bottom: str, width: int) -> dict[str, float]:
    """From `top` to `bottom` (selectors), the width of what they hold, with a margin."""
    a, b = box(page, top), box(page, bottom)
    left = min(a["x"], b["x"]) - MARGIN
    right = max(a["x"] + a["width"], b["x"] + b["width"]) + MARGIN
    return {
        "x": max(0, left), "y": max(0, a["y"] - MARGIN),
        "width": min(right, width) - max(0, left),
        "height": b["y"] + b["height"] + MARGIN - max(0, a["y"] - MARGIN),
    }  # fmt: skip


def main() -> None:
    from playwright.sync_api import sync_playwright

    browser_path = find_chromium()
    if browser_path is None:
        sys.exit("no Chromium found: install it (Debian: apt-get install chromium)")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="plans-screenshots-") as temp:
        sites = build_sites(Path(temp))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=browser_path, args=[a for a in CHROMIUM_ARGS if a != "--headless"]
            )
            page = browser.new_page(reduced_motion="reduce")
            for shot in SHOTS:
                with serve(sites[shot.site]) as base:
                    path = OUT / f"{shot.name}.png"
                    shoot(page, base, shot, path)
                finish(path)
                print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
            path = OUT / "serve-problems.png"
            shoot_serve_problems(page, Path(temp), path)
            finish(path)
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
            browser.close()


if __name__ == "__main__":
    main()
