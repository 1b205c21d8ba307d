"""Defence in depth for the built site: an allow-list sanitiser for every page's content and a
scan of every built page and chart for anything that could run or restyle in a reader's browser.

The sanitiser runs inside MkDocs through a hook (generator/site/hooks.py), on the HTML that
Markdown produced from the templates, before the theme wraps it; the hook brackets its output in
two comments. The scan runs after the build on the files as published, each read once: every
page's chrome (what the theme wrote) and every SVG chart go through an HTML parser, and every
page and stylesheet is checked for anything loaded from another host. The bracketed content is
the sanitiser's own output, so the parser skips it (at national scale it was a fifth of the
build): the markers cannot be forged from content, because the sanitiser strips comments, and a
page whose markers are not exactly one pair in order is flagged, never skipped.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nh3
from selectolax.lexbor import LexborHTMLParser

from generator.model.markdown_policy import SAFE_SCHEMES, url_scheme

TAGS = {
    *("a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "span"),
    *("strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
}
ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "img": {"src", "alt", "title"},
    "span": {"class"},
    "caption": {"class"},
    "div": {"class", "role", "data-search-exclude"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}


def _only_local_images(tag: str, attribute: str, value: str) -> str | None:
    """Images come only from the site itself: a scheme, '//' or a backslash drops the src."""
    local = url_scheme(value) is None and "\\" not in value and not value.startswith("/")
    return None if tag == "img" and attribute == "src" and not local else value


def sanitize(content: str) -> str:
    """Keep only the tags, attributes and URL schemes a plan page needs."""
    return nh3.clean(
        content,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_only_local_images,
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


SANITIZED_START = "<!--plans:sanitized-->"
SANITIZED_END = "<!--/plans:sanitized-->"


def sanitize_marked(content: str) -> str:
    """Sanitised content bracketed by the markers that let the post-build scan skip it."""
    return f"{SANITIZED_START}{sanitize(content)}{SANITIZED_END}"


def _chrome(text: str) -> tuple[str, str | None]:
    """A page without its sanitised content, and a problem if the markers are out of place."""
    starts, ends = text.count(SANITIZED_START), text.count(SANITIZED_END)
    if starts == 0 and ends == 0:
        return text, None
    start, end = text.find(SANITIZED_START), text.find(SANITIZED_END)
    if starts != 1 or ends != 1 or end < start:
        return text, "sanitised-content markers are not exactly one pair in order"
    return text[:start] + text[end + len(SANITIZED_END) :], None


_RESOURCE = re.compile(  # browsers read a backslash as a slash in a URL
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?[/\\]{2}"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?[/\\]{2}[^>]*>"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?[/\\]{2}"
    r"|url\(\s*[\"']?(?:https?:)?[/\\]{2}",
    re.IGNORECASE,
)


def external_resources(text: str, where: str) -> list[str]:
    """Places in a page or stylesheet that would load something from another host."""
    found = []
    for match in _RESOURCE.finditer(text):
        snippet = match.group(0)
        if snippet.lower().startswith("<link") and 'rel="canonical"' in snippet:
            continue
        found.append(f"{where}: loads from another host: {snippet[:80]}")
    return found


URL_ATTRIBUTES = frozenset(
    {"href", "src", "xlink:href", "action", "formaction", "data", "poster", "background", "srcset"}
)
ALWAYS_FORBIDDEN = frozenset(
    {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "template",
     "math", "portal", "video", "audio", "source", "track",
     # raw-text elements a browser reads differently with scripting on (mutation XSS)
     "noscript", "noembed", "noframes", "xmp", "plaintext"}
)  # fmt: skip
CONTENT_FORBIDDEN = ALWAYS_FORBIDDEN | {
    *("script", "svg", "form", "input", "meta", "link", "button", "textarea", "select", "label"),
}
# The theme's own scripts: its inline start-up code, its JSON configuration and its bundle.
THEME_INLINE_SCRIPTS = ("__md_scope=", "var target=document.getElementById(location.hash")
# The theme's one <style> (theme/overrides/main.html, issue 20 item 5): the words in a printed
# page's margins, each a CSS string whose every other character is a six-digit escape
# (generator.site.pdf.css_string), and nothing else.
_CSS_STRING = r'"(?:[A-Za-z0-9 ,.:()/-]|\\[0-9a-f]{6} )*"'
THEME_PRINT_STYLE = re.compile(
    r"@page\s*\{\s*"
    + "".join(
        rf"@{box}\s*\{{\s*content:\s*{_CSS_STRING};\s*\}}\s*"
        for box in ("top-left", "top-right", "bottom-left")
    )
    + r"\}"
)


def _dangerous_url(value: str) -> bool:
    scheme = url_scheme(html.unescape(value))
    return scheme not in (None, "") and scheme not in SAFE_SCHEMES


def _scan_tree(text: str, where: str, svg_file: bool, redirect_page: bool) -> list[str]:
    """Every element of one published file as a browser builds them (an HTML5 parser), the
    theme's chrome told from the content (the <article>)."""
    found: list[str] = []

    def flag(what: str) -> None:
        found.append(f"{where}: {what}")

    tree = LexborHTMLParser(text)
    content: set[int] = set()
    for article in tree.css("article"):
        if "md-content__inner" in (article.attributes.get("class") or ""):
            content.update(node.mem_id for node in article.traverse(include_text=False))
    for node in tree.root.traverse(include_text=False) if tree.root is not None else ():
        if not node.is_element_node:
            continue
        tag = (node.tag or "").lower()
        attrs = node.attributes
        in_content = svg_file or node.mem_id in content
        for name, value in attrs.items():
            if name.startswith("on"):
                flag(f"event handler {name}= on <{tag}>")
            elif name == "style" and (in_content or tag != "svg"):
                flag(f"style= attribute on <{tag}>")
            elif name in URL_ATTRIBUTES and value and _dangerous_url(value):
                flag(f"dangerous URL {value[:60]!r} on <{tag}>")
        if tag == "svg" and svg_file:
            continue
        theme_style = (
            tag == "style"
            and not in_content
            and dict(attrs) == {"media": "print"}
            and THEME_PRINT_STYLE.fullmatch(node.text(deep=True).strip()) is not None
        )
        if theme_style:
            continue
        if tag in ALWAYS_FORBIDDEN or (in_content and tag in CONTENT_FORBIDDEN):
            flag(f"<{tag}> element")
        elif tag == "meta" and "http-equiv" in attrs and not redirect_page:
            flag("<meta http-equiv> element")
        elif tag == "script":
            script = node.text(deep=True).strip()
            src = attrs.get("src") or ""
            theme_bundle = "/assets/javascripts/" in f"/{src}" and "://" not in src and not script
            theme_config = attrs.get("id") == "__config" and attrs.get("type") == "application/json"
            theme_inline = not attrs and script.startswith(THEME_INLINE_SCRIPTS)
            if not (theme_bundle or theme_config or theme_inline):
                flag("<script> element that is not the theme's")
    return found


def scan_markup(text: str, where: str, svg_file: bool = False) -> list[str]:
    """Everything in a published page or chart that could run, load or restyle (content the
    sanitiser bracketed is skipped: it is the sanitiser's own output)."""
    text, misplaced = _chrome(text)
    # the site's own redirect pages (latest/, the root) have no content area and a refresh
    redirect = not svg_file and "<article" not in text and 'http-equiv="refresh"' in text
    found = [f"{where}: {misplaced}"] if misplaced else []
    found += _scan_tree(text, where, svg_file, redirect)
    return found + external_resources(text, where)


def scan_site(site: Path) -> list[str]:
    """Scan every built page (chrome and content), chart and stylesheet, each read once, for
    what could run, restyle or load from another host; empty means clean."""
    found: list[str] = []
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".svg", ".css"):
            text = path.read_text(encoding="utf-8", errors="replace")
            name = path.relative_to(site).as_posix()
            if path.suffix == ".css":
                found += external_resources(text, name)
            else:
                found += scan_markup(text, name, svg_file=path.suffix == ".svg")
    return found
