"""A Python-Markdown extension that gives every table a caption: the text of the heading it sits
under, for screen readers (WCAG 1.3.1, technique H39), hidden on screen where the heading above
already says it (class `plans-hidden`, theme/assets/extra.css).

The page templates write tables in Markdown, which has no syntax for a caption; the heading a
template puts over a table names it. A table with no heading before it in its block takes the
page's first heading. Several tables under one heading are numbered ("Funding (table 2)").

Listed by the generated configuration of every version (`generator.site.version_config`); it runs
after the inline stage, so the heading's text is final (an escaped character is still behind its
marker, put back by the `unescape` stage, which runs later over the caption too).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
PRIORITY = 15
"""After `inline` (20), before `prettify` (10) and `unescape` (0)."""


def _text(element: etree.Element) -> str:
    return " ".join("".join(element.itertext()).split())


class CaptionTreeprocessor(Treeprocessor):
    """Give each table without a caption one: the heading it sits under."""

    def run(self, root: etree.Element) -> None:
        first = next((e for e in root.iter() if e.tag in HEADINGS), None)
        page_title = _text(first) if first is not None else ""
        self._caption(root, page_title)

    def _caption(self, parent: etree.Element, heading: str) -> None:
        count = 0
        for child in parent:
            if child.tag in HEADINGS:
                heading, count = _text(child), 0
            elif child.tag == "table":
                count += 1
                if heading and child.find("caption") is None:
                    caption = etree.Element("caption", {"class": "plans-hidden"})
                    caption.text = heading if count == 1 else f"{heading} (table {count})"
                    child.insert(0, caption)
            elif len(child):
                self._caption(child, heading)


class CaptionExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(CaptionTreeprocessor(md), "plans_captions", PRIORITY)


def makeExtension(**kwargs: Any) -> CaptionExtension:
    return CaptionExtension(**kwargs)
