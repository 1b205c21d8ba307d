"""Reference data shared by every partnership: settings, organisations, areas, funding streams."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from generator.model.types import (
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

    name: Title
    url: Url


OPEN_GOVERNMENT_LICENCE = Licence(
    name="Open Government Licence v3.0",
    url="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
)


class RiskBandSetting(Strict):
    """One band of the decommissioning risk scale, e.g. medium 5–10."""

    name: Title
    low: Integer = Field(ge=1, le=25)
    high: Integer = Field(ge=1, le=25)


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
        description="Bands of the overall decommissioning risk score (1–25).",
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


class Organisation(Strict):
    """A body that leads, funds, commissions or provides: shared across partnerships."""

    id: Id
    name: Title
    kind: OrganisationKind
    url: Url | None = None
    description: Markdown | None = None
    replaced_by: Id | None = Field(None, description="Organisation that took over its duties.")
    ceased: When | None = Field(None, description="Date the organisation stopped existing.")


class OrganisationsFile(Strict):
    """`data/organisations.yml`."""

    organisations: list[Organisation] = Field(min_length=1)


class Area(Strict):
    """A police force area with its PCC."""

    id: Id
    name: Title
    police_force: Id = Field(description="Organisation id of the police force.")
    pcc: Id = Field(description="Organisation id of the Police and Crime Commissioner.")
    region: Title | None = Field(
        None,
        description="The region the area is listed under in the navigation and on the home page "
        "(a region of England, or Wales). Areas with the same region are grouped together; an "
        "area without one is listed on its own.",
    )
    description: Markdown | None = None


class AreasFile(Strict):
    """`data/areas.yml`."""

    areas: list[Area] = Field(min_length=1)


class Pot(Strict):
    """The money a stream has for one financial year."""

    year: YearId
    amount: Money
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
    note: Markdown | None = None


class FundingStream(Strict):
    """A source of money: a PCC fund, a Home Office grant, a council base budget…"""

    id: Id
    name: Title
    funder: Id = Field(description="Organisation id of the funder.")
    ring_fenced: Flag = False
    starts: When | None = None
    ends: When | None = Field(
        None,
        description="Last day money can be spent (streams end); YYYY-MM or YYYY where the "
        "source says no more ('until November 2012').",
    )
    pots: list[Pot] = Field(default_factory=list)
    over_programming_percent: NonNegative = Field(
        default=Decimal(0),
        description="Declared over-allocation in expectation of underspend (warned, not refused).",
    )
    description: Markdown | None = None


class FundingStreamsFile(Strict):
    """`data/funding-streams.yml`."""

    streams: list[FundingStream] = Field(min_length=1)
