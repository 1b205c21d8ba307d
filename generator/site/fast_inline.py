"""A Python-Markdown extension that skips inline parsing of text no inline pattern can match.

Python-Markdown tries each of its fourteen inline patterns, one regular expression after another,
on every piece of text in a page. Plan pages are mostly tables of names, figures and dates, where
none of them can match; on the benchmark's pages that search was a fifth of a page's build.

Every default inline pattern needs one of a few characters to match (a backtick, backslash,
bracket, angle bracket, ampersand, asterisk, underscore, or two spaces before a line break), so
text holding none of them comes out of the inline stage exactly as it went in. This extension
answers that case with one search and leaves everything else to Python-Markdown. It stands aside
(Python-Markdown runs unchanged) when the registered patterns are not exactly the defaults, for
instance when mkdocs.yml adds an extension with inline syntax of its own, or when this version
of Python-Markdown lacks the method it hooks.

Listed by the generated configuration of every version (`generator.site.version_config`); a plain
Python-Markdown extension, so any builder that uses Python-Markdown can list it too.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor

DEFAULT_PATTERNS = frozenset(
    {
        "backtick",
        "escape",
        "reference",
        "link",
        "image_link",
        "image_reference",
        "short_reference",
        "short_image_ref",
        "autolink",
        "automail",
        "linebreak",
        "html",
        "entity",
        "em_strong",
    }
)
"""Python-Markdown's own inline patterns: the ones TRIGGER is known to cover."""

TRIGGER = re.compile(r"[`\\\[<&*_]|  \n")
"""A character without which none of DEFAULT_PATTERNS can match (`!` only opens an image
together with `[`)."""

_HOOKED = "_InlineProcessor__handleInline"
INLINE_PRIORITY = 20
"""Where Python-Markdown registers its `inline` tree processor (after the block parser's tree,
before `prettify` at 10): the replacement takes the same place."""


class FastInlineProcessor(InlineProcessor):
    """Python-Markdown's inline stage, answering text with no possible match at once."""

    fast = False
    """Whether this run's patterns are exactly DEFAULT_PATTERNS (set by each `run`)."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        patterns = self.md.inlinePatterns
        self.fast = len(patterns) == len(DEFAULT_PATTERNS) and all(
            name in patterns for name in DEFAULT_PATTERNS
        )
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if self.fast and not patternIndex and not TRIGGER.search(data):
            return data  # AtomicString or not: no pattern could change it
        handled: str = getattr(super(), _HOOKED)(data, patternIndex)
        return handled


class FastInlineExtension(Extension):
    """Replace the `inline` tree processor with FastInlineProcessor, at the same priority."""

    def extendMarkdown(self, md: Markdown) -> None:
        if hasattr(InlineProcessor, _HOOKED) and "inline" in md.treeprocessors:
            md.treeprocessors.register(FastInlineProcessor(md), "inline", INLINE_PRIORITY)


def makeExtension(**kwargs: Any) -> FastInlineExtension:
    """How Python-Markdown loads an extension named by its module."""
    return FastInlineExtension(**kwargs)
