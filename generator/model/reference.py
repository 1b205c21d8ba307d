"""Reference data shared by every partnership: settings, organisations, areas, funding streams."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from generator.model.types import (
    Day,
    Email,
    Flag,
    GivingPrefix,
    Id,
    Integer,
    Markdown,
    Money,
    NonNegative,
    Strict,
    Title,
    Url,
    When,
    YearId,
)

OrganisationKind = Literal[
    "council",
    "police",
    "pcc",
    "fire",
    "health",
    "probation",
    "youth-justice",
    "voluntary",
    "private",
    "other",
]


class Licence(Strict):
    """The licence the open data is published under."""

    name: Title = Field(
        description="The licence's name, as the data pages and downloads print it.",
        examples=["Open Government Licence v3.0"],
    )
    url: Url = Field(
        description="Where the licence's full text is published.",
        examples=["https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"],
    )


OPEN_GOVERNMENT_LICENCE = Licence(
    name="Open Government Licence v3.0",
    url="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
)


class RiskBandSetting(Strict):
    """One band of the decommissioning risk scale, e.g. medium 5–10."""

    name: Title = Field(
        description="The band's name, shown beside a risk's overall score.", examples=["medium"]
    )
    low: Integer = Field(
        ge=1,
        le=25,
        description="The lowest overall score (likelihood × impact, 1–25) in the band.",
        examples=[5],
    )
    high: Integer = Field(
        ge=1, le=25, description="The highest overall score (1–25) in the band.", examples=[10]
    )


_CRITERION = re.compile(r"[1-4]\.[1-9][0-9]?\.[1-9][0-9]?")


def check_criterion(value: Any) -> Any:
    """A WCAG success criterion by its number, such as 1.4.3."""
    if isinstance(value, str) and not _CRITERION.fullmatch(value):
        raise PydanticCustomError(
            "criterion",
            f"'{value[:20]}' is not a WCAG success criterion; write its number, such as 1.4.3",
        )
    return value


Criterion = Annotated[
    str,
    BeforeValidator(check_criterion),
    WithJsonSchema({"type": "string", "pattern": "^[1-4]\\.[1-9][0-9]?\\.[1-9][0-9]?$"}),
]
"""A WCAG success criterion by its number: `1.4.3` (Contrast (Minimum))."""

Nation = Literal["england", "scotland", "wales", "northern-ireland"]
ENFORCEMENT_BODIES = {
    "england": "ehrc",
    "scotland": "ehrc",
    "wales": "ehrc",
    "northern-ireland": "ecni",
}
"""Who enforces the accessibility regulations where the publisher is: the Equality and Human
Rights Commission in Great Britain, the Equality Commission for Northern Ireland there."""


class KnownIssue(Strict):
    """Content the publisher knows is not accessible, declared in its accessibility statement."""

    criterion: Criterion = Field(description="The WCAG 2.2 success criterion it fails: 1.4.3.")
    problem: Markdown = Field(description="What is not accessible, in words a reader follows.")
    plan: Markdown | None = Field(None, description="What will be done about it, and by when.")


class AxeViolation(Strict):
    """One rule axe-core found broken, on the pages listed."""

    criterion: Criterion = Field(description="The WCAG success criterion the rule tests.")
    rule: Title = Field(description="axe-core's rule id, such as color-contrast.")
    summary: Title = Field(description="What the rule checks, in axe-core's words.")
    pages: list[Title] = Field(min_length=1, description="The pages it failed on.")


class AccessibilityTest(Strict):
    """The result of the automated test (tests/test_browser_a11y.py) last recorded: what the
    statement says about compliance is worked out from it and from the known issues."""

    date: Day = Field(description="The day the results were recorded.")
    tool: Title = Field(description="The tool and its version: axe-core 4.14.1.")
    violations: list[AxeViolation] = Field(
        default_factory=list, description="What the test found; none, when every page passed."
    )


class AccessibilitySettings(Strict):
    """The accessibility statement's configuration (`accessibility:` in data/settings.yml)."""

    organisation: Title | None = Field(
        None, description="Who publishes the site and answers for it; the site's title if unset."
    )
    email: Email | None = Field(
        None, description="Where to report an accessibility problem or ask for another format."
    )
    address: Markdown | None = Field(None, description="A postal address or phone number too.")
    response_days: Integer = Field(
        10, ge=1, le=90, description="Working days within which a request gets a reply."
    )
    nation: Nation = Field(
        "england",
        description="Where the publisher is: the Equality and Human Rights Commission enforces "
        "the regulations in England, Scotland and Wales, the Equality Commission for Northern "
        "Ireland in Northern Ireland.",
    )
    prepared: Day | None = Field(None, description="The day the statement was first prepared.")
    reviewed: Day | None = Field(None, description="The day it was last reviewed.")
    known_issues: list[KnownIssue] = Field(
        default_factory=list,
        description="Content the publisher knows fails WCAG 2.2 AA: listed in the statement, "
        "and the site is then not called fully compliant.",
    )
    tested: AccessibilityTest | None = Field(
        None,
        description="The automated test's recorded results (unset: the statement says the site "
        "has not been tested, and claims no compliance).",
    )

    @property
    def enforcement(self) -> str:
        """`ehrc` or `ecni`: who enforces the regulations where the publisher is."""
        return ENFORCEMENT_BODIES[self.nation]

    @property
    def status(self) -> Literal["fully", "partially", "not-tested"]:
        """The compliance status the statement may claim: fully compliant only when the test
        ran and found nothing and the publisher declares no known issue."""
        if self.tested is None:
            return "not-tested"
        if self.tested.violations or self.known_issues:
            return "partially"
        return "fully"


