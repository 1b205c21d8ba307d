"""`plans build --pdf`: each partnership's plan year printed as one PDF, a committee paper.

The built site is the source: for each partnership-year, the content of its plan's pages (as
built, so sanitised and with the same words) is put together into one print document under a
cover and a contents page (theme/print/plan.html.j2), its headings one level down under one
h1, and Chromium prints it (`--print-to-pdf`; Chromium is the browser the browser tests use,
installed from the system's packages, and nothing is downloaded at run time). Chromium has no
`target-counter()`, so the contents page's numbers come from a first printing: the PDF's outline
(`--generate-pdf-document-outline`) says where each section begins, and a second printing fills
them in (a third, if the numbers moved the sections). The PDF is written into the version's
folder, beside the partnership's pages, in place of the stand-in the render stage left there
for the overview's link; the print document itself is not kept, so it is in no navigation,
search index or sitemap.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import jinja2
from markupsafe import Markup
from selectolax.lexbor import LexborHTMLParser, LexborNode

from generator.model import PlanYear, Project
from generator.render import PAGES, pdf_name, publishable
from generator.render.text import long_date
from generator.render.theme import template_folders
from generator.site.options import BuildError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Without the networking flags Chromium keeps trying hosts that a closed network refuses."""
PRINT_TIMEOUT_S = 300

PRINTED: tuple[str, ...] = ("index", "assessment", "priorities", "actions", "services")
PRINTED += ("funding", "performance", "risks", "review", "changes")
"""The pages of a plan year in its PDF, in the site's order: the plan, its annual review and
what changed; not the corrections log or the open-data downloads, which are the site's."""
TITLES = {name: title for name, title, _ in PAGES}


