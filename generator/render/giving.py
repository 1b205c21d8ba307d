"""The year's grants as 360Giving data (https://standard.threesixtygiving.org): the shares of
the formulas a partnership runs (a PCC's community safety fund, passported to the partnerships
of its area) and the services it funds by grant.

A grant is published only when it has what the standard requires and the plans say: an amount
(an unknown amount is never £0), one recipient organisation, and the date of the decision (the
approval of the plan that made it). What is left out is listed, with why, on the data page.

Organisations are identified as 360Giving advises for bodies without a registered number the
publisher knows: the publisher's 360Giving prefix and its own identifier
(`<giving_prefix>-org-<organisation id>`); grants as `<giving_prefix>-<partnership>-<year>-...`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.compute.facts import PlanYearFacts
from generator.model import Project

FILE_SUFFIX = "360giving.json"


@dataclass(frozen=True)
class LeftOut:
    """A grant of the year not in the 360Giving file, and why."""

    title: str
    reason: str


@dataclass(frozen=True)
class Grants:
    """A plan year's 360Giving package (None when it has no grant to publish) and the grants
    it leaves out."""

    package: dict[str, Any] | None
    left_out: tuple[LeftOut, ...]

    def file(self) -> bytes | None:
        if self.package is None:
            return None
        text = json.dumps(self.package, indent=2, sort_keys=True, ensure_ascii=False)
        return (text + "\n").encode("utf-8")


def _number(amount: Decimal) -> int | float:
    """A JSON number, as the standard asks: whole pounds as integers, pence as decimals."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _organisation(project: Project, prefix: str, org_id: str) -> dict[str, Any]:
    org = project.organisations.get(org_id)
    found: dict[str, Any] = {"id": f"{prefix}-org-{org_id}", "name": org.name if org else org_id}
    if org is not None and org.url is not None and org.url.startswith(("https://", "http://")):
        found["url"] = org.url
    return found


def plan_year_grants(project: Project, facts: PlanYearFacts) -> Grants:
    """The grants a partnership made in the year, as a 360Giving package."""
    py = facts.plan_year
    settings = project.settings
    prefix = settings.giving_prefix
    partnership = project.partnerships[py.partnership]
    approval = py.plan.approval
    label = py.year.replace("-", "/")
    grants: list[dict[str, Any]] = []
    left_out: list[LeftOut] = []

    def grant(
        key: str, title: str, description: str, amount: Decimal | None, funder: str | None,
        recipient: str | None, programme: tuple[str, str] | None = None,
    ) -> None:  # fmt: skip
        reason = (
            "its amount is not known" if amount is None
            else "no organisation is recorded as receiving it" if recipient is None
            else "no organisation is recorded as paying it" if funder is None
            else "the plan that made it has no approval date" if approval is None
            else None
        )  # fmt: skip
        if reason is not None:
            left_out.append(LeftOut(title, reason))
            return
        assert amount is not None and recipient is not None and funder is not None
        assert approval is not None
        record: dict[str, Any] = {
            "id": f"{prefix}-{py.partnership}-{py.year}-{key}",
            "title": title,
            "description": description,
            "currency": "GBP",
            "amountAwarded": _number(amount),
            "awardDate": approval.date.isoformat(),
            "plannedDates": [
                {"startDate": f"{py.start_year}-04-01", "endDate": f"{py.start_year + 1}-03-31"}
            ],
            "recipientOrganization": [_organisation(project, prefix, recipient)],
            "fundingOrganization": [_organisation(project, prefix, funder)],
        }
        if programme is not None:
            code, name = programme
            record["grantProgramme"] = [{"code": f"{prefix}-{code}", "title": name}]
        grants.append(record)

    for formula in facts.formulas:
        stream = project.streams.get(formula.formula.stream)
        funder = stream.funder if stream is not None else None
        for row in formula.rows:
            receiving = row.paid_to or row.organisation
            owner = project.partnerships.get(row.partnership or "")
            if receiving is None and owner is not None:
                receiving = owner.host
            org = project.organisations.get(receiving or "")
            name = owner.name if owner else org.name if org else row.key
            grant(
                f"{formula.formula.id}-{row.key}",
                f"{formula.formula.title}: {name}",
                f"{name}'s share of {formula.formula.title}, shared out on a formula.",
                row.received, funder, receiving, (formula.formula.id, formula.formula.title),
            )  # fmt: skip
    for sf in facts.services:
        service = sf.service
        if service.delivery_model != "grant":
            continue
        if len(service.providers) != 1:
            left_out.append(
                LeftOut(
                    service.name,
                    "it names no provider"
                    if not service.providers
                    else "it names several providers and not each one's share",
                )
            )
            continue
        this_year = [f for f in service.funding if (f.year or py.year) == py.year]
        known = sf.funding_total if this_year and sf.funding_unknown == 0 else None
        grant(
            service.id, service.name,
            f"Grant for {service.name}, commissioned by {partnership.name}, {label}.",
            known, service.commissioners[0], service.providers[0],
        )  # fmt: skip
    if not grants:
        return Grants(None, tuple(left_out))
    package: dict[str, Any] = {
        "grants": grants,
        "license": settings.licence.url,
        "publisher": {"name": settings.title},
        "title": f"Grants of {partnership.name}, {label}",
        "description": (
            f"Grants made by {partnership.name} in {label}, from its plan."
            + (" Fictional data: every organisation and figure is invented." * settings.fictional)
            + f" Organisation identifiers use the prefix {prefix}-org-, not a public register."
        ),
    }
    return Grants(package, tuple(left_out))
