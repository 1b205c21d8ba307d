"""A Python-Markdown extension that does two of its tree stages' work with fewer calls.

After the inline stage, Python-Markdown walks each page's element tree twice more: `prettify`
puts a line break after block elements, asking `Markdown.is_block_level` of every element (a
method that lower-cases the tag and searches a list of 59 names), and `unescape` runs a
regular-expression substitution over every text, tail and attribute value, to put back the
characters a backslash escaped. Plan pages are long tables: on the benchmark's pages the two
took a fifth of Python-Markdown's time.

This extension gives them the same work with less calling: `prettify` asks `is_block_level`
once a tag name per page (the answer for a name does not change while a page is converted), and
`unescape` substitutes only in text that holds the marker every escaped character is stashed
behind (STX). Same tree, so the same HTML, for any page (tested against Python-Markdown's own
stages). It stands aside, leaving Python-Markdown's stage in place, when the stage registered
under the name is not Python-Markdown's own class (another extension replaced it).

Listed by the generated configuration of every version (`generator.site.version_config`), after
`generator.site.fast_inline`; a plain Python-Markdown extension, like that one.
"""

from __future__ import annotations

from typing import Any

from markdown import Markdown, util
from markdown.extensions import Extension
from markdown.treeprocessors import PrettifyTreeprocessor, UnescapeTreeprocessor

PRETTIFY_PRIORITY = 10
UNESCAPE_PRIORITY = 0
"""Where Python-Markdown registers the two stages: the replacements take the same places."""

_NOT_PRETTIFIED = ("code", "pre")


class FastPrettifyTreeprocessor(PrettifyTreeprocessor):
    """Python-Markdown's `prettify`, asking `is_block_level` once for each tag of a page."""

    def run(self, root: Any) -> None:
        self._blocks: dict[Any, bool] = {}
        try:
            super().run(root)
        finally:
            del self._blocks

    def _is_block(self, tag: Any) -> bool:
        known = self._blocks.get(tag)
        if known is None:
            known = self._blocks[tag] = bool(self.md.is_block_level(tag))
        return known

    def _prettifyETree(self, elem: Any) -> None:
        # Python-Markdown's rule, element by element: a block element (other than code and pre)
        # whose text is blank and whose first child is a block gets a line break as its text;
        # its block children are visited; every visited element with a blank tail gets a line
        # break as its tail. Each element's change reads only its own text, tail and first
        # child's tag, so the order of visits does not matter.
        is_block = self._is_block
        if is_block(elem.tag) and elem.tag not in _NOT_PRETTIFIED:
            text = elem.text
            if (not text or not text.strip()) and len(elem) and is_block(elem[0].tag):
                elem.text = "\n"
            for child in elem:
                if is_block(child.tag):
                    self._prettifyETree(child)
        tail = elem.tail
        if not tail or not tail.strip():
            elem.tail = "\n"


class FastUnescapeTreeprocessor(UnescapeTreeprocessor):
    """Python-Markdown's `unescape`, substituting only where an escaped character stands."""

    def run(self, root: Any) -> None:
        unescape, marker = self.unescape, util.STX
        for elem in root.iter():
            text = elem.text
            if text and elem.tag != "code":
                # Python-Markdown's substitution gives back a plain `str` even where it changes
                # nothing (an AtomicString becomes a str): so does this, for the same tree.
                if marker in text:
                    elem.text = unescape(text)
                elif text.__class__ is not str:
                    elem.text = str(text)
            tail = elem.tail
            if tail:
                if marker in tail:
                    elem.tail = unescape(tail)
                elif tail.__class__ is not str:
                    elem.tail = str(tail)
            for key, value in elem.items():
                if value is not None and (marker in value or value.__class__ is not str):
                    elem.set(key, unescape(value))


class FastTreeExtension(Extension):
    """Replace `prettify` and `unescape` with the classes above, where they are the stock ones."""

    def extendMarkdown(self, md: Markdown) -> None:
        stages = md.treeprocessors
        if "prettify" in stages and type(stages["prettify"]) is PrettifyTreeprocessor:
            stages.register(FastPrettifyTreeprocessor(md), "prettify", PRETTIFY_PRIORITY)
        if "unescape" in stages and type(stages["unescape"]) is UnescapeTreeprocessor:
            stages.register(FastUnescapeTreeprocessor(md), "unescape", UNESCAPE_PRIORITY)


def makeExtension(**kwargs: Any) -> FastTreeExtension:
    """How Python-Markdown loads an extension named by its module."""
    return FastTreeExtension(**kwargs)
