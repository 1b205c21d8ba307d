"""Defence in depth for the built site: an allow-list sanitiser for every page's content and a
scan of every built page and chart for anything that could run or restyle in a reader's browser.

The sanitiser runs inside MkDocs through a hook (generator/mkdocs_hooks.py), on the HTML that
Markdown produced from the templates, before the theme wraps it. The scan runs after the build
on the files as published: the content area of each page (what the theme did not write) and
every SVG chart.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nh3

from generator.model.markdown_policy import SAFE_SCHEMES, url_scheme

TAGS = {
    *("a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "span"),
    *("strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
}
ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "img": {"src", "alt", "title"},
    "span": {"class"},
    "div": {"class", "role"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}


def sanitize(content: str) -> str:
    """Keep only the tags, attributes and URL schemes a plan page needs."""
    return nh3.clean(
        content,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


_CONTENT = re.compile(
    r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL | re.IGNORECASE
)
_FORBIDDEN_TAG = re.compile(
    r"<\s*(script|iframe|frame|object|embed|form|style|meta|base|link|svg|math|template|"
    r"input|button|textarea|select|video|audio|source|applet)\b",
    re.IGNORECASE,
)
_EVENT_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+)\s*=", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
_URL_ATTRIBUTE = re.compile(
    r"\s(?:href|src|xlink:href|action|formaction|data|poster|background)\s*=\s*"
    r"(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))",
    re.IGNORECASE,
)


def _dangerous_url(value: str) -> bool:
    scheme = url_scheme(html.unescape(value))
    return scheme not in (None, "") and scheme not in SAFE_SCHEMES


def scan_markup(text: str, where: str, allow_svg: bool = False) -> list[str]:
    """Everything in a piece of published markup that could run, load or restyle."""
    found = []
    for match in _FORBIDDEN_TAG.finditer(text):
        if allow_svg and match.group(1).lower() == "svg":
            continue
        found.append(f"{where}: <{match.group(1).lower()}> element")
    found += [f"{where}: event handler {m.group(1)}=" for m in _EVENT_HANDLER.finditer(text)]
    if _STYLE_ATTRIBUTE.search(text):
        found.append(f"{where}: style= attribute")
    for match in _URL_ATTRIBUTE.finditer(text):
        value = next(group for group in match.groups() if group is not None)
        if _dangerous_url(value):
            found.append(f"{where}: dangerous URL {value[:60]!r}")
    return found


def scan_site(site: Path) -> list[str]:
    """Scan every built page's content area and every chart; an empty list means clean."""
    found: list[str] = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8", errors="replace")
            for content in _CONTENT.findall(text):
                found += scan_markup(content, name)
        elif path.suffix == ".svg":
            found += scan_markup(path.read_text(encoding="utf-8", errors="replace"), name, True)
    return found
