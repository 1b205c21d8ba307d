"""The whole project as typed data: reference data, partnerships and their plan years."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import pairwise
from typing import Any, NamedTuple, TypeVar, cast

from pydantic import BaseModel

from generator.load import Document, SourceFile
from generator.load.cache import Marshalled
from generator.model.assessment import AssessmentFile
from generator.model.delivery import ActionsFile, ServicesFile
from generator.model.funding import FundingFile
from generator.model.kinds import (
    PARTNERSHIP_KIND,
    REFERENCE_KINDS,
    YEAR_KINDS,
    FileKind,
    parse_document,
)
from generator.model.partnership import Partnership, PlanFile
from generator.model.performance import IndicatorsFile
from generator.model.publication import PublicationFile
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


class Untyped(NamedTuple):
    """A file of a plan year not typed yet: its kind and its document, whose data are still
    `Marshalled` as the load cache keeps them."""

    kind: FileKind
    document: Document

    def typed(self) -> BaseModel:
        """The file's typed model. Only files of years whose validation is on record are left
        untyped (generator.validate.cache), so it types with no problem: one that did not
        would be a broken record, not a mistake in the file."""
        data = cast(Marshalled, self.document.data).load()
        model, problems = parse_document(self.kind, replace(self.document, data=data))
        if model is None or problems:
            raise RuntimeError(f"{self.document.file} was recorded as valid but does not type")
        return model


class Deferred(NamedTuple):
    """A part of a plan year worked out from another's when first read (e.g. the same file with
    its small counts suppressed: generator/compute/disclosure.py)."""

    make: Callable[[], BaseModel | None]

    def typed(self) -> BaseModel | None:
        return self.make()


_ABSENT: dict[str, BaseModel | None] = {
    "assessment": None,
    "actions": ActionsFile(),
    "indicators": IndicatorsFile(),
    "services": ServicesFile(),
    "funding": FundingFile(),
    "risks": RisksFile(),
    "review": None,
    "changes": ChangesFile(),
    "published": None,
}
"""What a plan year without a file of that kind reads (models are frozen, so one is shared)."""


KINDS = ("plan", *_ABSENT)
"""The parts of a plan year: a file kind each."""


def _part(kind: str) -> Any:
    def read(self: PlanYear) -> Any:
        value = self._parts.get(kind, _ABSENT.get(kind))
        if isinstance(value, Deferred):
            value = self._parts[kind] = value.typed()
        elif isinstance(value, Untyped):
            was_enabled = gc.isenabled()
            gc.disable()  # one collection after the file, not dozens while it is typed
            try:
                value = self._parts[kind] = value.typed()
            finally:
                if was_enabled:
                    gc.enable()
        return value

    read.__doc__ = f"The year's {kind}.yml, typed."
    return property(read)


class PlanYear:
    """Everything one partnership says about one financial year.

    A part may be given `Untyped`; it is typed the first time it is read (a rebuild after a
    one-plan edit reads a fraction of ten years of files)."""

    __slots__ = ("_parts", "files", "partnership", "year")

    def __init__(
        self,
        partnership: str,
        year: str,
        parts: Mapping[str, BaseModel | Untyped | Deferred | None],
        files: Mapping[str, str] | None = None,
    ) -> None:
        self.partnership = partnership
        self.year = year
        self.files: Mapping[str, str] = files if files is not None else {}
        """File name of each kind present, for locating problems."""
        self._parts = dict(parts)

    plan: PlanFile = _part("plan")
    assessment: AssessmentFile | None = _part("assessment")
    actions: ActionsFile = _part("actions")
    indicators: IndicatorsFile = _part("indicators")
    services: ServicesFile = _part("services")
    funding: FundingFile = _part("funding")
    risks: RisksFile = _part("risks")
    review: ReviewFile | None = _part("review")
    changes: ChangesFile = _part("changes")
    published: PublicationFile | None = _part("published")

    def __repr__(self) -> str:
        return f"PlanYear({self.partnership!r}, {self.year!r})"

    def __eq__(self, other: object) -> bool:
        """The same year of the same partnership from the same files, typed the same."""
        if not isinstance(other, PlanYear):
            return NotImplemented
        return (self.key, self.files) == (other.key, other.files) and all(
            getattr(self, kind) == getattr(other, kind) for kind in KINDS
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def untyped(self) -> list[str]:
        """The kinds of file not typed yet."""
        return [kind for kind, value in self._parts.items() if isinstance(value, Untyped)]

    @property
    def key(self) -> tuple[str, str]:
        return (self.partnership, self.year)

    @property
    def is_published(self) -> bool:
        """Whether the plan says it is published (or superseded by the next year's)."""
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
    previous_years: Mapping[tuple[str, str], PlanYear] | None = None
    """For a part of a project (see `part`): the previous plan year of each of its plan years,
    which may lie outside it."""
    partnership_years: Mapping[str, tuple[PlanYear, ...]] | None = None
    """For a part of a project: every plan year of each partnership, in it or not."""

    def part(self, years: Iterable[str]) -> Project:
        """The same project holding only the plan years of `years`; `previous` and `years_of`
        still answer from the whole project (a cut names the years it reduces, in or out)."""
        wanted = set(years)
        kept = {key: py for key, py in self.years.items() if key[1] in wanted}
        earlier = {key: self._previous[key] for key in kept if key in self._previous}
        return replace(self, years=kept, previous_years=earlier, partnership_years=self._whole)

    @cached_property
    def _ordered(self) -> tuple[PlanYear, ...]:
        return tuple(self.years[key] for key in sorted(self.years))

    @cached_property
    def _by_partnership(self) -> dict[str, tuple[PlanYear, ...]]:
        grouped: dict[str, list[PlanYear]] = {}
        for plan_year in self._ordered:  # sorted by (partnership, year)
            grouped.setdefault(plan_year.partnership, []).append(plan_year)
        return {pid: tuple(years) for pid, years in grouped.items()}

    @property
    def _whole(self) -> Mapping[str, tuple[PlanYear, ...]]:
        """Every plan year of each partnership: of the whole project, for a part of one."""
        return self.partnership_years or self._by_partnership

    @cached_property
    def _previous(self) -> dict[tuple[str, str], PlanYear]:
        if self.previous_years is not None:
            return dict(self.previous_years)
        return {
            later.key: earlier
            for years in self._by_partnership.values()
            for earlier, later in pairwise(years)
        }

    def years_of(self, partnership: str) -> list[PlanYear]:
        """A partnership's plan years, oldest first (of the whole project, for a part)."""
        return list(self._whole.get(partnership, ()))

    def all_years(self) -> list[str]:
        """Every financial year any partnership has, oldest first."""
        return sorted({year for _, year in self.years})

    def plan_years(self) -> Iterator[PlanYear]:
        """Every plan year, in a stable order (partnership, then year)."""
        return iter(self._ordered)

    def previous(self, plan_year: PlanYear) -> PlanYear | None:
        """The partnership's plan year before this one, if it has one."""
        return self._previous.get(plan_year.key)


def _kind(name: str) -> FileKind:
    kind = (
        REFERENCE_KINDS.get(name)
        or YEAR_KINDS.get(name)
        or (PARTNERSHIP_KIND if name == PARTNERSHIP_KIND.name else None)
    )
    assert kind is not None, name
    return kind


def _parse(kind_name: str, source: SourceFile, problems: list[Problem]) -> BaseModel | None:
    document = source.document
    if isinstance(document.data, Marshalled):
        document = replace(document, data=document.data.load())
    model, found = parse_document(_kind(kind_name), document)
    problems.extend(found)
    return model


def build_project(
    sources: Iterable[SourceFile],
    defer: Callable[[SourceFile], bool] | None = None,
    typed: dict[tuple[str, bytes], BaseModel] | None = None,
) -> tuple[Project | None, list[Problem]]:
    """Type every loaded file and assemble the project; None if any file does not fit.

    `sources` is read once, so it may be files still loading. A plan file whose data are still
    `Marshalled` and for which `defer` says so is left `Untyped`, to be typed when read: only
    for files known to type with no problem (generator.validate.cache). `typed` holds models
    already typed, by file name and content hash (models are frozen, so two projects may share
    them): a file found there is not typed again, and each file typed with no problem is added."""
    problems: list[Problem] = []
    documents: dict[str, Document] = {}
    reference: dict[str, Any] = {}
    reference_files: dict[str, str] = {}
    partnerships: dict[str, Partnership] = {}
    partnership_files: dict[str, str] = {}
    year_parts: dict[tuple[str, str], dict[str, BaseModel | Untyped]] = {}
    year_files: dict[tuple[str, str], dict[str, str]] = {}
    for source in sources:
        documents[source.document.file] = replace(source.document, data=None)
        if (
            source.kind in YEAR_KINDS
            and isinstance(source.document.data, Marshalled)
            and defer is not None
            and defer(source)
        ):
            key = (cast(str, source.partnership), cast(str, source.year))
            year_parts.setdefault(key, {})[source.kind] = Untyped(
                YEAR_KINDS[source.kind], source.document
            )
            year_files.setdefault(key, {})[source.kind] = source.document.file
            continue
        memo = (source.document.file, source.document.digest)
        model = typed.get(memo) if typed is not None and source.document.digest else None
        if model is None:
            before = len(problems)
            model = _parse(source.kind, source, problems)
            if model is None:
                continue
            if typed is not None and source.document.digest and len(problems) == before:
                typed[memo] = model
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
        years[key] = PlanYear(key[0], key[1], parts, files=year_files[key])
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
    "Deferred",
    "FundingFile",
    "IndicatorsFile",
    "PlanYear",
    "Project",
    "ReviewFile",
    "RisksFile",
    "ServicesFile",
    "SourceFile",
    "Untyped",
    "build_project",
]
