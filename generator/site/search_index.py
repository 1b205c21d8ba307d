"""The site search's page sections, found in one pass over the sanitiser's output.

mkdocs-material's search plugin divides each page's content into sections (a heading and the text
after it) with a subclass of the standard library's `html.parser`, event by event in Python: at
national scale that was a fifth of every page's build. Page content here is always the allow-list
sanitiser's output (`generator.site.sanitize`, run by the hook before the search plugin sees the
page), which html5ever serialises in one canonical form: lower-case tags, double-quoted attribute
values, `&`, `<` and `>` escaped in text. One regular expression tokenises that form, and
`sections` applies the search plugin's own rules to the tokens (what starts a section, which tags
are kept in the text, what is skipped, how white space collapses), quirks included, so the search
index is the same. Content in any other form (a token the expression does not know) gets None, and
the caller leaves it to the plugin's own parser.

`FastSearchIndex` is mkdocs-material's `SearchIndex` with only the parsing replaced; the hook's
`on_config` puts one in place of the plugin's (`generator.site.hooks`). The entries (locations,
titles, text), the index's configuration and its file are still the plugin's own work.
"""

from __future__ import annotations

import html
import re
from typing import Any

from material.plugins.search.plugin import SearchIndex as PluginSearchIndex

TOKEN = re.compile(
    r"""(<!--.*?-->)"""  # a comment: the plugin ignores them
    r"""|<([a-z][a-z0-9]*)((?:\s+[a-z_:][-a-z0-9_:.]*(?:="[^"]*")?)*)\s*(/?)>"""  # start tag
    r"""|</([a-z][a-z0-9]*)\s*>"""  # end tag
    r"""|([^<]+)""",  # text
    re.S,
)
ATTRIBUTE = re.compile(r"""([a-z_:][-a-z0-9_:.]*)(?:="([^"]*)")?""")

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
"""Tags the plugin keeps (as bare `<tag>` and `</tag>`) in a section's text."""
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
RAW_TEXT = frozenset({"script", "style"})
"""Elements whose content the standard library's parser reads as text up to their end tag: the
sanitiser never leaves one, and this tokeniser leaves them to the plugin's parser."""
ALWAYS_SKIPPED = ("object", "script", "style")
"""Tags whose text the plugin never indexes (the rest of its skip list is per page)."""


class Section:
    """A heading and the text after it, as the plugin's own `Section` holds them."""

    __slots__ = ("attrs", "depth", "id", "tag", "text", "title")

    def __init__(self, tag: str, attrs: dict[str, str | None], depth: float = 0) -> None:
        self.tag = tag
        self.attrs = attrs
        self.depth = depth
        self.title: list[str] = []
        self.text: list[str] = []
        self.id: str | None = None

    def is_excluded(self) -> bool:
        return "data-search-exclude" in self.attrs


def _attributes(text: str) -> dict[str, str | None]:
    """A start tag's attributes as the standard library's parser gives them: values decoded,
    None for an attribute written without one."""
    found: dict[str, str | None] = {}
    for match in ATTRIBUTE.finditer(text):
        value = match.group(2)
        found[match.group(1)] = html.unescape(value) if value and "&" in value else value
    return found


def _escaped(data: str) -> str:
    """Text as the plugin keeps it: escaped again after its parser decoded it."""
    if "&" in data or "<" in data or ">" in data:
        return html.escape(data, quote=False)
    return data