class Privacy(Strict):
    """What the pages offer readers from other sites (`privacy:`). There is no analytics
    setting: no page loads anything from another host (mkdocs.yml's `extra.analytics` is
    refused by `plans build`), so a visit is known only to the site's own web server."""

    made_with_link: Flag = Field(
        False,
        description="Show mkdocs-material's 'Made with Material for MkDocs' link (to another "
        "site, opening a new window) in every page's footer.",
    )


class Settings(Strict):
    """Project-wide settings (`data/settings.yml`)."""

    title: Title = Field(description="Title of the published site.")
    description: Markdown | None = Field(None, description="What the site is, for its home page.")
    fictional: Flag = Field(
        False, description="Every page says the partnerships and people are invented."
    )
    rag_tolerance_percent: NonNegative = Field(
        default=Decimal(5),
        description="How far an indicator may miss its target and still be amber.",
    )
    rag_for_inferred_targets: Flag = Field(
        False,
        description="Compute a RAG status against targets recorded as inferred (not stated by "
        "the source); by default they are shown but never judged.",
    )
    small_count_threshold: Integer = Field(
        5, ge=0, description="Counts below this are published as 'fewer than N'."
    )
    risk_bands: list[RiskBandSetting] = Field(
        default_factory=lambda: [
            RiskBandSetting(name="low", low=1, high=4),
            RiskBandSetting(name="medium", low=5, high=10),
            RiskBandSetting(name="high", low=12, high=25),
        ],
        description="Bands of the overall decommissioning risk score (1–25); by default "
        "low 1–4, medium 5–10 and high 12–25.",
    )
    licence: Licence = Field(
        default_factory=lambda: OPEN_GOVERNMENT_LICENCE.model_copy(),
        description="The licence of the open data: named on the data pages, in every download "
        "folder and in the JSON files (the Open Government Licence v3.0 unless set).",
    )
    giving_prefix: GivingPrefix = Field(
        "360G-partnership-plans",
        description="The prefix of the identifiers in the 360Giving files: 360Giving gives each "
        "publisher its own. The default is not registered with 360Giving.",
    )
    search: Literal["version", "area"] = Field(
        "version",
        description="What the search box of a page looks through. 'version': every page of "
        "the year. 'area': on a police force area's pages, every section of that area's pages "
        "and of the home pages, and every other page of the year by its title (on the home "
        "pages: their own sections and every page's title); for national sites, where the "
        "reader's browser takes many seconds and over a gigabyte to load a whole year's index "
        "on every page.",
    )
    accessibility: AccessibilitySettings = Field(
        default_factory=lambda: AccessibilitySettings(),
        description="The accessibility statement: contact, enforcement body, dates, known "
        "issues and the automated test's recorded results.",
    )
    privacy: Privacy = Field(
        default_factory=lambda: Privacy(),
        description="The theme's external footer link, off unless set.",
    )


