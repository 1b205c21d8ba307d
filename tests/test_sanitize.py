"""The allow-list sanitiser on its own, on HTML that validation would refuse before it: every
attribute it keeps and drops on every tag it keeps, remote images, link schemes, tags it removes,
comments (which could forge the markers the post-build scan trusts).

The expectations are written out here, not read from `generator.site.sanitize`: a change to its
allow-list must fail a test."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from generator.site.sanitize import SANITIZED_END, SANITIZED_START, sanitize, sanitize_marked

KEPT: dict[str, set[str]] = {
    "a": {"href", "title", "id", "class"},
    "img": {"src", "alt", "title"},
    "span": {"class"},
    "caption": {"class"},
    "div": {"class", "role", "data-search-exclude"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
    **{tag: set() for tag in ("abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt")},
    **{tag: set() for tag in ("em", "hr", "li", "p", "pre", "strong", "sub", "sup", "table")},
    **{tag: set() for tag in ("tbody", "tfoot", "thead", "tr", "ul")},
}
"""Every tag the sanitiser keeps, with the attributes it keeps on it besides GENERIC."""
GENERIC = {"lang", "title"}
"""Kept on every tag: nh3's default generic attributes, which the sanitiser does not replace."""
CANDIDATES = (
    *("class", "id", "style", "title", "href", "src", "alt", "role", "align", "start", "lang"),
    *("data-search-exclude", "data-x", "onclick", "onerror", "onmouseover", "dir", "width"),
    *("height", "name", "target", "rel", "srcset", "tabindex", "hidden", "contenteditable"),
    *("formaction", "background", "xmlns", "is", "slot", "accesskey", "autofocus", "ping"),
)
"""Attributes offered on every tag: those kept above and many that must never be."""
VOID = {"br", "hr", "img"}
CONTEXT = {
    "td": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "th": ("<table><thead><tr>", "</tr></thead></table>"),
    "tr": ("<table><tbody>", "</tbody></table>"),
    "tbody": ("<table>", "</table>"),
    "thead": ("<table>", "</table>"),
    "tfoot": ("<table>", "</table>"),
    "caption": ("<table>", "</table>"),
    "li": ("<ul>", "</ul>"),
    "dt": ("<dl>", "</dl>"),
    "dd": ("<dl>", "</dl>"),
}
VALUES = {"href": "page/", "src": "img/chart.svg", "align": "left", "start": "3"}