def find_chromium(named: str | None = None) -> str | None:
    """The Chromium to drive: the one named, else /usr/bin/chromium or one on PATH."""
    for candidate in (named, CHROMIUM, shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


SAFE_IN_CSS = re.compile(r"[A-Za-z0-9 ,.:()/-]")


def css_string(text: object) -> Markup:
    """`text` as a quoted CSS string: every character but ASCII letters, digits, spaces and a
    few marks written as a six-digit CSS escape and a space (which the escape takes as its
    end), so that no text can end the string, the rule or the <style> element it stands in."""
    escaped = "".join(
        char if SAFE_IN_CSS.fullmatch(char) else f"\\{ord(char):06x} " for char in str(text)
    )
    return Markup(f'"{escaped}"')


@dataclass(frozen=True)
class Section:
    """One page of the plan year in the print document."""

    name: str
    title: str
    html: Markup


@dataclass(frozen=True)
class PrintJob:
    """One partnership-year to print: where its pages are and what its cover says."""

    partnership: str
    year: str
    folder: Path
    """The version's folder of the built site."""
    cover: dict[str, Any]


def print_jobs(
    project: Project, plan_years: Sequence[PlanYear], folder: Path, drafts: bool, epoch: int
) -> list[PrintJob]:
    """The partnership-years of one version on the site, to print, with their covers' facts
    (`epoch`: the site's date, as its printed pages give it)."""
    as_at = str(long_date(datetime.fromtimestamp(epoch, UTC).date()))
    settings = project.settings
    jobs = []
    for py in plan_years:
        if not publishable(py, drafts):
            continue
        partnership = project.partnerships[py.partnership]
        plan = py.plan
        review = py.review
        if review is not None and review.status != "final" and not drafts:
            review = None  # in preparation: its page says so, the cover does not list it
        cover = {
            "partnership": partnership.name,
            "year": py.year.replace("-", "/"),
            "title": plan.title,
            "status": plan.status.replace("-", " "),
            "approved": str(long_date(plan.approval.date)) if plan.approval else None,
            "approved_by": plan.approval.body if plan.approval else None,
            "published": str(long_date(plan.published_online)) if plan.published_online else None,
            "review_approved": (
                str(long_date(review.approved)) if review and review.approved else None
            ),
            "has_review": review is not None,
            "fictional": settings.fictional,
            "site": settings.title,
            "as_at": as_at,
        }
        jobs.append(PrintJob(py.partnership, py.year, folder, cover))
    return jobs


# -- the print document ---------------------------------------------------------------------

HEADING = re.compile(r"<(/?)h([1-5])(?=[\s>])")


def _page_file(folder: Path, partnership: str, name: str) -> Path:
    base = folder / partnership
    return base / "index.html" if name == "index" else base / name / "index.html"


def _canonical(tree: LexborHTMLParser) -> str | None:
    """A built page's address on its host, when the site has one (mkdocs.yml's site_url)."""
    link = tree.css_first('link[rel="canonical"]')
    return (link.attributes.get("href") if link is not None else None) or None


def _section(job: PrintJob, name: str) -> Section:
    """A page's content as it stands in the print document: its links to the other printed
    pages turned into links within the document, other links to the site made absolute (or
    plain words when the site has no address), images read from the built site, its ids
    prefixed with the page's name, the where-am-I lines and permalinks left out, and its
    headings one level down."""
    path = _page_file(job.folder, job.partnership, name)
    tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
    article = tree.css_first("article.md-content__inner")
    if article is None:
        raise BuildError(f"{path} has no page content to print")
    page_url = _canonical(tree)
    here = path.parent.as_uri() + "/"
    partnership_root = (job.folder / job.partnership).as_uri() + "/"
    for node in article.css("a.headerlink, .plans-where, .banner-fictional, .md-source-file"):
        node.decompose()
    for node in article.css("[id]"):
        node.attrs["id"] = f"{name}--{node.attributes['id']}"
    for node in article.css(f'a[href$="{pdf_name(job.partnership, job.year)}"]'):
        if node.parent is not None and node.parent.tag == "p":
            node.parent.decompose()  # the overview's link to this very PDF
    for node in article.css("a[href]"):
        _relink(node, name, here, partnership_root, page_url)
    for node in article.css("img[src]"):
        src = node.attributes.get("src") or ""
        if not urlsplit(src).scheme:
            node.attrs["src"] = urljoin(here, src)
    title = TITLES[name]
    h1 = article.css_first("h1")
    if h1 is not None:
        title = h1.text(deep=True).strip() or title
    inner = article.inner_html or ""
    return Section(name, title, Markup(HEADING.sub(_demote, inner)))


def _demote(match: re.Match[str]) -> str:
    return f"<{match[1]}h{int(match[2]) + 1}"


def _relink(
    node: LexborNode, name: str, here: str, partnership_root: str, page_url: str | None
) -> None:
    """A link of a printed page, as the print document has it."""
    href = node.attributes.get("href") or ""
    if href.startswith("#"):
        node.attrs["href"] = f"#{name}--{href[1:]}"
        return
    if urlsplit(href).scheme:
        return  # another site, or mail: as it is
    target = urljoin(here, href)
    page, _, fragment = target.partition("#")
    if page.startswith(partnership_root):
        inner = page[len(partnership_root) :].strip("/").removesuffix("index.html").strip("/")
        other = inner or "index"
        if other in PRINTED:
            node.attrs["href"] = f"#{other}--{fragment}" if fragment else f"#section-{other}"
            return
    if page_url is not None:
        node.attrs["href"] = urljoin(page_url, href)
        # its words say where it goes: no address shown after it on paper
        node.attrs["class"] = " ".join(
            [node.attributes.get("class") or "", "plans-site-link"]
        ).strip()
    else:
        del node.attrs["href"]  # the words stay; a file:// address would mean nothing on paper


def _overview(job: PrintJob) -> tuple[list[str], str | None]:
    """The built site's stylesheets (the theme's and the project's) as the overview links them,
    and the overview's address on its host (None when the site has none)."""
    overview = _page_file(job.folder, job.partnership, "index")
    tree = LexborHTMLParser(overview.read_text(encoding="utf-8"))
    here = overview.parent.as_uri() + "/"
    links = tree.css('link[rel="stylesheet"]')
    return [urljoin(here, node.attributes.get("href") or "") for node in links], _canonical(tree)


def _environment(theme: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_folders(theme, "print")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    return env


def print_document(
    env: jinja2.Environment,
    job: PrintJob,
    sections: Sequence[Section],
    stylesheets: Sequence[str],
    pages: dict[str, int] | None,
    address: str | None,
) -> str:
    """The HTML Chromium prints: cover, contents (with page numbers once they are known) and
    every section."""
    return env.get_template("plan.html.j2").render(
        cover=job.cover,
        sections=sections,
        stylesheets=stylesheets,
        pages=pages,
        address=address,
    )


# -- printing -------------------------------------------------------------------------------


def chromium_print(chromium: str, html: Path, pdf: Path, scratch: Path) -> None:
    """Print one HTML file to PDF with Chromium, in a profile of its own (printings run side
    by side)."""
    profile = Path(tempfile.mkdtemp(prefix="profile-", dir=scratch))
    command = [
        chromium,
        *CHROMIUM_ARGS,
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        "--generate-pdf-document-outline",
        f"--print-to-pdf={pdf}",
        html.as_uri(),
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise BuildError(f"Chromium took over {PRINT_TIMEOUT_S} s to print {html.name}") from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        said = [line for line in done.stderr.splitlines() if line.strip()]
        raise BuildError(
            f"Chromium could not print {html.name} (exit {done.returncode})"
            + (f": {said[-1]}" if said else "")
        )


def section_pages(pdf: Path, sections: Sequence[Section]) -> dict[str, int]:
    """On which page (from 1) each section begins, from the PDF's outline: the sections are
    the document's second-level headings, in order."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    found: list[tuple[str, int]] = []

    def walk(items: list[Any]) -> Iterator[tuple[int, Any]]:
        for item in items:
            if isinstance(item, list):
                for depth, inner in walk(item):
                    yield depth + 1, inner
            else:
                yield 0, item

    for depth, item in walk(list(reader.outline)):
        if depth == 1:
            number = reader.get_destination_page_number(item)
            if number is not None:
                found.append((" ".join(str(item.title).split()), number + 1))
    pages: dict[str, int] = {}
    at = 0
    for section in sections:
        wanted = " ".join(section.title.split())
        for index in range(at, len(found)):
            if found[index][0] == wanted:
                pages[section.name] = found[index][1]
                at = index + 1
                break
        else:
            raise BuildError(f"{pdf.name}: the section {wanted!r} is not in the PDF's outline")
    return pages


def print_plan_year(
    chromium: str,
    env: jinja2.Environment,
    job: PrintJob,
    scratch: Path,
) -> Path:
    """Print one partnership-year's PDF into the version's folder; the PDF's path."""
    sections = [_section(job, name) for name in PRINTED]
    stylesheets, address = _overview(job)
    work = Path(tempfile.mkdtemp(prefix=f"{job.partnership}-", dir=scratch))
    html = work / "plan.html"
    draft = work / "plan.pdf"
    pages: dict[str, int] | None = None
    for _ in range(3):
        html.write_text(
            print_document(env, job, sections, stylesheets, pages, address), encoding="utf-8"
        )
        chromium_print(chromium, html, draft, work)
        found = section_pages(draft, sections)
        if found == pages:
            break
        pages = found
    else:
        raise BuildError(f"the contents page of {job.partnership} {job.year} does not settle")
    target = job.folder / job.partnership / pdf_name(job.partnership, job.year)
    shutil.move(draft, target)
    shutil.rmtree(work, ignore_errors=True)
    return target


def print_plan_years(
    chromium: str,
    theme: Path,
    jobs: Sequence[PrintJob],
    scratch: Path,
    workers: int,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Print every job's PDF, `workers` Chromiums at a time (each in a profile and folder of its
    own); the PDFs' paths."""
    env = _environment(theme)
    scratch.mkdir(parents=True, exist_ok=True)

    def one(job: PrintJob) -> Path:
        path = print_plan_year(chromium, env, job, scratch)
        if progress is not None:
            progress(f"printed {job.year}/{job.partnership}/{path.name}")
        return path

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, jobs))


def require_chromium() -> str:
    """The Chromium `--pdf` prints with, or a BuildError saying how to install one."""
    chromium = find_chromium()
    if chromium is None:
        raise BuildError(
            "--pdf prints with Chromium, and none was found (/usr/bin/chromium or on PATH); "
            "install it (Debian: apt-get install chromium) or build without --pdf"
        )
    return chromium
