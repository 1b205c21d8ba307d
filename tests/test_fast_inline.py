"""generator.site.fast_inline changes how fast Python-Markdown runs, never what it writes: the same
HTML with and without it, for any text, for tables and for every page of the example site; it is
active with the project's own extensions, and stands aside when another extension adds inline
patterns it does not know."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import markdown
import pytest
from conftest import MARKDOWN_TABLES, MARKDOWN_TEXTS, example_pages, markdown_extensions
from hypothesis import given, settings
from markdown.inlinepatterns import SimpleTagInlineProcessor

from generator.render import Version
from generator.site.config import base_config, version_config
from generator.site.fast_inline import TRIGGER, FastInlineExtension, FastInlineProcessor

ROOT = Path(__file__).resolve().parents[1]


def _pair(extra: list[Any] | None = None) -> tuple[markdown.Markdown, markdown.Markdown]:
    names, configs = markdown_extensions()
    extensions: list[Any] = [*names, *(extra or [])]
    plain = markdown.Markdown(extensions=extensions, extension_configs=configs)
    fast = markdown.Markdown(
        extensions=[*extensions, FastInlineExtension()], extension_configs=configs
    )
    return plain, fast


def _convert(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return md.convert(text)


PLAIN, FAST = _pair()


@settings(max_examples=400, deadline=None)
@given(MARKDOWN_TEXTS)
def test_any_text_converts_the_same(text: str) -> None:
    assert _convert(FAST, text) == _convert(PLAIN, text)


@settings(max_examples=150, deadline=None)
@given(MARKDOWN_TABLES)
def test_any_table_converts_the_same(text: str) -> None:
    assert _convert(FAST, text) == _convert(PLAIN, text)


def test_every_example_page_converts_the_same() -> None:
    pages = 0
    for name, text in example_pages():
        assert _convert(FAST, text) == _convert(PLAIN, text), name
        pages += 1
    assert pages > 100


def test_it_is_active_with_the_projects_extensions() -> None:
    """If a new Python-Markdown changes its inline patterns, the speed-up is lost: say so."""
    processor = FAST.treeprocessors["inline"]
    assert isinstance(processor, FastInlineProcessor)
    _convert(FAST, "Plain words in a paragraph, and | a | table |")
    assert processor.fast


def test_plain_text_skips_the_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text with no trigger character is answered without trying a single pattern."""
    tried: list[str] = []
    original = FastInlineProcessor._InlineProcessor__handleInline

    def spy(self: FastInlineProcessor, data: str, patternIndex: int = 0) -> str:
        tried.append(data)
        return original(self, data, patternIndex)

    processor = FAST.treeprocessors["inline"]
    applied: list[str] = []
    monkeypatch.setattr(
        processor,
        "_InlineProcessor__applyPattern",
        lambda *a: applied.append("x") or (a[1], False, 0),
    )
    monkeypatch.setattr(FastInlineProcessor, "_InlineProcessor__handleInline", spy)
    _convert(FAST, "Nothing special here, only words.")
    assert tried and not applied
    assert TRIGGER.search("a *b*") and not TRIGGER.search("Nothing special here.")


class _Strike(markdown.extensions.Extension):
    """An inline pattern the fast path does not know: ~~struck~~."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"()~~(.+?)~~", "del"), "strike", 75)


def test_it_stands_aside_for_unknown_inline_patterns() -> None:
    plain, fast = _pair([_Strike()])
    text = "Some ~~struck~~ words"
    assert "<del>struck</del>" in _convert(fast, text)
    assert _convert(fast, text) == _convert(plain, text)
    assert not fast.treeprocessors["inline"].fast


def test_every_version_build_lists_it(tmp_path: Path) -> None:
    config = version_config(
        ROOT, base_config(ROOT), Version("2025-26", "2025-26", False), tmp_path, tmp_path, []
    )
    assert config["markdown_extensions"][-3:] == [
        "generator.site.captions",  # every table's caption (issue 20)
        "generator.site.fast_inline",
        "generator.site.fast_tree",
    ]
    assert markdown_extensions()[0] == [
        next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"][:-3]
    ]
