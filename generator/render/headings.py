"""Links to a heading in free text (`[below](#lessons)`, `[the lessons](review.md#lessons)`)
resolve on every page that shows the text.

A heading's place is the id the page makes from the heading's words, so whether it exists
depends on the page showing the text and on what that page holds in the year: only rendering
the partnership's pages can tell. The plan years whose free text links to a heading (few) are
rendered, each page noting the heading links of the text it shows (`text.HEADING_LINKS`), and
every link that misses is reported at the field that holds it, as validation reports.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from markdown.extensions.toc import slugify

from generator.load.reader import SourceText
from generator.model import PlanYear, Project
from generator.model.markdown_policy import heading_anchor, site_links
from generator.problems import FieldPath, Problem, did_you_mean
from generator.render import PAGES, Renderer, Version, publishable
from generator.validate.context import At, has
from generator.validate.links import PLAN_YEAR_KINDS, markdown_values

_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_LINK_TEXT = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_ESCAPED = re.compile(r"\\(.)")
_MAY_LINK = re.compile(r"\]\(\s*<?(?:[a-z]+\.md)?#[a-z0-9_-]+(?![a-z0-9_.-])")
_TITLES = {name: title for name, title, _template in PAGES}


def heading_ids(page: str) -> list[str]:
    """The ids of a Markdown page's headings, as Python-Markdown's table of contents makes them
    (the words without Markdown, made a slug; a repeat gets `_1`, `_2`…)."""
    ids: list[str] = []
    for match in _HEADING.finditer(page):
        words = _LINK_TEXT.sub(r"\1", match.group(1))
        words = html.unescape(_ESCAPED.sub(r"\1", words)).replace("*", "").replace("`", "")
        base = slug = slugify(words, "-")
        count = 0
        while slug in ids:
            count += 1
            slug = f"{base}_{count}"
        ids.append(slug)
    return ids


def _may_link(source: SourceText | None) -> bool:
    """Whether a file's text may hold a link to a place on a page: reading every year's typed
    free text would type the years the validation record vouches for. A backslash may be an
    escape in a quoted string that spells one."""
    if source is None:
        return True
    if not source.may_link:
        return False
    text = source.text
    return "\\" in text or ("](" in text and _MAY_LINK.search(text) is not None)


def _heading_links(project: Project, py: PlanYear) -> Iterator[tuple[str, FieldPath, str]]:
    """(file, field path, target) of every link to a heading in the text a plan year shows:
    its own files and its partnership's."""
    parts = [(py.files[kind], getattr(py, kind)) for kind in PLAN_YEAR_KINDS if has(py, kind)]
    parts.append((project.partnership_files[py.partnership], project.partnerships[py.partnership]))
    for file, part in parts:
        if part is None:
            continue
        for path, text in markdown_values(part):
            for target in site_links(text):
                if heading_anchor(target) is not None:
                    yield file, path, target


def heading_link_problems(project: Project, theme: Path, drafts: bool = False) -> list[Problem]:
    """A located error for each link to a heading that a page showing its text cannot resolve:
    on that page (`#lessons`), or on the page it names (`review.md#lessons`), in each year on
    the site (with `drafts`, the draft years and parts too)."""
    documents = project.documents
    may = {name for name, document in documents.items() if _may_link(document.source)}
    if not may:
        return []
    linking = {
        (py.partnership, py.year): found
        for py in project.plan_years()
        if (project.partnership_files[py.partnership] in may or may & set(py.files.values()))
        and publishable(py, drafts)
        and (found := list(_heading_links(project, py)))
    }
    if not linking:
        return []
    approved = sorted({py.year for py in project.plan_years() if publishable(py, False)})
    shown = sorted({py.year for py in project.plan_years() if publishable(py, drafts)})
    latest = approved[-1] if approved else shown[-1]
    problems: dict[tuple[str, FieldPath, str], Problem] = {}
    renderers: dict[str, Renderer] = {}
    for py in project.plan_years():
        if (py.partnership, py.year) not in linking:
            continue
        found = linking[py.partnership, py.year]
        if py.year not in renderers:
            renderers[py.year] = Renderer(project, theme, Version(py.year, latest, drafts))
        renderer = renderers[py.year]
        linked: dict[str, list[str]] = {}
        files = renderer.partnership_pages(py, linked)
        ids = {
            name: heading_ids(files[f"{py.partnership}/{name}.md"].decode("utf-8"))
            for name, _title, _template in PAGES
        }
        for page, targets in linked.items():
            for target in dict.fromkeys(targets):
                named, _, anchor = target.partition("#")
                where = named.removesuffix(".md") or page
                if anchor in ids[where]:
                    continue
                if where == page:
                    why = f"the {_TITLES[page]} page of {py.year}, which shows this text, has"
                else:
                    why = f"the {_TITLES[where]} page of {py.year} has"
                known = ", ".join(ids[where][:8]) + (", …" if len(ids[where]) > 8 else "")
                message = (
                    f"links to '{target}', but {why} no heading '{anchor}'"
                    f"{did_you_mean(anchor, ids[where])} (its headings: {known})"
                )
                for file, path, written in found:
                    if written == target:
                        key = (file, path, target)
                        problems.setdefault(key, At(project, file).problem(path, message))
    return sorted(problems.values(), key=Problem.sort_key)
