"""What free text may contain: basic Markdown only, nothing that can attack a reader.

Every free-text field (descriptions, rationales, narratives) arrives through a pull request from
someone the site's readers never chose to trust, and ends up on a public website. Allowed:
paragraphs, emphasis, lists, line breaks, code, level-3+ headings, links to https, http and
mailto addresses, and links within the site of one shape only (`SITE_LINK`): a page of the
partnership (`risks.md`), an item's place (`#service.<id>`) or a heading's (`#lessons`), or both
(`services.md#service.<id>`, `review.md#lessons`), which never leave the partnership's folder of
the year (whether an item exists, and whether the text is shown only where such a link resolves,
is checked by generator.validate.links; a heading, on every page showing the text, by
generator.render.headings).
Refused, each with a message that says what to write instead: raw HTML, other link schemes
(checked after decoding entities and removing whitespace), images, attribute lists, admonitions,
snippet includes, reference/footnote/abbreviation definitions, and inputs shaped to make the
Markdown parser slow.
"""

from __future__ import annotations

import html
import re

MAX_TEXT = 20_000
MAX_BRACKETS = 500
MAX_EMPHASIS_RUN = 99
SAFE_SCHEMES = ("https", "http", "mailto")

_RAW_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9:-]*|/[A-Za-z]|!|\?)")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^<>\s]*>", re.IGNORECASE)
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)>]*)")
_IMAGE = re.compile(r"!\[")
_ATTR_LIST = re.compile(r"\{\s*:?\s*[#.:][^{}\n]*\}")
_ADMONITION = re.compile(r"^\s*(?:!!!|\?\?\?\+?|///)", re.MULTILINE)
_SNIPPET = re.compile(r"-{1,2}8<-{1,2}|;--8<--")
_DEFINITION = re.compile(r"\[[^\]\n]*\]:")  # anywhere: in a quote or list it still defines
_CONTAINER_PREFIX = re.compile(r"^(?:[ \t]*(?:>|[*+-](?=[ \t])|[0-9]+[.)](?=[ \t])))*[ \t]*")
_UNDERLINE = re.compile(r"(?:=+|-+)[ \t]*")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_EMPHASIS_RUN = re.compile(r"\*{100,}|_{100,}")
_LINE_BREAKS = r"\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"  # where str.splitlines breaks
# Text without any of these cannot break the policy: every check below needs one of them
# (HTML, autolinks and snippets '<'; links, images, definitions and the bracket limit '[' or ']';
# attribute lists '{'; ATX headings '#'; admonitions '!!!', '???' or '///'; emphasis runs 100 '*'
# or '_'; a setext underline a line break, then list or quote markers, then '=' or '-').
_MAY_BREAK_POLICY = re.compile(
    rf"[<\[\]{{#]|!!!|\?\?\?|///|\*{{100}}|_{{100}}|[{_LINE_BREAKS}][ \t>*+0-9.)]*[=-]"
)
# The characters a match of _MAY_BREAK_POLICY can start with: one class is searched several
# times faster than those alternatives, and most prose holds none of them.
_MAY_START_A_BREAK = re.compile(rf"[<\[\]{{#!?/*_{_LINE_BREAKS}]")
PARTNERSHIP_PAGES = (
    *("index", "assessment", "priorities", "actions", "services", "funding", "performance"),
    *("risks", "review", "changes", "corrections", "data"),
)
"""The pages every partnership has in every year it is on the site (generator.render.PAGES)."""
ITEM_PAGES = {
    "priority": "priorities",
    "service": "services",
    "indicator": "performance",
    "finding": "assessment",
}
"""The items that have a place on a partnership page (`<a id="service.<id>">`), and that page."""
SITE_LINK = re.compile(r"(?:(?P<page>[a-z]+)\.md)?(?:#(?P<anchor>[a-z0-9][a-z0-9._-]*))?")
"""A link within the site: `risks.md`, `#service.<id>` or `services.md#service.<id>`, or a
heading's place (`#lessons`, `review.md#lessons`: its id as the page makes it from the heading's
words, which the build checks on every page that shows the text)."""


def heading_anchor(target: str) -> str | None:
    """The heading a link within the site points at (`#lessons`, `review.md#lessons`), or None
    for a page or an item."""
    anchor = target.partition("#")[2]
    return anchor if anchor and "." not in anchor else None


_INVISIBLE_IN_URL = re.compile(
    r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]"
)


def url_scheme(target: str) -> str | None:
    """The scheme a browser would see in a link target, after entities and whitespace."""
    decoded = target
    for _ in range(3):  # entities nested a few deep (&amp;#58;) decode to the same thing
        unescaped = html.unescape(decoded)
        if unescaped == decoded:
            break
        decoded = unescaped
    decoded = _INVISIBLE_IN_URL.sub("", decoded).replace("\\", "").lower()
    match = _SCHEME.match(decoded)
    if match:
        return match.group(1)
    return "" if decoded.startswith("//") else None


