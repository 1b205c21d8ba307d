"""The whole project as typed data: reference data, partnerships and their plan years."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import pairwise
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from generator.load import Document, SourceFile
from generator.model.assessment import AssessmentFile
from generator.model.delivery import ActionsFile, ServicesFile
from generator.model.funding import FundingFile
from generator.model.kinds import PARTNERSHIP_KIND, REFERENCE_KINDS, YEAR_KINDS, parse_document
from generator.model.partnership import Partnership, PlanFile
from generator.model.performance import IndicatorsFile
from generator.model.reference import (
    Area,
    AreasFile,
    FundingStream,
    FundingStreamsFile,
    Organisation,
    OrganisationsFile,
    Settings,
)
from generator.model.review import ChangesFile, ReviewFile, RisksFile
from generator.problems import Problem

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class PlanYear:
    """Everything one partnership says about one financial year."""

    partnership: str
    year: str
    plan: PlanFile
    assessment: AssessmentFile | None = None
    actions: ActionsFile = field(default_factory=ActionsFile)
    indicators: IndicatorsFile = field(default_factory=IndicatorsFile)
    services: ServicesFile = field(default_factory=ServicesFile)
    funding: FundingFile = field(default_factory=FundingFile)
    risks: RisksFile = field(default_factory=RisksFile)
    review: ReviewFile | None = None
    changes: ChangesFile = field(default_factory=ChangesFile)
    files: Mapping[str, str] = field(default_factory=dict)
    """File name of each kind present, for locating problems."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.partnership, self.year)

    @property
    def published(self) -> bool:
        return self.plan.status in ("published", "superseded")

    @property
    def start_year(self) -> int:
        return int(self.year[:4])


@dataclass(frozen=True)
class Project:
    """The validated input of one site."""

    settings: Settings
    organisations: Mapping[str, Organisation]
    areas: Mapping[str, Area]
    streams: Mapping[str, FundingStream]
    partnerships: Mapping[str, Partnership]
    years: Mapping[tuple[str, str], PlanYear]
    documents: Mapping[str, Document]
    """Each file by name, to locate problems: its data lives on typed above, so it is not kept."""
    partnership_files: Mapping[str, str]
    reference_files: Mapping[str, str]
    organisation_list: tuple[Organisation, ...] = ()
    area_list: tuple[Area, ...] = ()
    stream_list: tuple[FundingStream, ...] = ()

    @cached_property
    def _ordered(self) -> tuple[PlanYear, ...]:
        return tuple(self.years[key] for key in sorted(self.years))

    @cached_property
    def _by_partnership(self) -> dict[str, tuple[PlanYear, ...]]:
        grouped: dict[str, list[PlanYear]] = {}
        for plan_year in self._ordered:  # sorted by (partnership, year)
            grouped.setdefault(plan_year.partnership, []).append(plan_year)
        return {pid: tuple(years) for pid, years in grouped.items()}

    @cached_property
    def _previous(self) -> dict[tuple[str, str], PlanYear]:
        return {
            later.key: earlier
            for years in self._by_partnership.values()
            for earlier, later in pairwise(years)
        }

    def years_of(self, partnership: str) -> list[PlanYear]:
        """A partnership's plan years, oldest first."""
        return list(self._by_partnership.get(partnership, ()))

    def all_years(self) -> list[str]:
        """Every financial year any partnership has, oldest first."""
        return sorted({year for _, year in self.years})

    def plan_years(self) -> Iterator[PlanYear]:
        """Every plan year, in a stable order (partnership, then year)."""
        return iter(self._ordered)

    def previous(self, plan_year: PlanYear) -> PlanYear | None:
        """The partnership's plan year before this one, if it has one."""
        return self._previous.get(plan_year.key)


def _parse(kind_name: str, source: SourceFile, problems: list[Problem]) -> BaseModel | None:
    kind = (
        REFERENCE_KINDS.get(kind_name)
        or YEAR_KINDS.get(kind_name)
        or (PARTNERSHIP_KIND if kind_name == PARTNERSHIP_KIND.name else None)
    )
    assert kind is not None, kind_name
    model, found = parse_document(kind, source.document)
    problems.extend(found)
    return model


def build_project(sources: Iterable[SourceFile]) -> tuple[Project | None, list[Problem]]:
    """Type every loaded file and assemble the project; None if any file does not fit.

    `sources` is read once, so it may be files still loading."""
    problems: list[Problem] = []
    documents: dict[str, Document] = {}
    reference: dict[str, Any] = {}
    reference_files: dict[str, str] = {}
    partnerships: dict[str, Partnership] = {}
    partnership_files: dict[str, str] = {}
    year_parts: dict[tuple[str, str], dict[str, BaseModel]] = {}
    year_files: dict[tuple[str, str], dict[str, str]] = {}
    for source in sources:
        documents[source.document.file] = replace(source.document, data=None)
        model = _parse(source.kind, source, problems)
        if model is None:
            continue
        if source.kind in REFERENCE_KINDS:
            reference[source.kind] = model
            reference_files[source.kind] = source.document.file
        elif source.kind == PARTNERSHIP_KIND.name:
            partnership = cast(Partnership, model)
            partnerships[cast(str, source.partnership)] = partnership
            partnership_files[cast(str, source.partnership)] = source.document.file
        else:
            key = (cast(str, source.partnership), cast(str, source.year))
            year_parts.setdefault(key, {})[source.kind] = model
            year_files.setdefault(key, {})[source.kind] = source.document.file
    if problems or not all(name in reference for name in REFERENCE_KINDS):
        return None, problems
    years = {}
    for key, parts in year_parts.items():
        if "plan" not in parts:
            continue  # reported by the loader as a missing plan.yml
        years[key] = PlanYear(key[0], key[1], files=year_files[key], **parts)  # type: ignore[arg-type]
    settings = cast(Settings, reference["settings"])
    organisations = cast(OrganisationsFile, reference["organisations"]).organisations
    areas = cast(AreasFile, reference["areas"]).areas
    streams = cast(FundingStreamsFile, reference["funding-streams"]).streams
    project = Project(
        settings=settings,
        organisations={o.id: o for o in organisations},
        areas={a.id: a for a in areas},
        streams={s.id: s for s in streams},
        partnerships=partnerships,
        years=years,
        documents=documents,
        partnership_files=partnership_files,
        reference_files=reference_files,
        organisation_list=tuple(organisations),
        area_list=tuple(areas),
        stream_list=tuple(streams),
    )
    return project, problems


__all__ = [
    "ActionsFile",
    "AssessmentFile",
    "ChangesFile",
    "FundingFile",
    "IndicatorsFile",
    "PlanYear",
    "Project",
    "ReviewFile",
    "RisksFile",
    "ServicesFile",
    "SourceFile",
    "build_project",
]