class _Parser:
    """The search plugin's parser's rules over tokens: `handle_starttag`, `handle_endtag` and
    `handle_data` follow the plugin's methods of the same names, step for step. Elements
    compare by tag there (so its skip list and `in` tests are about tag names), and that is
    kept."""

    def __init__(self) -> None:
        self.skip: set[str] = set(ALWAYS_SKIPPED)
        self.tags: list[str] = []  # the open elements (the plugin's `context`), outermost first
        self.attributes: list[dict[str, str | None]] = []  # and their attributes
        self.section: Section | None = None
        self.data: list[Section] = []

    def _skipping(self) -> bool:
        return not self.skip.isdisjoint(self.tags)

    def _target(self) -> list[str]:
        section = self.section
        assert section is not None
        return section.title if section.tag in self.tags else section.text

    def handle_starttag(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in VOID:
            return
        self.tags.append(tag)
        self.attributes.append(attrs)
        if tag in HEADINGS:
            depth = len(self.tags)
            if "id" in attrs:
                if tag != "h1" and not self.data:
                    self.section = Section("hx", {}, depth)
                    self.data.append(self.section)
                self.section = Section(tag, attrs, depth)
                if self.data:
                    self.section.id = attrs["id"]
                self.data.append(self.section)
        if not self.section:
            self.section = Section("hx", {})
            self.data.append(self.section)
        for key, value in attrs.items():
            if key == "data-search-exclude" or (key == "class" and value == "linenodiv"):
                self.skip.add(tag)
                return
        if tag in KEEP and not self._skipping():
            self._target().append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if not self.tags or self.tags[-1] != tag:
            return
        section = self.section
        assert section is not None
        if section.depth > len(self.tags):
            for earlier in reversed(self.data):
                if earlier.depth <= len(self.tags):
                    section.depth = float("inf")
                    self.section = earlier
                    break
        self.tags.pop()
        self.attributes.pop()
        if tag in self.skip:
            if tag not in ALWAYS_SKIPPED:
                self.skip.remove(tag)
            return
        if tag in KEEP and not self._skipping():
            data = self._target()
            index = data.index(f"<{tag}>")
            for i in range(index + 1, len(data)):
                if not data[i].isspace():
                    index = len(data)
                    break
            if len(data) > index:
                del data[index:]
            else:
                data.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._skipping():
            return
        if "pre" not in self.tags:
            data = " " if data.isspace() else data.replace("\n", " ")
        if not self.section:
            self.section = Section("hx", {})
            self.data.append(self.section)
        section = self.section
        if section.tag in self.tags:
            for tag, attrs in zip(self.tags, self.attributes, strict=True):
                if tag == "a" and attrs.get("class") == "headerlink":
                    return  # a permalink
            section.title.append(_escaped(data))
        elif data.isspace():
            if not section.text or not section.text[-1].isspace() or "pre" in self.tags:
                section.text.append(data)
        else:
            section.text.append(_escaped(data))


def sections(content: str) -> list[Section] | None:
    """The search sections of a page's content, or None when the content is not in the
    canonical form this tokeniser reads (the plugin's own parser then reads it)."""
    tokens = TOKEN.findall(content)
    # Text is any run without "<", so what no token covers can only be a "<" that starts none:
    # every "<" must be in a comment, or open a tag (a quoted attribute value may hold more).
    opened = sum(
        comment.count("<") if comment else (1 + attrs.count("<") if start or end else 0)
        for comment, start, attrs, _, end, _ in tokens
    )
    if opened != content.count("<"):
        return None
    parser = _Parser()
    for _, start, attrs, closed, end, text in tokens:
        if text:
            parser.handle_data(html.unescape(text) if "&" in text else text)
        elif start:
            if start in RAW_TEXT:
                return None
            parser.handle_starttag(start, _attributes(attrs))
            if closed:
                parser.handle_endtag(start)
        elif end:
            parser.handle_endtag(end)
    return parser.data


class FastSearchIndex(PluginSearchIndex):  # type: ignore[misc]
    """mkdocs-material's search index, dividing pages into sections with `sections`."""

    def add_entry_from_context(self, page: Any) -> None:
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        found = sections(page.content or "")
        if found is None:
            super().add_entry_from_context(page)
            return
        for section in found:
            if not section.is_excluded():
                self.create_entry_for_section(section, page.toc, page.url, page)