def site_link_problem(target: str) -> str | None:
    """Why a link target without a scheme is not a link within the site (None when it is)."""
    match = SITE_LINK.fullmatch(target)
    page, anchor = (match.group("page"), match.group("anchor")) if match else (None, None)
    kind, _, item = (anchor or "").partition(".")
    if match is None or not target or (page is not None and page not in PARTNERSHIP_PAGES):
        return (
            f"links to '{target[:60]}'; write a full web address starting https:// (or mailto: "
            "for an email address); within the site, link only to a page of the partnership "
            "(risks.md) or to an item on one (#service.<id> or services.md#service.<id>)"
        )
    if anchor is not None and "." in anchor and (kind not in ITEM_PAGES or not item):
        kinds = ", ".join(f"#{name}.<id>" for name in ITEM_PAGES)
        return f"links to '{target}'; a link to an item's place names its kind: {kinds}"
    if anchor is not None and "." in anchor and page is not None and ITEM_PAGES[kind] != page:
        return f"links to '{target}', but {kind} items are on {ITEM_PAGES[kind]}.md"
    return None


def site_links(text: str) -> list[str]:
    """The targets of the links within the site (`SITE_LINK`) in a free-text value."""
    if "](" not in text:
        return []
    targets = (m.group(1).strip().split(" ")[0] for m in _LINK_TARGET.finditer(text))
    return [t for t in targets if url_scheme(t) is None and site_link_problem(t) is None]


def markdown_problems(text: str) -> list[str]:
    """Why a free-text value breaks the policy (empty when it is fine)."""
    if len(text) <= MAX_TEXT and (
        not _MAY_START_A_BREAK.search(text) or not _MAY_BREAK_POLICY.search(text)
    ):
        return []  # the usual case: plain prose, none of what the checks below look for
    return policy_problems(text)


def policy_problems(text: str) -> list[str]:
    """Every check of the policy, without the fast path of `markdown_problems`."""
    problems: list[str] = []
    if len(text) > MAX_TEXT:
        return [f"is {len(text):,} characters long; the limit is {MAX_TEXT:,}"]
    brackets = text.count("[")
    if brackets > MAX_BRACKETS:
        problems.append(f"has {brackets:,} '[' characters; the limit is {MAX_BRACKETS}")
    run = _EMPHASIS_RUN.search(text)
    if run:
        problems.append(
            f"has a run of {len(run.group(0))} '{run.group(0)[0]}' characters; "
            f"at most {MAX_EMPHASIS_RUN} in a row"
        )
    if problems:
        return problems  # pathological input: stop before the slower checks
    tag = _RAW_HTML.search(_AUTOLINK.sub("", text))
    if tag:
        problems.append(
            f"contains HTML ('{tag.group(0)}…'); write plain Markdown — for a '<' in text, "
            "put a space after it"
        )
    if _IMAGE.search(text):
        problems.append("contains an image; images cannot be embedded in plan text")
    targets = [m.group(1).strip().split(" ")[0] for m in _LINK_TARGET.finditer(text)]
    for target in targets:
        scheme = url_scheme(target)
        if scheme == "":
            continue  # //host/path: the page's own scheme
        if scheme is None:
            problem = site_link_problem(target)
            if problem is not None:
                problems.append(problem)
        elif scheme not in SAFE_SCHEMES:
            problems.append(
                f"links with the '{scheme}:' scheme; only https:, http: and mailto: links "
                "are allowed"
            )
    if _ATTR_LIST.search(text):
        problems.append("contains an attribute list ('{: …}'); remove it")
    if _ADMONITION.search(text):
        problems.append("contains an admonition ('!!!'); write it as a plain paragraph")
    if _SNIPPET.search(text):
        problems.append("contains snippet include syntax ('--8<--'); remove it")
    if _DEFINITION.search(text):
        problems.append(
            "contains a reference, footnote or abbreviation definition ('[x]: …'); "
            "write links inline as [text](https://…)"
        )
    if _has_big_heading(text):
        problems.append("contains a level 1 or 2 heading; use ### (level 3) or lower")
    return problems


def _has_big_heading(text: str) -> bool:
    """A level 1 or 2 heading anywhere, also inside quotes and lists (linear in the text)."""
    previous = ""
    for line in text.splitlines():
        body = line[_CONTAINER_PREFIX.match(line).end() :]  # type: ignore[union-attr]
        hashes = len(body) - len(body.lstrip("#"))
        if hashes in (1, 2):  # Python-Markdown needs no space after the hashes
            return True
        if previous and body and _UNDERLINE.fullmatch(body):
            return True  # setext: a line of = or - under text
        previous = body.strip()
    return False
