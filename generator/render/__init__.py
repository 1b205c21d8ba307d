"""Stage 5, render: the validated, computed project through Jinja templates into Markdown pages,
SVG charts and open-data files — one version (financial year) at a time.

Templates live in `theme/pages/` and `theme/charts/`; a partnership overrides any one of them by
putting a file of the same name in `theme/partnerships/<id>/` (a Jinja ChoiceLoader).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from generator.compute import record
from generator.compute.disclosure import disclose
from generator.compute.facts import PlanYearFacts, plan_year_facts
from generator.compute.money import FormulaFacts, Formulas, all_formulas
from generator.model import PlanYear, Project
from generator.model.delivery import PATHWAYS
from generator.model.project import KINDS
from generator.render import charts, giving, opendata, text
from generator.render.corrections import changes_by_page
from generator.render.glossary import GlossaryLinks
from generator.render.theme import BYTECODE, template_folders
from generator.review import since_last_year
from generator.review.words import field_words, named, names_by_id
from generator.validate.context import declared

PAGES = (
    ("index", "Overview", "overview.md.j2"),
    ("assessment", "Needs assessment", "assessment.md.j2"),
    ("priorities", "Priorities and objectives", "priorities.md.j2"),
    ("actions", "Action plan", "actions.md.j2"),
    ("services", "Commissioned services", "services.md.j2"),
    ("funding", "Funding", "funding.md.j2"),
    ("performance", "Performance", "performance.md.j2"),
    ("risks", "Decommissioning risks", "risks.md.j2"),
    ("review", "Annual review", "review.md.j2"),
    ("changes", "Changes and corrections", "changes.md.j2"),
    ("corrections", "Corrections log", "corrections.md.j2"),
    ("data", "Open data", "data.md.j2"),
)
PATHWAY_LABELS = {
    "accommodation": "Accommodation",
    "education-training-employment": "Education, training and employment",
    "health": "Health",
    "drugs-alcohol": "Drugs and alcohol",
    "finance-benefit-debt": "Finance, benefit and debt",
    "children-families": "Children and families",
    "attitudes-thinking-behaviour": "Attitudes, thinking and behaviour",
}


@dataclass(frozen=True)
class Version:
    """What one version of the site is: its year, whether it is the latest, drafts or not."""

    year: str
    latest: str
    drafts: bool = False
    pdf: bool = False
    """Whether the build prints each plan year as a PDF (`plans build --pdf`): the overview
    links to it (`pdf_name`); without it the pages are as they always were."""

    @property
    def label(self) -> str:
        return self.year.replace("-", "/")


@dataclass(frozen=True)
class Shard:
    """A part of one version that MkDocs builds on its own: the home pages (no areas), or the
    pages of some police force areas and their partnerships."""

    name: str
    areas: tuple[str, ...] = ()

    @property
    def home(self) -> bool:
        return not self.areas


HOME = Shard("_home")


@dataclass(frozen=True)
class Downloads:
    """A shard's share of its version's archive of every partnership's downloads
    (`opendata.archive`): a shard's build rebuilds only its own partnerships' files, and the
    archive is zipped from every shard's when the version is put together."""

    files: dict[str, str]
    """Each entry of the archive the shard gives: its name in the archive, and the file of the
    version that holds it."""
    newest: date | None
    """The newest `opendata.data_date` of its plan years: the archive's entries are dated by
    the newest of all."""
    licence: bytes | None = None
    """The home shard's: the licence notice at the archive's top."""
    archive: str | None = None
    """The home shard's: the archive's file in the version (`opendata.archive_name`)."""


@dataclass(frozen=True)
class RenderedVersion:
    """The generated docs of one version (or one shard of it): files by relative path, and the
    navigation of the whole version with its pages in order."""

    files: Mapping[str, bytes]
    nav: list[Any]
    downloads: Downloads | None = None
    """For one shard: its share of the version's open-data archive, which is put together
    when the shards are merged (the whole version's render holds the archive itself)."""

    @property
    def nav_pages(self) -> list[str]:
        """Every page of the version's navigation, in reading order."""
        return list(nav_pages(self.nav))


