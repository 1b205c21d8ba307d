"""The post-build scan: one read per file, the sanitiser's bracketed output skipped, forged or
misplaced markers flagged, and other-host loads caught in pages and stylesheets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from generator.site.hooks import on_page_content
from generator.site.sanitize import SANITIZED_END, SANITIZED_START, scan_markup, scan_site

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


FLAGGED_IN_CHROME = {
    "handler": ('<a href="x" onclick="y">n</a>', "event handler onclick= on <a>"),
    "upper case": ('<A HREF="x" OnClick="y">n</A>', "event handler onclick= on <a>"),
    "slash before a name": ("<p/onclick=y>n</p>", "event handler onclick= on <p>"),
    "svg handler": ("<svg onload=alert(1)>", "event handler onload= on <svg>"),
    "script URL": ('<a href="javascript:alert(1)">n</a>', "dangerous URL"),
    "encoded tab in the scheme": ('<a href="jav&#x09;ascript:alert(1)">n</a>', "dangerous URL"),
    "style": ('<div style="color:red">n</div>', "style= attribute on <div>"),
    "frame": ('<iframe src="/x"></iframe>', "<iframe> element"),
    "script": ("<script>alert(1)</script>", "<script> element that is not the theme's"),
    "unclosed script": ("<script>alert(1)", "<script> element that is not the theme's"),
    "script in svg": ("<svg><script>alert(1)</script></svg>", "<script> element that is not"),
    "refresh": ('<meta http-equiv="refresh" content="0;url=/x">', "<meta http-equiv> element"),
    "base": ('<base href="/elsewhere/">', "<base> element"),
    "math": ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "<math>"),
    # read as text with scripting off and as markup with it on: the mutation-XSS route
    "noscript": ('<noscript><p title="</noscript><img src=x onerror=y>"></noscript>', "<noscript>"),
}  # fmt: skip


def test_the_scan_sees_the_elements_a_browser_builds() -> None:
    for name, (markup, finding) in FLAGGED_IN_CHROME.items():
        found = scan_markup(page("", nav=markup), "a.html")
        assert any(finding in f for f in found), (name, found)
    # what a browser does not run is not reported: a repeated attribute (the first one
    # counts) and markup inside the title (its text)
    assert scan_markup(page("", nav='<a href="/ok" href="javascript:x">n</a>'), "a.html") == []
    assert scan_markup(page("", nav="<title><img src=x onerror=y></title>"), "a.html") == []
    # content (the article) may hold none of a form's or a drawing's elements
    found = scan_markup(page('<form action="/x"><input></form><svg></svg>'), "a.html")
    assert found == ["a.html: <form> element", "a.html: <input> element", "a.html: <svg> element"]


# Written out here, not read from the module: the scan's lists are what is under test.
ANYWHERE = (
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "template",
    "math", "portal", "video", "audio", "source", "track",
    "noscript", "noembed", "noframes", "xmp", "plaintext",
)  # fmt: skip
IN_CONTENT_ONLY = ("svg", "form", "input", "meta", "link", "button", "textarea", "select", "label")
URL_NAMES = (
    "href", "src", "xlink:href", "action", "formaction", "data", "poster", "background",
    "srcset",
)  # fmt: skip


def test_every_element_that_may_never_stand_is_flagged_even_in_the_chrome() -> None:
    """One element at a time, in a chart (where the whole file is content) and in a page's
    chrome (mutation testing found elements of the list could be dropped unnoticed)."""
    for tag in ANYWHERE:
        markup = f"<{tag}></{tag}>" if tag != "plaintext" else "<plaintext>"
        chart = f'<svg xmlns="http://www.w3.org/2000/svg">{markup}</svg>'
        assert f"c.svg: <{tag}> element" in scan_markup(chart, "c.svg", svg_file=True), tag
        if tag in ("frame", "frameset"):
            continue  # in a page's body a browser builds neither: nothing there to flag
        chrome = scan_markup(page("", nav=markup), "a.html")
        assert f"a.html: <{tag}> element" in chrome, (tag, chrome)


def test_elements_of_the_theme_are_flagged_only_in_content() -> None:
    for tag in IN_CONTENT_ONLY:
        markup = f"<{tag}></{tag}>" if tag not in ("meta", "link", "input") else f"<{tag}>"
        assert f"a.html: <{tag}> element" in scan_markup(page(markup), "a.html"), tag
        assert f"<{tag}> element" not in " ".join(scan_markup(page("", nav=markup), "a.html"))


def test_every_url_attribute_is_checked_for_a_dangerous_scheme() -> None:
    for name in URL_NAMES:
        found = scan_markup(page("", nav=f'<a {name}="javascript:alert(1)">x</a>'), "a.html")
        assert found == ["a.html: dangerous URL 'javascript:alert(1)' on <a>"], (name, found)
    assert scan_markup(page("", nav='<a title="javascript:alert(1)">x</a>'), "a.html") == []


def test_scan_site_reports_files_in_order_and_reads_broken_text(tmp_path: Path) -> None:
    (tmp_path / "b.html").write_text(page("", nav="<iframe></iframe>"))
    (tmp_path / "a.html").write_text(page("", nav="<embed>"))
    (tmp_path / "c.html").write_bytes(page("", nav="<object></object>").encode() + b"\xff\xfe")
    assert scan_site(tmp_path) == [
        "a.html: <embed> element", "b.html: <iframe> element", "c.html: <object> element"
    ]  # fmt: skip


def test_a_script_in_content_is_flagged_even_if_it_looks_like_the_themes() -> None:
    """The theme's bundle, its configuration and its start-up code pass in the chrome; the same
    elements in the content (the article) are flagged."""
    for script in (
        '<script src="/assets/javascripts/bundle.js"></script>',
        '<script id="__config" type="application/json">{}</script>',
        "<script>__md_scope=new URL('.',location)</script>",
    ):
        assert scan_markup(page("", nav=script), "a.html") == [], script
        assert scan_markup(page(script), "a.html") == ["a.html: <script> element"], script


def test_a_style_attribute_passes_only_on_an_svg_of_the_themes_chrome() -> None:
    icon = '<svg style="width:1em"></svg>'
    assert scan_markup(page("", nav=icon), "a.html") == []
    assert scan_markup(page(icon), "a.html") == [
        "a.html: style= attribute on <svg>",
        "a.html: <svg> element",
    ]
    assert scan_markup(page("", nav='<span style="width:1em"></span>'), "a.html") == [
        "a.html: style= attribute on <span>"
    ]


def test_a_meta_refresh_is_flagged_in_a_page_but_not_in_a_redirect_page() -> None:
    refresh = '<meta http-equiv="refresh" content="0;url=/x">'
    assert scan_markup(page("", nav=refresh), "a.html") == ["a.html: <meta http-equiv> element"]
    redirect = f"<html><head>{refresh}</head><body></body></html>"
    assert scan_markup(redirect, "index.html") == []


def test_a_script_passes_as_the_themes_only_if_it_is_exactly_what_the_theme_writes() -> None:
    for script in (
        '<script src="https://cdn.example/assets/javascripts/bundle.js"></script>',
        '<script id="__config">alert(1)</script>',
        '<script type="application/json">{}</script>',
        '<script src="/assets/javascripts/bundle.js">alert(1)</script>',
    ):
        found = scan_markup(page("", nav=script), "a.html")
        assert "a.html: <script> element that is not the theme's" in found, (script, found)


def test_scan_site_reads_charts_as_content_through_and_through(tmp_path: Path) -> None:
    (tmp_path / "charts").mkdir()
    chart = '<svg xmlns="http://www.w3.org/2000/svg" style="x"><script>alert(1)</script></svg>'
    (tmp_path / "charts" / "a.svg").write_text(chart)
    assert scan_site(tmp_path) == [
        "charts/a.svg: style= attribute on <svg>",
        "charts/a.svg: <script> element",
    ]


def test_scan_site_reads_pages_as_utf8_whatever_the_machines_locale(tmp_path: Path) -> None:
    """A problem quotes the page as written: in a process whose locale reads files as ASCII
    (the C locale, UTF-8 mode off), the é of a dangerous link is still an é."""
    (tmp_path / "a.html").write_text(page("", nav='<a href="javascript:alert(é)">n</a>'))
    root = Path(__file__).resolve().parents[1]
    env = os.environ | {"PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0", "LC_ALL": "C"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    code = (
        "import json, sys; from pathlib import Path; from generator.site.sanitize import "
        "scan_site; print(json.dumps([sys.flags.utf8_mode, scan_site(Path(sys.argv[1]))]))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], env=env, capture_output=True, check=True
    )
    assert json.loads(ran.stdout) == [0, ["a.html: dangerous URL 'javascript:alert(é)' on <a>"]]
