"""The post-build scan: one read per file, the sanitiser's bracketed output skipped, forged or
misplaced markers flagged, and other-host loads caught in pages and stylesheets."""

from __future__ import annotations

from pathlib import Path

from generator.mkdocs_hooks import on_page_content
from generator.sanitize import SANITIZED_END, SANITIZED_START, scan_markup, scan_site

CHROME = (
    '<html><body><nav>{nav}</nav><article class="md-content__inner">{content}</article>'
    "</body></html>"
)


def page(content: str, nav: str = "") -> str:
    return CHROME.format(nav=nav, content=content)


def test_hook_brackets_sanitised_content() -> None:
    out = on_page_content("<p>hi<script>alert(1)</script><!--x--></p>")
    assert out.startswith(SANITIZED_START) and out.endswith(SANITIZED_END)
    assert "<script" not in out and "<!--x-->" not in out


def test_content_inside_markers_is_the_sanitisers_and_is_skipped() -> None:
    # what only a bug could put there: the scanner trusts the sanitiser for this region
    inside = f"{SANITIZED_START}<p>text</p>{SANITIZED_END}"
    assert scan_markup(page(inside), "a.html") == []


def test_chrome_outside_markers_is_still_scanned() -> None:
    content = f"{SANITIZED_START}<p>text</p>{SANITIZED_END}"
    found = scan_markup(page(content, nav='<a href="x" onclick="y">n</a>'), "a.html")
    assert found == ["a.html: event handler onclick= on <a>"]


def test_forged_or_misplaced_markers_are_flagged_not_skipped() -> None:
    forged = f"{SANITIZED_START}<img src=x onerror=alert(1)>"
    real = f"{SANITIZED_START}<p>ok</p>{SANITIZED_END}"
    for text in (
        page(real, nav=forged),  # a second start marker printed by the theme
        page(f"{SANITIZED_END}<script>alert(1)</script>{SANITIZED_START}"),  # out of order
        page(f"{SANITIZED_START}<script>alert(1)</script>"),  # no end
    ):
        found = scan_markup(text, "a.html")
        assert "a.html: sanitised-content markers are not exactly one pair in order" in found
        assert len(found) > 1, found  # and what they would have hidden is reported too


def test_scan_site_catches_other_hosts_in_pages_and_stylesheets(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page("", nav='<link rel="stylesheet" href="//cdn.example/x">'))
    (tmp_path / "b.css").write_text("@import url('https://example.com/x.css');")
    (tmp_path / "c.html").write_text(page("", nav='<a href="https://example.com/">fine</a>'))
    (tmp_path / "d.html").write_text(
        page("", nav='<link rel="canonical" href="https://a.example/">')
    )
    found = scan_site(tmp_path)
    assert [f.split(":")[0] for f in found] == ["a.html", "b.css"]
    assert all("loads from another host" in f for f in found)