def nav_pages(nav: list[Any]) -> Iterator[str]:
    """The pages of a navigation (MkDocs' nav: a list of one-entry mappings), in order."""
    for item in nav:
        for value in item.values():
            if isinstance(value, list):
                yield from nav_pages(value)
            else:
                yield value


def pdf_name(partnership: str, year: str) -> str:
    """The file name of a plan year's PDF, in the partnership's folder of the version."""
    return f"{partnership}-plan-{year}.pdf"


def nav_title(name: str) -> str:
    """A navigation title from data: MkDocs and the theme print nav titles as raw HTML, so
    every title that comes from a YAML file is escaped here."""
    return html.escape(name, quote=True)


def line_names(plan_year: PlanYear) -> Callable[[str], str]:
    """The name of a line a `combined_with` names, by its id: an allocation's title, a
    service's name or an action's title (the id itself if none is known)."""
    names: dict[str, str] = {}
    for alloc in plan_year.funding.allocations:
        names.setdefault(alloc.id, alloc.title or alloc.id)
    for service in plan_year.services.services:
        names.setdefault(service.id, service.name)
    for action in plan_year.actions.actions:
        names.setdefault(action.id, action.title)
    return lambda line_id: names.get(line_id, line_id)


def publishable(plan_year: PlanYear, drafts: bool) -> bool:
    """Approved, published and superseded years are public; drafts only when asked for."""
    return drafts or plan_year.plan.status in ("approved", "published", "superseded")


IN_PREPARATION = ("assessment", "review")
"""The parts of a year that may be drafts (`status: draft`) within a year on the site."""


def in_preparation(plan_year: PlanYear, drafts: bool) -> tuple[str, ...]:
    """The year's parts still in draft, which the public site leaves out (shown with --drafts)."""
    if drafts:
        return ()
    parts = ((kind, getattr(plan_year, kind)) for kind in IN_PREPARATION)
    return tuple(kind for kind, part in parts if part is not None and part.status == "draft")


def as_shown(plan_year: PlanYear, drafts: bool) -> PlanYear:
    """The year as the site shows it: without the parts still in preparation (a page says they
    are being prepared), unless the build includes drafts."""
    hidden = in_preparation(plan_year, drafts)
    if not hidden:
        return plan_year
    parts = {kind: getattr(plan_year, kind) for kind in KINDS if kind not in hidden}
    return PlanYear(plan_year.partnership, plan_year.year, parts, files=plan_year.files)


@dataclass(frozen=True)
class Newest:
    """A partnership's newest plan year on the site, and its newest year with an annual review:
    the notices on older pages point at these, not at the site's newest year, which a
    partnership may not have."""

    plan: str
    review: str | None


def _review_shown(plan_year: PlanYear, drafts: bool) -> bool:
    """Whether the year's annual review is on the site (a draft only with drafts); only the
    review is typed to tell."""
    review = plan_year.review
    return review is not None and (drafts or review.status == "final")


def published_years(project: Project, partnership: str, drafts: bool) -> list[str]:
    """The years of a partnership on the site, oldest first: each has every partnership page."""
    return [py.year for py in project.years_of(partnership) if publishable(py, drafts)]


def newest_years(project: Project, drafts: bool) -> dict[str, Newest]:
    """Each partnership's newest published plan year and newest published annual review."""
    years: dict[str, list[PlanYear]] = {}
    for py in project.plan_years():
        if publishable(py, drafts):
            years.setdefault(py.partnership, []).append(py)
    return {
        pid: Newest(
            max(py.year for py in pys),
            max((py.year for py in pys if _review_shown(py, drafts)), default=None),
        )
        for pid, pys in years.items()
    }


