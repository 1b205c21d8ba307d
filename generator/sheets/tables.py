"""A plan year as the tables of its workbook: what each sheet shows, which columns an officer
may edit, and where each row stands in the YAML. Export writes these tables; import compares
an edited workbook with them, so both sides agree on every cell by construction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, get_args

from generator.model import PlanYear, Project
from generator.model.amounts import UnknownAmount
from generator.model.delivery import ActionStatus
from generator.model.performance import Actual, Figure, ValueStatus
from generator.model.review import RISK_DIMENSIONS, Rating
from generator.model.types import PartialDate
from generator.problems import FieldPath

Cell = str | Decimal | date | int | None
ACTION_STATUSES: tuple[str, ...] = get_args(ActionStatus)
FIGURE_WORDS: tuple[str, ...] = tuple(s for s in get_args(ValueStatus) if s != "reported")
QUARTERS = ("Q1", "Q2", "Q3", "Q4")


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, how its cells are typed, and whether it imports."""

    header: str
    width: int
    kind: str = "text"
    """text, number, money, date (a day or a partial date), status, figure (a number or
    one of FIGURE_WORDS)."""
    field: str = ""
    """The YAML field an editable column writes, named in messages."""
    editable: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    """One row: its identity (an id, or an action id and note number), its cells, and where
    its item stands in the YAML file (`path`, None for a row the import would add)."""

    key: str
    cells: tuple[Cell, ...]
    path: FieldPath | None


@dataclass(frozen=True)
class Table:
    """One sheet of the workbook."""

    name: str
    kind: str
    """The YAML file kind the sheet comes from (actions, indicators, ...)."""
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    new_rows: bool = False
    """Whether rows may be added (progress notes)."""

    @property
    def editable(self) -> bool:
        return any(column.editable for column in self.columns)


ABOUT = "About"
SHEETS = ("Actions", "Progress", "Indicators", "Services", "Risks", "Allocations")


def _when(value: PartialDate | None) -> Cell:
    """A day as a date cell; a month or a year as the text written in the YAML."""
    if value is None:
        return None
    if value.precision == "day":
        return value.earliest
    return value.isoformat()


def _ids(values: list[str]) -> Cell:
    return ", ".join(values) or None


def _amount(line: UnknownAmount, amount: Decimal | None) -> Cell:
    return amount if amount is not None else line.amount_status


def figure_cell(figure: Figure) -> Cell:
    """A quarter's figure: its number, or the word saying why there is none."""
    return figure.value if figure.value is not None else figure.status


def _rating(rating: Rating | None) -> Cell:
    return None if rating is None else f"{rating.likelihood} x {rating.impact}"


def quarter_actuals(actuals: list[Actual], quarter: str) -> list[int]:
    """The positions of a quarter's figures in an indicator's actuals."""
    return [i for i, actual in enumerate(actuals) if actual.quarter == quarter]


def actions_table(plan_year: PlanYear) -> Table:
    columns = (
        Column("ID", 22),
        Column("Title", 40),
        Column("Priority", 20),
        Column("Lead", 20),
        Column("Partners", 24),
        Column("Services", 20),
        Column("Milestones", 36),
        Column("Due", 12, "date", "due", editable=True),
        Column("Status", 14, "status", "status", editable=True, choices=ACTION_STATUSES),
    )
    rows = tuple(
        Row(
            action.id,
            (
                action.id,
                action.title,
                action.priority,
                action.lead,
                _ids(action.partners),
                _ids(action.services),
                "; ".join(f"{m.title} ({m.due.isoformat()}, {m.status})" for m in action.milestones)
                or None,
                _when(action.due),
                action.status,
            ),
            ("actions", i),
        )
        for i, action in enumerate(plan_year.actions.actions)
    )
    return Table("Actions", "actions", columns, rows)


def progress_table(plan_year: PlanYear) -> Table:
    columns = (
        Column("Action", 22, field="action"),
        Column("No.", 6, "number"),
        Column("Date", 12, "date", "date", editable=True),
        Column("Note", 60, field="note", editable=True),
    )
    rows = tuple(
        Row(
            f"{action.id} #{n + 1}",
            (action.id, n + 1, note.date, note.note),
            ("actions", i, "progress", n),
        )
        for i, action in enumerate(plan_year.actions.actions)
        for n, note in enumerate(action.progress)
    )
    return Table("Progress", "actions", columns, rows, new_rows=True)