class _Elements(HTMLParser):
    """Each start tag of a fragment with its attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser.found


def attributes_of(fragment: str, tag: str) -> dict[str, str | None]:
    (attrs,) = [attrs for name, attrs in elements(fragment) if name == tag]
    return attrs


@pytest.mark.parametrize("tag", sorted(KEPT))
def test_each_tag_keeps_only_its_own_attributes(tag: str) -> None:
    attrs = " ".join(f'{name}="{VALUES.get(name, "v")}"' for name in CANDIDATES)
    element = f"<{tag} {attrs}>" if tag in VOID else f"<{tag} {attrs}>text</{tag}>"
    before, after = CONTEXT.get(tag, ("", ""))
    cleaned = sanitize(before + element + after)
    kept = attributes_of(cleaned, tag)
    assert set(kept) == KEPT[tag] | GENERIC, cleaned
    assert all(kept[name] == VALUES.get(name, "v") for name in kept), cleaned


@pytest.mark.parametrize("tag", ["span", "div", "p", "a", "img", "td", "h3", "table", "pre"])
def test_style_is_allowed_on_no_tag(tag: str) -> None:
    before, after = CONTEXT.get(tag, ("", ""))
    html = f'{before}<{tag} style="background:url(//tracker.example/x)">x</{tag}>{after}'
    cleaned = sanitize(html)
    assert "style" not in cleaned and "tracker" not in cleaned, cleaned


def test_a_class_on_a_span_is_kept_and_its_style_dropped() -> None:
    assert sanitize('<span class="rag rag-red" style="color:red">Red</span>') == (
        '<span class="rag rag-red">Red</span>'
    )


REMOTE = [
    "https://tracker.example/pixel.gif",
    "http://tracker.example/pixel.gif",
    "HTTPS://tracker.example/pixel.gif",
    "//tracker.example/pixel.gif",
    "https:/\\tracker.example/pixel.gif",
    "\\\\tracker.example/pixel.gif",
    "/\\tracker.example/pixel.gif",
    "/assets/pixel.gif",
    "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
    "javascript:alert(1)",
    " https://tracker.example/pixel.gif",
    "https&#58;//tracker.example/pixel.gif",
    "ht\ttps://tracker.example/pixel.gif",
]


@pytest.mark.parametrize("src", REMOTE)
def test_an_image_from_anywhere_but_the_site_loses_its_source(src: str) -> None:
    cleaned = sanitize(f'<p>Thanks <img alt="a chart" src="{src}"></p>')
    assert attributes_of(cleaned, "img") == {"alt": "a chart"}, cleaned


@pytest.mark.parametrize("src", ["chart.svg", "../charts/da-reports.svg", "img/a%20b.png"])
def test_an_image_of_the_site_itself_keeps_its_source(src: str) -> None:
    cleaned = sanitize(f'<img alt="Trend" src="{src}" title="Trend">')
    assert attributes_of(cleaned, "img") == {"alt": "Trend", "src": src, "title": "Trend"}


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://files.example/",
    ],
)
def test_a_link_with_another_scheme_loses_its_target(href: str) -> None:
    cleaned = sanitize(f'<a href="{href}" title="t">x</a>')
    assert attributes_of(cleaned, "a") == {"title": "t"}, cleaned


@pytest.mark.parametrize(
    "href",
    ["https://example.org/a?b=c", "http://example.org/", "mailto:csp@example.org", "#priorities",
     "../2024-25/fenwick-csp/", "page/"],
)  # fmt: skip
def test_a_link_to_the_web_mail_or_the_site_is_kept_without_rel(href: str) -> None:
    assert attributes_of(sanitize(f'<a href="{href}">x</a>'), "a") == {"href": href}


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script>after", "after"),
        ("<style>p{color:red}</style>after", "after"),
        ('<iframe src="https://evil.example/"></iframe>after', "after"),
        ('<object data="x.swf"></object>after', "after"),
        ('<form action="https://evil.example/"><input name="q"><button>Go</button></form>', "Go"),
        ('<svg onload="alert(1)"><circle r="1"/></svg>after', "after"),
        ("<b>bold</b> <i>it</i> <u>u</u> <font>f</font>", "bold it u f"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">after', "after"),
        ('<base href="https://evil.example/">after', "after"),
        ("<!-- hidden -->after", "after"),
    ],
)
def test_tags_outside_the_list_are_removed(html: str, expected: str) -> None:
    assert sanitize(html) == expected


def test_content_cannot_forge_the_markers_the_scan_trusts() -> None:
    forged = f"{SANITIZED_END}<p>x</p>{SANITIZED_START}"
    assert sanitize(forged) == "<p>x</p>"
    assert sanitize_marked(forged) == f"{SANITIZED_START}<p>x</p>{SANITIZED_END}"


def test_a_page_of_allowed_markup_is_unchanged() -> None:
    page = (
        '<h2 id="priorities">Priorities</h2>\n'
        '<div class="admonition note" role="note" data-search-exclude="">'
        '<p>See <a class="md-button" href="https://example.org/" id="src" title="Source">'
        "the source</a>.</p></div>\n"
        '<table><thead><tr><th align="right">£</th></tr></thead>'
        '<tbody><tr><td align="right">1,000</td></tr></tbody></table>\n'
        '<ol start="2"><li><strong>a</strong> <em>b</em> <code>c</code> <del>d</del> '
        "<abbr>e</abbr> x<sub>1</sub><sup>2</sup></li></ol><hr><br>"
        "<dl><dt>t</dt><dd>d</dd></dl><blockquote><p>q</p></blockquote><pre><code>x</code></pre>"
    )
    assert sanitize(page) == page