def make_environment(theme: Path, partnership: str | None = None) -> jinja2.Environment:
    """The Markdown environment: the partnership's overrides first, then the theme."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_folders(theme, "pages", partnership)),
        bytecode_cache=BYTECODE,
        undefined=jinja2.StrictUndefined,
        finalize=text.finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        markdown=text.markdown_block,
        inline=text.markdown_inline,
        item=text.markdown_item,
        indent_block=text.indent_block,
        money=text.money,
        date=text.long_date,
        on_date=text.on_date,
        fy=text.financial_year,
        percent=text.percent,
        number=text.number,
        label=text.slug_label,
        md=text.Md,
        attr=text.attribute,
        count_of=text.count_of,
        size=text.file_size,
    )
    return env


def version_plan_years(project: Project, year: str, drafts: bool) -> list[PlanYear]:
    """The plan years of a version (financial year) on the site, in (partnership) order."""
    return [py for py in project.plan_years() if py.year == year and publishable(py, drafts)]


def areas_of(project: Project, plan_years: list[PlanYear]) -> list[tuple[str, list[PlanYear]]]:
    """Each area of `plan_years` with its plan years, areas and partnerships in name order."""
    grouped: dict[str, list[PlanYear]] = {}
    for py in plan_years:
        grouped.setdefault(project.partnerships[py.partnership].area, []).append(py)
    return [
        (area, sorted(pys, key=lambda py: project.partnerships[py.partnership].name))
        for area, pys in sorted(grouped.items(), key=lambda kv: project.areas[kv[0]].name)
    ]


def formula_owners(project: Project, year: str) -> dict[str, list[tuple[str, str]]]:
    """By area: (owner, formula id) of every formula of the year run by a partnership of the
    area or paying one, whether or not the owner's own plan is published this year (the
    partnerships' funding pages point to the area page for the whole formula)."""
    partnerships = project.partnerships
    found: dict[str, list[tuple[str, str]]] = {}
    for py in project.plan_years():
        if py.year != year:
            continue
        for formula in py.funding.formulas:
            paid = {py.partnership}
            paid.update(r.partnership for r in formula.recipients if r.partnership)
            paid.update(pid for r in formula.recipients for pid in r.covers)
            areas = {partnerships[p].area for p in paid if p in partnerships}
            for area in sorted(areas):
                found.setdefault(area, []).append((py.partnership, formula.id))
    return found