def indicators_table(plan_year: PlanYear) -> Table:
    columns = (
        Column("ID", 22),
        Column("Title", 40),
        Column("Priority", 20),
        Column("Unit", 14),
        Column("Polarity", 16),
        Column("Baseline", 12, "number"),
        Column("Target", 12, "number"),
        *(Column(q, 12, "figure", "value", editable=True) for q in QUARTERS),
    )
    rows = []
    for i, indicator in enumerate(plan_year.indicators.indicators):
        target = indicator.target
        figures: list[Cell] = []
        for quarter in QUARTERS:
            found = quarter_actuals(indicator.actuals, quarter)
            figures.append(figure_cell(indicator.actuals[found[0]]) if found else None)
        rows.append(
            Row(
                indicator.id,
                (
                    indicator.id,
                    indicator.title,
                    indicator.priority,
                    indicator.unit,
                    indicator.polarity,
                    indicator.baseline.value if indicator.baseline else None,
                    (target.value if target.value is not None else target.comparator)
                    if target
                    else None,
                    *figures,
                ),
                ("indicators", i),
            )
        )
    return Table("Indicators", "indicators", columns, tuple(rows))


def services_table(plan_year: PlanYear) -> Table:
    columns = (
        Column("ID", 22),
        Column("Name", 40),
        Column("Status", 14),
        Column("Delivery model", 18),
        Column("Commissioners", 24),
        Column("Providers", 24),
        Column("Contract value", 16, "money"),
        Column("Contract ends", 14, "date"),
    )
    rows = []
    for i, service in enumerate(plan_year.services.services):
        contract = service.contract
        value: Cell = None
        if contract is not None:
            value = contract.value if contract.value is not None else contract.value_status
        rows.append(
            Row(
                service.id,
                (
                    service.id,
                    service.name,
                    service.status,
                    service.delivery_model,
                    _ids(service.commissioners),
                    _ids(service.providers),
                    value,
                    _when(contract.ends) if contract else None,
                ),
                ("services", i),
            )
        )
    return Table("Services", "services", columns, tuple(rows))


def risks_table(plan_year: PlanYear) -> Table:
    columns = (
        Column("ID", 22),
        Column("Service", 22),
        Column("Reason", 18),
        Column("Description", 48),
        Column("Owner", 20),
        *(Column(f"{d.capitalize()} (L x I)", 14) for d in RISK_DIMENSIONS),
    )
    rows = tuple(
        Row(
            risk.id,
            (
                risk.id,
                risk.service,
                risk.reason,
                risk.description,
                risk.owner,
                *(_rating(getattr(risk, d)) for d in RISK_DIMENSIONS),
            ),
            ("risks", i),
        )
        for i, risk in enumerate(plan_year.risks.risks)
    )
    return Table("Risks", "risks", columns, rows)


def allocations_table(plan_year: PlanYear) -> Table:
    columns = (
        Column("ID", 22),
        Column("Stream", 22),
        Column("Title", 30),
        Column("Method", 14),
        Column("Recipient", 22),
        Column("Amount", 16, "money"),
        Column("Note", 40),
    )
    rows = tuple(
        Row(
            line.id,
            (
                line.id,
                line.stream,
                line.title,
                line.method,
                line.recipient,
                _amount(line, line.amount)
                if line.method != "formula"
                else f"formula {line.formula}",
                line.note,
            ),
            ("allocations", i),
        )
        for i, line in enumerate(plan_year.funding.allocations)
    )
    return Table("Allocations", "funding", columns, rows)


def plan_year_tables(plan_year: PlanYear) -> tuple[Table, ...]:
    """The workbook's sheets for a plan year, in order (`SHEETS`)."""
    return (
        actions_table(plan_year),
        progress_table(plan_year),
        indicators_table(plan_year),
        services_table(plan_year),
        risks_table(plan_year),
        allocations_table(plan_year),
    )


EDITED_KINDS = ("actions", "indicators")
"""The files an import may write."""
VERSION = "Exported from"


def files_version(project: Project, plan_year: PlanYear) -> str:
    """A short digest of the files an import may write, as they were when exported: an import
    of an older workbook would undo what changed since, so it is refused."""
    digest = hashlib.sha256()
    for kind in EDITED_KINDS:
        name = plan_year.files.get(kind, "")
        digest.update(project.documents[name].digest if name in project.documents else b"-")
    return digest.hexdigest()[:16]


def about_rows(project: Project, plan_year: PlanYear) -> tuple[tuple[str, Any], ...]:
    """The About sheet: which plan year the workbook holds, and from which version of its
    files (read back by the import)."""
    partnership = project.partnerships[plan_year.partnership]
    return (
        ("Partnership", plan_year.partnership),
        ("Name", partnership.name),
        ("Year", plan_year.year),
        (VERSION, files_version(project, plan_year)),
    )
