"""Properties of untrusted text, for any text at all: free text is refused with located problems
or rendered inert by the policy and escaping alone (before the sanitiser); plain text never adds
an element or attribute to a page or chart; a built site passes its safety scan; and the policy's
fast path never accepts what its full check refuses.

Pages are rendered with render_version and converted with Python-Markdown as mkdocs.yml
configures it, which is much faster than MkDocs builds; only (c) builds whole sites."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from conftest import markdown_extensions
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.model import Project
from generator.model.markdown_policy import _MAY_BREAK_POLICY, markdown_problems, policy_problems
from generator.pipeline import check_project
from generator.problems import Problem, Severity
from generator.render import Version, render_version
from generator.site import BuildOptions, build_site
from generator.site.sanitize import sanitize, scan_markup, scan_site

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
PLAN = "plans/fenwick-csp/2024-25/plan.yml"
RATIONALE = "    rationale: Reports are rising.\n"
OBJECTIVE = "        title: More victims report\n"
TITLE = "    title: Domestic abuse\n"
FREE_TEXT_FIELDS = ("", "priorities[0].rationale", "priorities[0].objectives[0].description")
TITLE_FIELDS = ("", "priorities[0].title")
VERSION = Version("2024-25", "2025-26")

# Text shaped like Markdown and HTML: metacharacters, scheme and tag words, line structure.
METACHARACTERS = "<>&\"'`[](){}!*_#|:;=/\\-+.~^%@ \n\t"
WORDS = [
    *("script", "javascript", "onerror", "onload", "data", "style", "img", "svg", "iframe"),
    *("alert(1)", "href", "src", "x", "a b", "<", "</", "<!--", "-->", "](", "![", "[x]"),
    *("javascript:", "JaVaScRiPt:", "vbscript:", "data:", "https://", "http://", "mailto:", "//"),
    *("&#58;", "&#x3A;", "&colon;", "&amp;", "&lt;", "&gt;", "&#106;", "&Tab;", "&nbsp;"),
    *("\n", "\n\n", "    ", "> ", "- ", "* ", "1. ", "#", "##", "###", "===", "---", "***"),
    *("{:", "{#", "}", "!!!", "???", "///", "--8<--", "`", "```", "|", "\\", "*", "_", "**"),
    *("<script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))", "[a]: "),
    *("\u00a0", "\u3000", "é", "ł", "ŵ", "ی", "🎉", "\U0001f3f3"),
]
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.text(alphabet=METACHARACTERS, min_size=1, max_size=4),
        st.text(min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=40,
).map("".join)
any_text = st.text(max_size=200)


EXTENSIONS, EXTENSION_CONFIGS = markdown_extensions()


def to_html(md: str) -> str:
    return markdown.markdown(md, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def yaml_scalar(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


class Workspace:
    """One copy of the minimal project per test module; each example rewrites plan.yml."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.plan = root / PLAN
        self.original = self.plan.read_text(encoding="utf-8")

    def with_plan(self, old: str, new: str) -> tuple[Project | None, list[Problem]]:
        assert self.original.count(old) == 1
        self.plan.write_text(self.original.replace(old, new), encoding="utf-8")
        return check_project(self.root)

    def pages(self, project: Project) -> dict[str, str]:
        """The Markdown pages and SVG charts of fenwick-csp in 2024-25, rendered from templates."""
        rendered = render_version(project, self.root / "theme", VERSION)
        return {
            name: content.decode("utf-8")
            for name, content in rendered.files.items()
            if name.startswith("fenwick-csp/") and name.endswith((".md", ".svg"))
        }


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("properties") / "project"
    shutil.copytree(MINIMAL, root)
    yield Workspace(root)


def assert_located(problems: list[Problem], fields: tuple[str, ...]) -> None:
    """Refused text: only errors, each in the edited file, at a line, on an edited field."""
    assert problems, "refused without a problem"
    for problem in problems:
        assert problem.severity is Severity.ERROR, str(problem)
        assert problem.file == PLAN and problem.line >= 1 and problem.column >= 1, str(problem)
        assert problem.field in fields, str(problem)
        assert problem.message.strip(), str(problem)


# --------------------------------------------------------------------------------------------
# (a) free text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(any_text, hostile_text))
def test_free_text_is_refused_or_rendered_inert_without_the_sanitiser(
    workspace: Workspace, text: str
) -> None:
    project, problems = _free_text(workspace, yaml_scalar(text))
    if project is None or problems:
        assert_located(problems, FREE_TEXT_FIELDS)
        return
    priority = project.years[("fenwick-csp", "2024-25")].plan.priorities[0]
    assert priority.rationale == text
    assert priority.objectives[0].description == text
    for name, page in workspace.pages(project).items():
        if not name.endswith(".md"):
            continue
        html = to_html(page)  # before the sanitiser: the policy and escaping alone must hold
        assert scan_markup(html, name) == [], (text, name)
        assert not re.search(r"<(script|iframe|style|object|embed|form|meta|base)\b", html, re.I)
        assert scan_markup(sanitize(html), name) == []


def _free_text(workspace: Workspace, scalar: str) -> tuple[Project | None, list[Problem]]:
    """The same text as a priority's rationale (a block) and its objective's description (a
    table cell)."""
    original = workspace.original
    edited = original.replace(RATIONALE, f"    rationale: {scalar}\n").replace(
        OBJECTIVE, f"{OBJECTIVE}        description: {scalar}\n"
    )
    assert edited != original
    workspace.plan.write_text(edited, encoding="utf-8")
    return check_project(workspace.root)