class Renderer:
    """Renders one version of the site from a validated project."""

    def __init__(self, project: Project, theme: Path, version: Version) -> None:
        self.project = disclose(project)  # small counts of people never reach a page or file
        self._undisclosed = project
        self.theme = theme
        self.version = version
        self._other_formulas: dict[str, Formulas] = {}
        self._envs: dict[str | None, jinja2.Environment] = {}
        self.years = version_plan_years(self.project, version.year, version.drafts)
        self._facts: dict[str, PlanYearFacts] = {}
        self.latest_partnerships = {
            py.partnership
            for py in self.project.plan_years()
            if py.year == version.latest and publishable(py, version.drafts)
        }
        self._heading_links: dict[str, list[str]] | None = None

    @cached_property
    def formulas(self) -> Formulas:
        """Every formula of the version's year, by id."""
        return self.formulas_of(self.version.year)

    @cached_property
    def newest(self) -> dict[str, Newest]:
        """`newest_years`, read from the project before disclosure (which only withholds
        figures): telling whether a review is on the site types no indicators."""
        return newest_years(self._undisclosed, self.version.drafts)

    @cached_property
    def _formula_owners(self) -> dict[str, list[tuple[str, str]]]:
        return formula_owners(self._undisclosed, self.version.year)

    def facts(self, py: PlanYear) -> PlanYearFacts:
        """A plan year's computed facts, once (a shard computes only the ones it shows), of the
        year as shown: its parts still in preparation are left out unless drafts are built."""
        if py.partnership not in self._facts:
            shown = as_shown(py, self.version.drafts)
            self._facts[py.partnership] = plan_year_facts(self.project, shown, self.formulas)
        return self._facts[py.partnership]

    def env(self, partnership: str | None) -> jinja2.Environment:
        """One shared environment (templates compile once), or a partnership's own when it
        overrides any template."""
        if partnership is not None and not (self.theme / "partnerships" / partnership).is_dir():
            partnership = None
        if partnership not in self._envs:
            self._envs[partnership] = make_environment(self.theme, partnership)
        return self._envs[partnership]

    def common(self) -> dict[str, Any]:
        project = self.project
        return {
            "settings": project.settings,
            "version": self.version,
            "organisations": project.organisations,
            "areas": project.areas,
            "streams": project.streams,
            "partnerships": project.partnerships,
            "pathways": PATHWAYS,
            "pathway_labels": PATHWAY_LABELS,
            "org": lambda oid: (
                project.organisations[oid].name if oid in project.organisations else oid
            ),
            "stream_name": lambda sid: project.streams[sid].name if sid in project.streams else sid,
        }

    def areas_in_version(self) -> list[tuple[str, list[PlanYear]]]:
        """Each area with the partnerships that have a plan in this version, in name order."""
        return areas_of(self.project, self.years)

    def area_groups(self) -> list[tuple[str | None, list[tuple[str, list[PlanYear]]]]]:
        """`areas_in_version` grouped as the navigation and the home page list them: each region
        with its areas, and each area without a region on its own, in name order together."""
        groups: dict[tuple[str, str | None], list[tuple[str, list[PlanYear]]]] = {}
        for area_id, pys in self.areas_in_version():
            area = self.project.areas[area_id]
            key = (area.region, None) if area.region is not None else (area.name, area_id)
            groups.setdefault(key, []).append((area_id, pys))
        ordered = sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
        return [(name if alone is None else None, members) for (name, alone), members in ordered]

    def render(self, shard: Shard | None = None) -> RenderedVersion:
        """The whole version, or only one shard's files (the navigation is always whole)."""
        files: dict[str, bytes] = {}
        nav: list[Any] = [{"Home": "index.md"}]
        groups = self.area_groups()
        common = self.common()
        home = shard is None or shard.home
        if home:
            files["index.md"] = self._page(
                None, "home.md.j2", common,
                area_index=[area for _, members in groups for area in members],
                area_groups=groups,
            )  # fmt: skip
        for region, members in groups:
            region_nav: list[Any] = []
            for area_id, pys in members:
                region_nav.append(self._area(area_id, pys, shard, common, files))
            if region is None:
                nav.extend(region_nav)
            else:
                nav.append({nav_title(region): region_nav})
        nav.append({"Glossary": "glossary.md"})
        nav.append({"Accessibility": "accessibility.md"})
        nav.append({"Data formats": opendata.schema_nav()})
        if home:
            files["glossary.md"] = self._page(None, "glossary.md.j2", common)
            files["accessibility.md"] = self._page(None, "accessibility.md.j2", common)
            files.update(opendata.schema_files())
            if shard is None:
                files[opendata.archive_name(self.version.year)] = self.archive()
        if shard is None:
            return RenderedVersion(files, nav)
        return RenderedVersion(files, nav, self._downloads(files, home))

    def _downloads(self, files: Mapping[str, bytes], home: bool) -> Downloads:
        """A shard's share of the archive (see `archive`): the downloads of the plan years it
        made pages for, with the licence notice when it is the home shard."""
        entries: dict[str, str] = {}
        newest: date | None = None
        for py in self.years:
            folder = f"{py.partnership}/data/"
            if f"{py.partnership}/index.md" not in files:
                continue
            for name in files:
                if name.startswith(folder):
                    entries[f"{py.partnership}/{name[len(folder) :]}"] = name
            when = opendata.data_date(py)
            newest = when if newest is None or (when is not None and when > newest) else newest
        if not home:
            return Downloads(entries, newest)
        year = self.version.year
        licence = opendata.licence_text(self.project, year)
        return Downloads(entries, newest, licence, opendata.archive_name(year))

    def _area(
        self,
        area_id: str,
        pys: list[PlanYear],
        shard: Shard | None,
        common: dict[str, Any],
        files: dict[str, bytes],
    ) -> dict[str, list[Any]]:
        """An area's section of the navigation; its pages (and its partnerships') are added to
        `files` when the shard builds them."""
        area = self.project.areas[area_id]
        area_nav: list[Any] = [{nav_title(area.name): f"{area_id}/index.md"}]
        if shard is None or area_id in shard.areas:
            files[f"{area_id}/index.md"] = self._page(
                None, "area.md.j2", common, area=area,
                plan_years=pys, area_facts=[self.facts(py) for py in pys],
                area_formulas=self.area_formulas(area_id), depth=1,
            )  # fmt: skip
            for py in pys:
                files.update(self._partnership(py, common))
        for py in pys:
            partnership = self.project.partnerships[py.partnership]
            pages = [{title: f"{py.partnership}/{name}.md"} for name, title, _ in PAGES]
            area_nav.append({nav_title(partnership.name): pages})
        return {nav_title(area.name): area_nav}

    def area_formula_owners(self, area_id: str) -> list[tuple[str, str]]:
        """(owner, formula id) of every formula of the year run by a partnership of the area or
        paying one (see `formula_owners`)."""
        return self._formula_owners.get(area_id, [])

    def formulas_of(self, year: str) -> Formulas:
        """Every formula of a year, worked out once (the previous year's, for what changed)."""
        if year not in self._other_formulas:
            self._other_formulas[year] = all_formulas(self.project, year)
        return self._other_formulas[year]

    def area_formulas(self, area_id: str) -> list[tuple[str, FormulaFacts]]:
        """(owner, formula worked out) of every formula `area_formula_owners` finds."""
        return [(owner, self.formulas[fid]) for owner, fid in self.area_formula_owners(area_id)]

    def partnership_pages(self, py: PlanYear, linked: dict[str, list[str]]) -> dict[str, bytes]:
        """A plan year's pages, charts and downloads, each page's links to a heading in the free
        text it shows noted in `linked` (generator.render.headings checks them)."""
        self._heading_links = linked
        try:
            return self._partnership(py, self.common())
        finally:
            self._heading_links = None

    def _partnership(self, py: PlanYear, common: dict[str, Any]) -> dict[str, bytes]:
        facts = self.facts(py)
        preparing = in_preparation(py, self.version.drafts)
        py = facts.plan_year
        pid = py.partnership
        previous = self.project.previous(py)
        changes = since_last_year(self.project, py, self.formulas_of)
        specs = charts.chart_specs(facts, common)
        data = opendata.plan_year_files(self.project, facts, changes)
        names = names_by_id(self.project, previous, py)
        context = {
            **common,
            "partnership": self.project.partnerships[pid],
            "py": py,
            "facts": facts,
            "previous": previous,
            "since_last_year": changes,
            "corrected": changes_by_page(py),
            "history": [
                other
                for other in self.project.years_of(pid)
                if other.year <= py.year and publishable(other, self.version.drafts)
            ][::-1],
            # every year this partnership is on the site, later ones too: its pages link to
            # themselves in each (the build's cache key covers them: generator/site/build.py)
            "years": published_years(self.project, pid, self.version.drafts),
            "draft": py.plan.status not in ("approved", "published", "superseded"),
            "in_latest": pid in self.latest_partnerships,
            "members": record.members_during(self.project.partnerships[pid], py.year),
            "strategy": record.strategy_place(self.project.partnerships[pid], py.plan),
            "successors": lambda oid: record.successors(oid, self.project.organisations),
            "newest": self.newest[pid],
            "line_name": line_names(py),
            "declared": lambda part: declared(py, part),
            "in_preparation": preparing,
            "in_version": {p.partnership for p in self.years},
            "downloads": {
                k: n for k, n in opendata.download_names(pid, py.year).items() if n in data
            },
            "download_sizes": {name: len(content) for name, content in data.items()},
            "data_date": opendata.data_date(py),
            "grants_left_out": giving.plan_year_grants(self.project, facts).left_out,
            "licence_file": opendata.LICENCE_FILE,
            "archive": opendata.archive_name(self.version.year),
            "chart_files": {name: geometry for name, (_t, geometry) in specs.items()},
            "consultations": self.later_consultations(py),
            "field_words": lambda name: field_words(name, names),
            "named": lambda value: named(value, names) if value is not None else "",
            "pdf_file": pdf_name(pid, py.year) if self.version.pdf else None,
        }
        files: dict[str, bytes] = {}
        svg = charts.render_charts(self.theme, pid, specs)
        for name, content in svg.items():
            files[f"{pid}/charts/{name}"] = content
        for name, content in data.items():
            files[f"{pid}/data/{name}"] = content
        for name, _title, template in PAGES:
            files[f"{pid}/{name}.md"] = self._page(pid, template, context, page=name)
        if context["pdf_file"] is not None:
            # a stand-in the overview's link resolves to; the PDF replaces it once the site is
            # built (generator/site/pdf.py)
            files[f"{pid}/{context['pdf_file']}"] = b""
        return files

    def later_consultations(self, py: PlanYear) -> list[PlanYear]:
        """The partnership's later plans out for consultation (not on the site until approved),
        shown on its newest published plan's overview so that readers can comment on them."""
        if self.newest[py.partnership].plan != py.year:
            return []
        return [
            later
            for later in self.project.years_of(py.partnership)
            if later.year > py.year
            and later.plan.status == "consultation"
            and later.plan.consultation is not None
        ]

    def archive(self) -> bytes:
        """Every partnership's downloads of the version in one zip, a folder each (the home
        shard's: its cache key covers every partnership's files)."""
        everything: dict[str, bytes] = {}
        newest = None
        for py in self.years:
            facts = self.facts(py)
            changes = since_last_year(self.project, facts.plan_year, self.formulas_of)
            for name, content in opendata.plan_year_files(self.project, facts, changes).items():
                everything[f"{py.partnership}/{name}"] = content
            when = opendata.data_date(py)
            newest = when if newest is None or (when is not None and when > newest) else newest
        everything[opendata.LICENCE_FILE] = opendata.licence_text(self.project, self.version.year)
        return opendata.archive(everything, newest)

    def _page(
        self, partnership: str | None, template: str, context: dict[str, Any], **extra: Any
    ) -> bytes:
        # Every page but the home pages is one folder down; the glossary is at the version's top.
        depth = extra.pop("depth", 0 if partnership is None else 1)
        glossary = GlossaryLinks("../" * depth + "glossary.md")
        page = self.env(partnership).get_template(template)
        if self._heading_links is None or "page" not in extra:
            return page.render(**context, **extra, glossary=glossary).encode("utf-8")
        noting = text.HEADING_LINKS.set([])
        try:
            rendered = page.render(**context, **extra, glossary=glossary)
            self._heading_links[extra["page"]] = text.HEADING_LINKS.get() or []
        finally:
            text.HEADING_LINKS.reset(noting)
        return rendered.encode("utf-8")


def render_version(
    project: Project, theme: Path, version: Version, shard: Shard | None = None
) -> RenderedVersion:
    """Render every page, chart and download of one version, or of one shard of it."""
    return Renderer(project, theme, version).render(shard)


__all__ = [
    "HOME",
    "PAGES",
    "Downloads",
    "Newest",
    "PlanYearFacts",
    "RenderedVersion",
    "Shard",
    "Version",
    "areas_of",
    "formula_owners",
    "newest_years",
    "pdf_name",
    "publishable",
    "published_years",
    "render_version",
    "version_plan_years",
]