class Organisation(Strict):
    """A body that leads, funds, commissions or provides: shared across partnerships."""

    id: Id = Field(
        description="The organisation's id, used wherever a plan names it (a lead, a commissioner, "
        "a provider, a funder).",
        examples=["sallowfield-district-council"],
    )
    name: Title = Field(
        description="The organisation's full name, as readers know it.",
        examples=["Sallowfield District Council"],
    )
    kind: OrganisationKind = Field(
        description="What sort of body it is: a council, the police, a Police and Crime "
        "Commissioner's office, fire, health, probation, youth justice, a voluntary or "
        "private organisation, or other."
    )
    url: Url | None = Field(None, description="The organisation's own website.")
    description: Markdown | None = Field(
        None, description="What the organisation is or does, when its name does not say enough."
    )
    replaced_by: Id | None = Field(None, description="Organisation that took over its duties.")
    ceased: When | None = Field(None, description="Date the organisation stopped existing.")


class OrganisationsFile(Strict):
    """`data/organisations.yml`."""

    organisations: list[Organisation] = Field(
        min_length=1,
        description="Every body that leads, funds, commissions or provides, shared by all the "
        "partnerships: councils, the police, the Police and Crime Commissioner, health,"
        " probation, charities and providers.",
    )


class Area(Strict):
    """A police force area with its PCC."""

    id: Id = Field(
        description="The area's id, used by each partnership in it.", examples=["brackenshire"]
    )
    name: Title = Field(description="The police force area's name.", examples=["Brackenshire"])
    police_force: Id = Field(description="Organisation id of the police force.")
    pcc: Id = Field(description="Organisation id of the Police and Crime Commissioner.")
    region: Title | None = Field(
        None,
        description="The region the area is listed under in the navigation and on the home page "
        "(a region of England, or Wales). Areas with the same region are grouped together; an "
        "area without one is listed on its own.",
    )
    description: Markdown | None = Field(
        None, description="A few words about the area for its page on the site."
    )


class AreasFile(Strict):
    """`data/areas.yml`."""

    areas: list[Area] = Field(
        min_length=1,
        description="Every police force area the project covers, each with its police force and "
        "Police and Crime Commissioner.",
    )


class Pot(Strict):
    """The money a stream has for one financial year."""

    year: YearId = Field(description="The financial year the money is for.", examples=["2024-25"])
    amount: Money = Field(
        description="The money the stream has for the year, in pounds.", examples=[250000]
    )
    published_total: Money | None = Field(
        None,
        description="The total allocated from the pot as the source printed it; compared with "
        "the allocations recorded from the stream for the year.",
    )
    published_note: Markdown | None = Field(
        None, description="Why the published total differs; declared, it is not warned about."
    )
    sic: Title | None = Field(
        None, description="A typo in the source kept as printed, shown as [sic]."
    )
    note: Markdown | None = Field(
        None, description="Anything a reader should know about the year's pot."
    )


class FundingStream(Strict):
    """A source of money: a PCC fund, a Home Office grant, a council base budget…"""

    id: Id = Field(
        description="The stream's id, used by every funding line that draws on it.",
        examples=["pcc-community-safety-fund"],
    )
    name: Title = Field(
        description="The stream's name, as the funder calls it.",
        examples=["PCC Community Safety Fund"],
    )
    funder: Id = Field(description="Organisation id of the funder.")
    ring_fenced: Flag = Field(
        False, description="true when the money may be spent only for the purpose it was given for."
    )
    starts: When | None = Field(
        None,
        description="When money first came from the stream; YYYY-MM or YYYY where the source gives "
        "no more.",
        examples=["2013-04"],
    )
    ends: When | None = Field(
        None,
        description="Last day money can be spent (streams end); YYYY-MM or YYYY where the "
        "source says no more ('until November 2012').",
    )
    pots: list[Pot] = Field(
        default_factory=list,
        description="How much money the stream has in each financial year, a pot a year.",
    )
    over_programming_percent: NonNegative = Field(
        default=Decimal(0),
        description="Declared over-allocation in expectation of underspend (warned, not refused).",
    )
    description: Markdown | None = Field(
        None, description="What the stream pays for and any conditions attached to it."
    )


class FundingStreamsFile(Strict):
    """`data/funding-streams.yml`."""

    streams: list[FundingStream] = Field(
        min_length=1,
        description="Every source of money the plans draw on: a PCC fund, a Home Office grant, a "
        "council's base budget and so on.",
    )