# --------------------------------------------------------------------------------------------
# (b) plain text


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found[tag] += 1
        self.found.update(f"{tag}[{name}]" for name, _value in attrs)


def element_counts(pages: dict[str, str]) -> dict[str, Counter[str]]:
    """Every element and attribute each page's HTML (or chart's SVG) has, by name."""
    counts = {}
    for name, page in pages.items():
        parser = _Elements()
        parser.feed(page if name.endswith(".svg") else to_html(page))
        parser.close()
        counts[name] = parser.found
    return counts


@pytest.fixture(scope="module")
def baseline_elements(workspace: Workspace) -> dict[str, Counter[str]]:
    project, problems = workspace.with_plan(TITLE, TITLE)
    assert project is not None and not problems
    return element_counts(workspace.pages(project))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(any_text, hostile_text))
def test_plain_text_title_never_adds_an_element_or_attribute(
    workspace: Workspace, baseline_elements: dict[str, Counter[str]], text: str
) -> None:
    project, problems = workspace.with_plan(TITLE, f"    title: {yaml_scalar(text)}\n")
    if project is None or problems:
        assert_located(problems, TITLE_FIELDS)
        return
    assert project.years[("fenwick-csp", "2024-25")].plan.priorities[0].title == text
    # parsed, not pattern-matched: the text may say 'onerror=' inside an alt attribute
    assert element_counts(workspace.pages(project)) == baseline_elements, text


# --------------------------------------------------------------------------------------------
# (c) whole builds

accepted_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn")), max_size=80
    )
    | hostile_text
)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(text=accepted_text, title=accepted_text)
def test_built_site_with_arbitrary_accepted_text_passes_the_scan(
    tmp_path_factory: pytest.TempPathFactory, text: str, title: str
) -> None:
    # a title reading like 'onerror=' fails the scan (a known false positive, see test_hostile)
    assume(not re.search(r"on[a-z]+\s*=", title, re.IGNORECASE))
    base = tmp_path_factory.mktemp("build")
    root = base / "project"
    shutil.copytree(MINIMAL, root)
    plan = root / PLAN
    source = plan.read_text(encoding="utf-8")
    source = source.replace(RATIONALE, f"    rationale: {yaml_scalar(text)}\n")
    source = source.replace(TITLE, f"    title: {yaml_scalar(title)}\n")
    plan.write_text(source, encoding="utf-8")
    project, problems = check_project(root)
    if project is None or problems:
        assert_located(problems, (*FREE_TEXT_FIELDS, *TITLE_FIELDS))
    assume(project is not None and not problems)
    assert project is not None
    site = base / "site"
    build_site(project, BuildOptions(root, site, jobs=1))
    assert scan_site(site) == []
    shutil.rmtree(base)


# --------------------------------------------------------------------------------------------
# (d) the policy's fast path: text holding none of what the checks look for skips them

# the pieces the checks look for: line breaks (as str.splitlines splits), list and quote markers,
# setext underlines, heading, admonition, HTML, link, attribute-list and snippet syntax
POLICY_PARTS = [
    *"\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    *("\r\n", " ", "\t", ">", "- ", "* ", "+ ", "1. ", "1) ", "=", "-", "#", "##", "!!!", "???"),
    *(
        "///",
        "<",
        "<a>",
        "[",
        "]",
        "](",
        "![",
        "[x]:",
        "{",
        "{: #x}",
        "--8<--",
        "*" * 100,
        "_" * 100,
    ),
    *("x", "javascript:", "(", ")", "!", "?", "/"),
]


def test_policy_fast_path_agrees_with_the_full_check_on_every_short_combination() -> None:
    # every text of up to three pieces, also after a line of text (a setext heading needs one)
    texts = (
        prefix + "".join(parts)
        for length in range(4)
        for parts in itertools.product(POLICY_PARTS, repeat=length)
        for prefix in ("", "x")
    )
    assert [text for text in texts if markdown_problems(text) != policy_problems(text)] == []


policy_text = st.lists(
    st.one_of(st.sampled_from(POLICY_PARTS), st.text(max_size=2)), max_size=12
).map("".join)


@settings(max_examples=2000, deadline=None)
@given(text=st.one_of(policy_text, hostile_text, any_text))
def test_policy_fast_path_never_accepts_what_the_full_check_refuses(text: str) -> None:
    assert markdown_problems(text) == policy_problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "Reports are rising.",
        "Reports rose 12% in 2024/25 - see the police data (Q3); A&E visits: 1,204.",
        "Line one.\nLine two - with a dash.\n",
    ],
)
def test_plain_prose_takes_the_fast_path(text: str) -> None:
    assert _MAY_BREAK_POLICY.search(text) is None
    assert markdown_problems(text) == []


@given(
    prefix=st.sampled_from(["https://", "HTTP://", "mailto:", "MailTo:"]),
    rest=st.text(alphabet="a.b/&#;:x\\\u200b\x7f\u00ad%[{}!*_=", max_size=40),
)
def test_an_autolink_never_has_a_scheme_to_refuse(prefix: str, rest: str) -> None:
    """Why the policy checks no autolink's scheme: an autolink starts with https://, http:// or
    mailto: (`_AUTOLINK` matches nothing else), and nothing `url_scheme` does before reading
    the scheme (decoding entities, which begin at an '&'; removing invisible characters and
    backslashes; lower-casing) can change those letters. (No ']' or '(' here: a link target
    inside an autolink's text is checked as a link.)"""
    assert not [p for p in policy_problems(f"See <{prefix}{rest}>.") if p.startswith("links")]
