"""generator.site.search_index changes how fast the search index is made, never what it holds: the
same sections as mkdocs-material's own parser for every page of the example site, every
hostile-input payload and any generated text; content it cannot read is left to the plugin's
parser; and a whole site's search_index.json is the same with and without it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest
from conftest import example_pages, markdown_extensions
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser, SearchIndex

from generator.site import BuildOptions, build_site, search_index
from generator.site.sanitize import sanitize_marked
from generator.site.search_index import FastSearchIndex, sections

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "markdown"
Sections = list[tuple[str | None, list[str], list[str], bool]]


def material(content: str) -> Sections:
    """What mkdocs-material's own parser makes of the content."""
    parser = Parser()
    parser.feed(content)
    parser.close()
    return [(s.id, s.title, s.text, s.is_excluded()) for s in parser.data]


def fast(content: str) -> Sections:
    found = sections(content)
    assert found is not None, content
    return [(s.id, s.title, s.text, s.is_excluded()) for s in found]


_names, _configs = markdown_extensions()
MD = markdown.Markdown(extensions=_names, extension_configs=_configs)


def page_content(text: str) -> str:
    """A page's content as the search plugin sees it: Markdown, then the sanitiser's hook."""
    MD.reset()
    return sanitize_marked(MD.convert(text))


def test_every_example_page_gives_the_same_sections() -> None:
    pages = 0
    for name, text in example_pages():
        content = page_content(text)
        assert fast(content) == material(content), name
        pages += 1
    assert pages > 100


ACCEPTED = sorted(
    path
    for path in CORPUS.glob("*.txt")
    if "accept" in path.with_suffix(".expect").read_text(encoding="utf-8").splitlines()
)


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: p.stem)
def test_every_hostile_payload_gives_the_same_sections(path: Path) -> None:
    """Each payload the validator accepts (and so builds into a page)."""
    text = path.read_text(encoding="utf-8")
    for content in (page_content(text), page_content(f"# Title\n\n{text}\n\n## After\n\nx")):
        assert fast(content) == material(content)


ALPHABET = "ab 1\n\t`\\[]()!<>&*_-#|:/@.;=\"'~^x\u00a0"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=160))
def test_any_markdown_gives_the_same_sections(text: str) -> None:
    content = page_content(text)
    assert fast(content) == material(content)


PIECES = [
    '<h1 id="t">Title</h1>',
    '<h2 id="a">A <code>x</code></h2>',
    "<h3>no id</h3>",
    '<h2 id="b">B<a class="headerlink" href="#b">¶</a></h2>',
    "<p>",
    "</p>",
    "<ul>",
    "</ul>",
    "<li>",
    "</li>",
    "<pre>",
    "</pre>",
    "<code>",
    "</code>",
    "<div>",
    "</div>",
    "<div data-search-exclude>",
    '<div class="linenodiv">',
    "<br>",
    "<br/>",
    '<img src="x">',
    "<sub>",
    "</sub>",
    "<strong>",
    "</strong>",
    " ",
    "\n",
    "\n\n",
    "text",
    "a &amp; b",
    "&lt;i&gt;",
    "&nbsp;",
    "x\ny",
    "<!-- note -->",
    '<span class="rag">',
    "</span>",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_any_sequence_of_tags_gives_the_same_sections(pieces: list[str]) -> None:
    """Unbalanced, nested and excluded markup straight into the parser (the sanitiser would
    have tidied it), including the plugin's quirks with repeated tags: where the plugin's
    parser fails (e.g. `<div data-search-exclude><sub><div></div></sub>`), ours fails alike."""
    content = "".join(pieces)
    assert outcome(fast, content) == outcome(material, content)


def outcome(parse: Callable[[str], Sections], content: str) -> object:
    """What a parser makes of the content, or the error it stops with."""
    try:
        return parse(content)
    except ValueError as error:
        return ("ValueError", str(error))


def test_where_the_plugin_fails_the_same_error_is_raised() -> None:
    content = "<div data-search-exclude><sub><div></div></sub>"
    assert outcome(material, content) == ("ValueError", "'<sub>' is not in list")
    assert outcome(fast, content) == outcome(material, content)


@pytest.mark.parametrize(
    "content",
    [
        "<P>upper case</P>",
        "a < b",
        "<a href=x>unquoted</a>",
        "<p title='single'>x</p>",
        "<![CDATA[x]]>",
        "<!doctype html>",
        "<p>unclosed <b",
        '<script><h1 id="t">T</h1>',
        "<style>p {}</style>",
    ],
)
def test_content_in_another_form_is_left_to_the_plugin(content: str) -> None:
    assert sections(content) is None


def test_content_that_is_not_canonical_is_given_up_at_once() -> None:
    """A long text and then a `<` the tokeniser does not know. A backtracking pattern tried
    every way of cutting the text in pieces (2^n: 0.7 s for 22 letters), so a hostile page
    could hang the build; this would not finish. In a child process, so that a hang fails
    the test at the time limit instead of stopping the test run."""
    code = (
        "from generator.site.search_index import sections\n"
        "assert sections('<p>' + 'a' * 5000 + '< b') is None"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120, cwd=ROOT)


class _Page:
    def __init__(self, content: str) -> None:
        self.content = content
        self.meta: dict[str, Any] = {}
        self.toc: list[Any] = []
        self.url = "page/"
        self.title = "Page"


def test_the_index_falls_back_to_the_plugins_parser() -> None:
    contents = ['<h1 id="t">T</h1><p>plain</p>', '<P>Upper</P><h2 id="x">X</h2>a < b']
    config = {"lang": ["en"], "separator": " ", "pipeline": [], "fields": {}}
    ours, theirs = FastSearchIndex(**config), SearchIndex(**config)
    for content in contents:
        ours.add_entry_from_context(_Page(content))
        theirs.add_entry_from_context(_Page(content))
    assert ours.entries == theirs.entries
    assert [entry["title"] for entry in ours.entries] == ["T", "Page", "X"]
    assert sections(contents[0]) is not None and sections(contents[1]) is None


def _search_indexes(site: Path) -> dict[str, Any]:
    return {
        path.relative_to(site).as_posix(): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(site.glob("*/search/search_index.json"))
    }


def test_a_built_site_has_the_same_search_index(
    example_project: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example site built with the fast sections and with the plugin's parser: the same
    index, and the fast one was used for every page."""
    used: list[int] = []
    original = search_index.sections

    def counted(content: str) -> Any:
        found = original(content)
        used.append(found is not None)
        return found

    monkeypatch.setattr(search_index, "sections", counted)
    build_site(example_project, BuildOptions(ROOT, tmp_path / "fast", jobs=1))
    assert used and all(used)
    monkeypatch.setattr(
        FastSearchIndex, "add_entry_from_context", SearchIndex.add_entry_from_context
    )
    build_site(example_project, BuildOptions(ROOT, tmp_path / "plugin", jobs=1))
    fast_indexes = _search_indexes(tmp_path / "fast")
    assert len(fast_indexes) >= 3
    assert fast_indexes == _search_indexes(tmp_path / "plugin")
    assert sum(len(index["docs"]) for index in fast_indexes.values()) > 1000
