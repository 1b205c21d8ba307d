"""generator.site.fast_tree changes how fast Python-Markdown's `prettify` and `unescape` stages run,
never what they make: the same element tree (tags, texts, tails, attributes, and which texts are
AtomicStrings) and so the same HTML, for any text, for tables and for every page of the example
site; it is active with the project's own extensions, and stands aside when another extension
has replaced a stage."""

from __future__ import annotations

from typing import Any

import markdown
import pytest
from conftest import MARKDOWN_TABLES, MARKDOWN_TEXTS, example_pages, markdown_extensions
from hypothesis import given, settings
from markdown.treeprocessors import PrettifyTreeprocessor, Treeprocessor

from generator.site.fast_inline import FastInlineExtension
from generator.site.fast_tree import (
    FastPrettifyTreeprocessor,
    FastTreeExtension,
    FastUnescapeTreeprocessor,
)


class _Snapshot(Treeprocessor):
    """Records the whole tree after every other stage: what the serialiser is given."""

    def run(self, root: Any) -> None:
        self.md.snapshot = [  # type: ignore[attr-defined]
            (e.tag, type(e.text), e.text, type(e.tail), e.tail, sorted(e.items()))
            for e in root.iter()
        ]


class _SnapshotExtension(markdown.extensions.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_Snapshot(md), "snapshot", -1000)


def _pair(extra: list[Any] | None = None) -> tuple[markdown.Markdown, markdown.Markdown]:
    names, configs = markdown_extensions()
    extensions: list[Any] = [*names, FastInlineExtension(), *(extra or []), _SnapshotExtension()]
    plain = markdown.Markdown(extensions=extensions, extension_configs=configs)
    fast = markdown.Markdown(
        extensions=[*extensions, FastTreeExtension()], extension_configs=configs
    )
    return plain, fast


def _convert(md: markdown.Markdown, text: str) -> tuple[str, Any]:
    md.reset()
    md.snapshot = None  # type: ignore[attr-defined]  # a blank text skips every stage
    html = md.convert(text)
    return html, md.snapshot  # type: ignore[attr-defined]


PLAIN, FAST = _pair()


@settings(max_examples=400, deadline=None)
@given(MARKDOWN_TEXTS)
def test_any_text_makes_the_same_tree(text: str) -> None:
    assert _convert(FAST, text) == _convert(PLAIN, text)


@settings(max_examples=150, deadline=None)
@given(MARKDOWN_TABLES)
def test_any_table_makes_the_same_tree(text: str) -> None:
    assert _convert(FAST, text) == _convert(PLAIN, text)


@pytest.mark.parametrize(
    "text",
    [
        "An escaped \\* star, \\_ underscore and \\[bracket\\]",  # unescaped in text
        "`code with \x0242\x03 in it` and \\* after",  # code keeps its stash marker as it is
        "# Heading \\#1\n\n- item \\- one\n- item *two*\n\n> quoted \\> text",
        "line one  \nline two  \nline three",  # hard breaks: prettify's <br> rule
        "    indented code\n    \\* kept\n\n<div>\n<p>raw</p>\n</div>\n\ntext",
        '[link \\(one\\)](http://example.invalid/a\\_b "title \\* t")',  # escapes in attributes
        "| a | b |\n|---|---|\n| \\| pipe | **bold** \\* |\n",
        "<!-- a comment -->\n\ntext &amp; more &copy;",
        "An autolink <http://example.invalid/a_b> and <someone@example.invalid>",  # atomic text
        "",
    ],
)
def test_chosen_texts_make_the_same_tree(text: str) -> None:
    assert _convert(FAST, text) == _convert(PLAIN, text)


def test_every_example_page_makes_the_same_tree() -> None:
    pages = 0
    for name, text in example_pages():
        assert _convert(FAST, text) == _convert(PLAIN, text), name
        pages += 1
    assert pages > 100


def test_it_is_active_with_the_projects_extensions() -> None:
    """If a new Python-Markdown changes these stages' classes, the speed-up is lost: say so."""
    assert type(FAST.treeprocessors["prettify"]) is FastPrettifyTreeprocessor
    assert type(FAST.treeprocessors["unescape"]) is FastUnescapeTreeprocessor
    index = FAST.treeprocessors.get_index_for_name
    assert index("inline") < index("prettify") < index("unescape")


def _tags_asked(md: markdown.Markdown, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    asked: list[Any] = []
    original = md.is_block_level

    def spy(tag: Any) -> bool:
        asked.append(tag)
        return original(tag)

    monkeypatch.setattr(md, "is_block_level", spy)
    html, _ = _convert(md, "| a | b |\n|---|---|\n" + "| x | y |\n" * 50)
    assert html.count("<tr>") == 51
    return asked


def test_prettify_asks_once_a_tag(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python-Markdown's own stage asks for every element (a hundred and fifty times here)."""
    assert len(_tags_asked(PLAIN, monkeypatch)) > 150
    assert len(_tags_asked(FAST, monkeypatch)) < 20


class _OwnPrettify(PrettifyTreeprocessor):
    def run(self, root: Any) -> None:
        super().run(root)
        for paragraph in root.iter("p"):
            paragraph.set("data-own", "1")


class _OwnPrettifyExtension(markdown.extensions.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_OwnPrettify(md), "prettify", 10)


def test_it_stands_aside_for_a_stage_another_extension_replaced() -> None:
    plain, fast = _pair([_OwnPrettifyExtension()])
    assert type(fast.treeprocessors["prettify"]) is _OwnPrettify
    assert type(fast.treeprocessors["unescape"]) is FastUnescapeTreeprocessor
    text = "Some \\* words\n\n- a\n- b"
    assert '<p data-own="1">Some * words</p>' in _convert(fast, text)[0]
    assert _convert(fast, text) == _convert(plain, text)
