"""The eight files of one synthetic plan year: plan, assessment, actions, indicators, services,
funding, risks and (every year but the newest) the annual review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bench.layout import (
    HISTORY_START,
    NEWEST_START,
    PROVIDERS,
    Layout,
    PccMoney,
    Who,
    council,
    council_stream,
    csp_id,
    csp_money,
    financial_years,
    formula_id,
    pcc_money,
    pounds,
    provider,
    rng,
    start_of,
    strategy_title,
)
from bench.yaml_text import Doc, to_yaml
from generator.model.delivery import PATHWAYS

THEMES = (
    ("domestic-abuse", "Domestic abuse", "domestic-abuse"),
    ("serious-violence", "Serious violence", "violent-crime"),
    ("anti-social-behaviour", "Anti-social behaviour", "anti-social-behaviour"),
    ("drug-related-harm", "Drug-related harm", "drugs"),
    ("reducing-reoffending", "Reducing reoffending", "reoffending"),
    ("neighbourhood-crime", "Neighbourhood crime", "burglary"),
    ("exploitation", "Exploitation of children and young people", "exploitation"),
    ("hate-crime", "Hate crime and community cohesion", "hate-crime"),
    ("road-safety", "Road safety", "road-casualties"),
    ("retail-crime", "Retail crime", "shoplifting"),
)
THEME_TITLES = {tid: title for tid, title, _ in THEMES}
THEME_CATEGORIES = {tid: category for tid, _, category in THEMES}
CRITERIA = (
    ("threat", "Threat"),
    ("risk", "Risk"),
    ("harm", "Harm"),
    ("vulnerability", "Vulnerability"),
    ("capacity", "Capacity to act"),
)
ACTION_VERBS = (
    "Review",
    "Extend",
    "Pilot",
    "Commission",
    "Evaluate",
    "Train staff in",
    "Publish",
    "Map",
    "Expand",
    "Co-locate",
)
ACTION_OBJECTS = (
    "the referral pathway",
    "multi-agency case conferences",
    "the victim support offer",
    "problem-solving patrols",
    "school sessions",
    "the data-sharing agreement",
    "outreach in town centres",
    "the diversion scheme",
    "the problem-solving panel",
    "the community trigger process",
)
SERVICE_KINDS = (
    ("idva", "independent domestic violence advisers"),
    ("youth-diversion", "youth diversion programme"),
    ("asb-case-management", "ASB case management"),
    ("drug-intervention", "drug intervention service"),
    ("street-pastors", "street pastors"),
    ("target-hardening", "target hardening for repeat victims"),
    ("prison-leaver-housing", "housing support for prison leavers"),
    ("hate-crime-reporting", "hate crime reporting centres"),
    ("night-time-marshals", "night-time economy marshals"),
    ("knife-crime-education", "knife crime education"),
    ("restorative-justice", "restorative justice"),
    ("cctv-monitoring", "CCTV monitoring"),
    ("exploitation-navigators", "exploitation navigators"),
    ("mentoring", "mentoring for young people"),
)
MODELS = ("in-house", "contract", "grant", "contract", "joint-commissioning", "grant")


def priority_sets(seed: int, who: Who, years: Sequence[str]) -> dict[str, list[str]]:
    """Five priorities a year, mostly kept from year to year, now and then one swapped.

    The history starts in a fixed year, so a year's priorities do not depend on how many
    years are generated.
    """
    r = rng(seed, who.id, "priorities")
    themes = [tid for tid, _, _ in THEMES]
    current = r.sample(themes, 5)
    sets: dict[str, list[str]] = {}
    for year in financial_years(NEWEST_START - HISTORY_START + 1):
        if year != f"{HISTORY_START}-{(HISTORY_START + 1) % 100:02d}" and r.random() < 0.2:
            out = r.randrange(5)
            current = [*current[:out], *current[out + 1 :]]
            current.append(r.choice([t for t in themes if t not in current]))
        sets[year] = list(current)
    return {year: sets[year] for year in years}


@dataclass(frozen=True)
class Measures:
    """Objectives and indicators of a priority: fixed per partnership, so trends line up."""

    objectives: tuple[tuple[str, tuple[str, ...]], ...]


def measures(seed: int, who: Who, theme: str) -> Measures:
    r = rng(seed, who.id, "measures", theme)
    objectives = []
    for j in range(r.choice((1, 2))):
        indicators = tuple(f"{theme}-indicator-{j + 1}{k + 1}" for k in range(r.choice((1, 2))))
        objectives.append((f"{theme}-objective-{j + 1}", indicators))
    return Measures(tuple(objectives))


def service_set(seed: int, who: Who) -> list[tuple[str, str]]:
    r = rng(seed, who.id, "services")
    return r.sample(SERVICE_KINDS, r.choice((9, 10, 10, 11)))


class PlanYearWriter:
    """Builds the eight files of one partnership's year."""

    def __init__(
        self, layout: Layout, who: Who, year: str, themes: list[str], previous: list[str] | None
    ) -> None:
        self.layout = layout
        self.who = who
        self.year = year
        self.previous = previous
        self.r = rng(layout.seed, who.id, year)
        self.start = start_of(year)
        self.end = date(self.start.year + 1, 3, 31)
        self.newest = year == layout.years[-1]
        self.themes = themes
        self.measures = {t: measures(layout.seed, who, t) for t in self.themes}
        self.services = service_set(layout.seed, who)
        self.money = csp_money(layout.seed, who.number, year) if who.number else None
        self.pcc = pcc_money(layout.seed, who.area, year) if who.number is None else None

    def day(self, earliest: int = 0, latest: int = 364) -> date:
        """A day of the year, `earliest` to `latest` days after 1 April."""
        return self.start + timedelta(days=self.r.randint(earliest, latest))

    def files(self) -> dict[str, str]:
        docs = {
            "plan": self.plan(),
            "assessment": self.assessment(),
            "actions": self.actions(),
            "indicators": self.indicators(),
            "services": self.services_file(),
            "funding": self.funding(),
            "risks": self.risks(),
        }
        if not self.newest:
            docs["review"] = self.review(docs["indicators"], docs["funding"])
        return {f"{kind}.yml": to_yaml(doc) for kind, doc in docs.items()}

    # plan.yml and assessment.yml

    def not_adopted(self) -> str:
        return next(t for t, _, _ in THEMES if t not in self.themes)

    def plan(self) -> Doc:
        who = self.who
        priorities = []
        for index, theme in enumerate(self.themes):
            priorities.append(
                {
                    "id": theme,
                    "title": THEME_TITLES[theme],
                    "tier": "core" if index < 4 else "cross-cutting",
                    "rationale": (
                        f"The assessment found {THEME_TITLES[theme].lower()} among the highest "
                        f"harms in the area in {self.year}."
                    ),
                    "findings": [f"finding-{theme}"],
                    "leads": [who.lead_orgs[index % 5]],
                    "objectives": [
                        {
                            "id": oid,
                            "title": f"Synthetic objective {oid[-1]} for "
                            f"{THEME_TITLES[theme].lower()}",
                            "pursued_by": [who.host, who.area.org("police")],
                            "indicators": list(indicators),
                        }
                        for oid, indicators in self.measures[theme].objectives
                    ],
                    "scores": {cid: self.r.randint(2, 5) for cid, _ in CRITERIA},
                    "continues": [theme] if self.previous and theme in self.previous else [],
                }
            )
        return {
            "year": self.year,
            "title": strategy_title(who, self.year),
            "status": "approved" if self.newest else "published",
            "summary": f"The {self.year} plan of {who.name}, an invented partnership.",
            "approval": {
                "body": f"{who.name} board",
                "date": date(self.start.year, 3, 10),
                "reference": f"SYN-{self.year}-01",
            },
            "sent_to_pcc": date(self.start.year, 3, 24) if who.kind == "csp" else None,
            "meetings": [
                {"date": self.day(40, 60), "title": "Annual public meeting", "public": True},
                {"date": self.day(150, 170), "title": "Partnership board"},
                {"date": self.day(290, 310), "title": "Partnership board"},
            ],
            "selection": {
                "name": "Threat, risk, harm and vulnerability scoring",
                "criteria": [{"id": cid, "title": title} for cid, title in CRITERIA],
            },
            "priorities": priorities,
            "not_adopted": [
                {
                    "finding": f"finding-{self.not_adopted()}",
                    "decision": "Not adopted this year: other partners lead on it.",
                }
            ],
        }

    def assessment(self) -> Doc:
        sources = [
            ("police-recorded-crime", "Police recorded crime", self.who.area.org("police")),
            ("health-data", "Health service data", self.who.area.org("icb")),
            ("residents-survey", "Residents survey", self.who.host),
            ("probation-data", "Proven reoffending statistics", self.who.area.org("probation")),
        ]
        themes = [*self.themes, self.not_adopted()]
        population = self.money.population if self.money else 500_000
        statistics = []
        for theme in themes:
            count = self.r.randint(200, 9000)
            statistics.append(
                {
                    "category": THEME_CATEGORIES[theme],
                    "period": f"year to September {self.start.year - 1}",
                    "count": count,
                    "previous_count": int(count * self.r.uniform(0.85, 1.15)),
                    "rate_per_1000": Decimal(count * 100_000 // population).scaleb(-2),
                    "source": "police-recorded-crime",
                }
            )
        return {
            "title": f"Synthetic strategic assessment {self.start.year - 1}",
            "period": {
                "start": date(self.start.year - 2, 10, 1),
                "end": date(self.start.year - 1, 9, 30),
            },
            "published": date(self.start.year - 1, 12, 1),
            "method": "Invented figures for the benchmark, scored likelihood by impact.",
            "sources": [
                {"id": sid, "title": title, "publisher": f"Synthetic publisher ({org})"}
                for sid, title, org in sources
            ],
            "statistics": statistics,
            "findings": [
                {
                    "id": f"finding-{theme}",
                    "title": f"{THEME_TITLES[theme]} remains a high harm",
                    "summary": f"Synthetic finding on {THEME_TITLES[theme].lower()}.",
                    "sources": [sources[i % 4][0] for i in range(self.r.randint(1, 2))],
                    "likelihood": self.r.randint(2, 5),
                    "impact": self.r.randint(2, 5),
                }
                for theme in themes
            ],
        }

    # actions.yml

    def actions(self) -> Doc:
        r = self.r
        service_ids = [sid for sid, _ in self.services]
        items = []
        for theme in self.themes:
            objectives = [oid for oid, _ in self.measures[theme].objectives]
            for k in range(r.randint(8, 12)):
                due = self.day(90, 364)
                span = (due - self.start).days
                milestones = sorted(self.day(10, span) for _ in range(r.randint(2, 3)))
                items.append(
                    {
                        "id": f"{theme}-{k + 1:02d}",
                        "priority": theme,
                        "objective": objectives[k % len(objectives)],
                        "title": f"{r.choice(ACTION_VERBS)} {r.choice(ACTION_OBJECTS)} "
                        f"(synthetic action {k + 1})",
                        "description": "An invented action for the benchmark.",
                        "lead": r.choice(self.who.lead_orgs),
                        "partners": [provider(self.who.area, r.randrange(len(PROVIDERS)))],
                        "due": due,
                        "status": r.choice(
                            ("on-track", "on-track", "at-risk", "not-started", "complete")
                            if self.newest
                            else ("complete", "complete", "complete", "off-track", "at-risk")
                        ),
                        "milestones": [
                            {
                                "title": f"Synthetic milestone {m + 1}",
                                "due": day,
                                "status": "scheduled"
                                if self.newest
                                else r.choice(("met", "met", "not-met", "partially-met")),
                            }
                            for m, day in enumerate(milestones)
                        ],
                        "funding": [
                            {
                                "stream": self.local_stream(),
                                "amount": pounds(r.randint(1, 20) * 100_000),
                            }
                        ]
                        if k % 5 == 0
                        else [],
                        "services": [r.choice(service_ids)] if k % 4 == 0 else [],
                        "progress": [
                            {"date": day, "note": f"Synthetic progress note {p + 1}."}
                            for p, day in enumerate(sorted(self.day(30, 360) for _ in range(2)))
                        ],
                    }
                )
        return {"actions": items}

    # indicators.yml

    def quarters(self, baseline: Decimal, step: Decimal) -> list[Decimal]:
        return [baseline + step * (q + 1) for q in range(4)]

    def indicator_values(self, ident: str) -> tuple[str, str, Decimal, Decimal, list[Decimal]]:
        """Unit, polarity, baseline, target and four quarterly values of an indicator."""
        r = rng(self.layout.seed, self.who.id, ident)  # stable across years: a readable trend
        unit = r.choice(("count", "rate", "percent"))
        polarity = r.choice(("lower-is-better", "higher-is-better"))
        sign = -1 if polarity == "lower-is-better" else 1
        shift = (int(self.year[:4]) - NEWEST_START) * r.randint(1, 5)
        if unit == "count":
            base = Decimal(r.randint(200, 5000) + shift * 10)
            target = base + sign * Decimal(r.randint(5, 60))
            step = sign * Decimal(self.r.randint(-5, 20))
        else:
            base = Decimal(r.randint(100, 700) + shift).scaleb(-1)
            target = base + sign * Decimal(r.randint(5, 30)).scaleb(-1)
            step = sign * Decimal(self.r.randint(-3, 10)).scaleb(-1)
        return unit, polarity, base, target, self.quarters(base, step)

    def indicators(self) -> Doc:
        items = []
        for theme in self.themes:
            for oid, indicators in self.measures[theme].objectives:
                for ident in indicators:
                    unit, polarity, base, target, values = self.indicator_values(ident)
                    reported = 2 if self.newest else 4
                    items.append(
                        {
                            "id": ident,
                            "title": f"Synthetic measure {ident[-2:]} of "
                            f"{THEME_TITLES[theme].lower()}",
                            "priority": theme,
                            "description": f"Measures objective {oid}; invented figures.",
                            "unit": unit,
                            "polarity": polarity,
                            "baseline": {"value": base, "period": self.previous_label()},
                            "target": {"value": target},
                            "actuals": [
                                {"quarter": f"Q{q + 1}", "value": values[q]}
                                if q < reported
                                else {"quarter": f"Q{q + 1}", "status": "not-yet-available"}
                                for q in range(4)
                            ],
                            "source": "Synthetic data source",
                        }
                    )
        return {"indicators": items}

    def previous_label(self) -> str:
        first = self.start.year - 1
        return f"{first}/{(first + 1) % 100:02d}"

    # services.yml

    def local_stream(self) -> str:
        return council_stream(self.who.number) if self.who.number else "synthetic-victims-grant"

    def service_streams(self) -> list[str]:
        if self.money is None:
            return [self.who.area.org("csf"), "synthetic-victims-grant"]
        streams = [self.who.area.org("csf"), self.local_stream()]
        if self.money.violence_grant:
            streams.append("synthetic-violence-grant")
        return streams

    def budget(self) -> int:
        """Roughly what the partnership has to spend on services, in pence."""
        if self.money is None:
            assert self.pcc is not None
            return self.pcc.retained + self.pcc.victims_grant
        m = self.money
        csf = (self.pcc_share() or 0) + (m.pcc_central or 0)
        return csf + m.council_budget + (m.violence_grant or 0) + (m.icb or 0)

    def pcc_share(self) -> int | None:
        if self.who.number is None:
            return None
        pot = pcc_money(self.layout.seed, self.who.area, self.year).formula_pot
        return pot // len(self.who.area.csps)

    def services_file(self) -> Doc:
        r, who = self.r, self.who
        budget = self.budget() * 3 // 4
        streams = self.service_streams()
        commissioner = who.host
        items = []
        for index, (sid, label) in enumerate(self.services):
            model = MODELS[index % len(MODELS)]
            if index == 1 and self.money is not None and self.money.pcc_central:
                model = "on-behalf-of-pcc"
            amount = budget // len(self.services) // 100 * 100
            lines = [streams[index % len(streams)]]
            if index % 3 == 0:
                lines.append(streams[(index + 1) % len(streams)])
            funding = [
                {"stream": stream, "amount": pounds(amount // len(lines) // 100 * 100)}
                for stream in lines
            ]
            service: Doc = {
                "id": sid,
                "name": f"Synthetic {label} ({who.name})",
                "description": f"An invented {label} service for the benchmark.",
                "priorities": r.sample(self.themes, r.choice((1, 2))),
                "commissioners": [commissioner],
                "make_or_buy": "make" if model == "in-house" else "buy",
                "make_or_buy_rationale": "Synthetic rationale: compared cost and quality.",
                "delivery_model": model,
                "providers": [] if model == "in-house" else [provider(who.area, index % 6)],
                "procurement": {
                    "route": {
                        "in-house": "in-house",
                        "contract": "open-tender",
                        "grant": "grant-round",
                        "joint-commissioning": "restricted-tender",
                        "on-behalf-of-pcc": "direct-award",
                    }[model],
                    "reference": f"SYN/{self.year}/{index + 1:03d}",
                },
                "contract": None
                if model == "in-house"
                else {
                    "value": pounds(amount * 3),
                    "starts": date(self.start.year - index % 3, 4, 1),
                    "ends": date(self.start.year + 1 + index % 2, 3, 31),
                },
                "funding": funding,
                "pathways": sorted(r.sample(PATHWAYS, r.randint(0, 3)), key=PATHWAYS.index),
                "status": "ending" if index == 4 else "active",
                "decisions": [
                    {
                        "reference": f"SYN/DEC/{self.year}/{index + 1:03d}",
                        "date": date(self.start.year, 2, 10 + index),
                        "decision_maker": f"{who.name} board",
                        "summary": f"Fund the {label} for {self.year}.",
                    }
                ],
            }
            if model == "on-behalf-of-pcc":
                service["on_behalf_of"] = who.area.pcc
                service["contract"] = {
                    "value_withheld": "Commercially confidential until the contract ends."
                }
            if model == "joint-commissioning":
                service["commissioners"] = [commissioner, who.area.org("icb")]
                service["budget"] = "pooled"
                service["joint"] = {
                    "host": commissioner,
                    "agreement": f"Synthetic section 75 agreement {self.year}",
                    "contributions": [
                        {"organisation": commissioner, "amount": pounds(amount // 2)},
                        {"organisation": who.area.org("icb"), "amount": pounds(amount // 2)},
                    ],
                }
            items.append(service)
        return {"services": items}

    # funding.yml

    def funding(self) -> Doc:
        who = self.who
        if self.money is None:
            assert self.pcc is not None
            return self.pcc_funding(self.pcc)
        m = self.money
        allocations: list[Doc] = [
            {
                "id": "community-safety-fund",
                "stream": who.area.org("csf"),
                "method": "formula",
                "formula": formula_id(who.area, self.year),
                "recipient": who.host,
            },
            {
                "id": "council-base-budget",
                "stream": self.local_stream(),
                "method": "discretionary",
                "amount": pounds(m.council_budget),
            },
        ]
        if m.pcc_central:
            allocations.append(
                {
                    "id": "pcc-central",
                    "stream": who.area.org("csf"),
                    "method": "discretionary",
                    "amount": pounds(m.pcc_central),
                    "note": "From the PCC's central pot for a service commissioned on its behalf.",
                }
            )
        if m.violence_grant:
            allocations.append(
                {
                    "id": "serious-violence-grant",
                    "stream": "synthetic-violence-grant",
                    "method": "bid",
                    "amount": pounds(m.violence_grant),
                }
            )
        if m.icb:
            allocations.append(
                {
                    "id": "icb-contribution",
                    "stream": who.area.org("icb-fund"),
                    "method": "passported",
                    "amount": pounds(m.icb),
                    "recipient": who.host,
                }
            )
        return {"allocations": allocations}

    def pcc_funding(self, money: PccMoney) -> Doc:
        area, seed = self.who.area, self.layout.seed
        recipients = []
        for number in area.csps:
            inputs = csp_money(seed, number, self.year)
            recipients.append(
                {
                    "partnership": csp_id(number),
                    "paid_to": council(number),
                    "inputs": {
                        "population": inputs.population,
                        "recorded-crime": inputs.recorded_crime,
                        "non-crime-demand": inputs.non_crime_demand,
                    },
                }
            )
        return {
            "allocations": [
                {
                    "id": "csf-retained",
                    "stream": area.org("csf"),
                    "method": "retained",
                    "amount": pounds(money.retained),
                    "note": "Kept centrally for area-wide services.",
                },
                {
                    "id": "victims-grant",
                    "stream": "synthetic-victims-grant",
                    "method": "bid",
                    "amount": pounds(money.victims_grant),
                },
            ],
            "formulas": [
                {
                    "id": formula_id(area, self.year),
                    "title": f"Synthetic community safety fund formula {self.year}",
                    "stream": area.org("csf"),
                    "pot": pounds(money.formula_pot),
                    "criteria": [
                        {
                            "id": "population",
                            "title": "Resident population",
                            "weight": Decimal("0.5"),
                        },
                        {
                            "id": "recorded-crime",
                            "title": "Recorded crime",
                            "weight": Decimal("0.25"),
                        },
                        {
                            "id": "non-crime-demand",
                            "title": "Non-crime demand",
                            "weight": Decimal("0.25"),
                        },
                    ],
                    "recipients": recipients,
                    "description": "Shares worked out to the penny by the largest remainder.",
                }
            ],
            "central_pot": f"Synthetic community safety officers' group {area.code}",
        }

    # risks.yml and review.yml

    def risks(self) -> Doc:
        r = self.r
        chosen = r.sample([sid for sid, _ in self.services], 4)

        def rating() -> Doc:
            return {"likelihood": r.randint(1, 5), "impact": r.randint(1, 5)}

        return {
            "risks": [
                {
                    "id": f"risk-{sid}",
                    "service": sid,
                    "reason": r.choice(("funding-ends", "priority-dropped", "poor-performance")),
                    "description": "Synthetic risk of decommissioning the service.",
                    "harm": rating(),
                    "vulnerability": rating(),
                    "crime": rating(),
                    "reputation": rating(),
                    "mitigations": ["Seek other funding.", "Plan an orderly exit."],
                    "owner": self.who.host,
                    "recommendation": r.choice(("continue", "recommission", "seek-other-funding")),
                }
                for sid in chosen
            ]
        }

    def review(self, indicators: Doc, funding: Doc) -> Doc:
        r = self.r
        spend = []
        for alloc in funding["allocations"]:
            amount = alloc.get("amount")
            if amount is None:
                amount = pounds(self.pcc_share() or 0)
            spent = (amount * Decimal(r.randint(85, 100)) / 100).quantize(Decimal("0.01"))
            spend.append({"stream": alloc["stream"], "spent": spent})
        merged: dict[str, Decimal] = {}
        for line in spend:
            merged[line["stream"]] = merged.get(line["stream"], Decimal(0)) + line["spent"]
        return {
            "approved": date(self.start.year + 1, 7, 10),
            "approved_by": f"{self.who.name} board",
            "summary": f"The annual review of {self.year}: invented outcomes.",
            "priorities": [
                {"priority": theme, "narrative": f"Synthetic narrative for {theme}."}
                for theme in self.themes
            ],
            "outturns": [
                {"indicator": item["id"], "value": item["actuals"][-1]["value"]}
                for item in indicators["indicators"]
            ],
            "services": [
                {
                    "service": sid,
                    "decision": r.choice(("continue", "continue", "extend", "recommission")),
                    "rationale": "Synthetic rationale from the year's performance.",
                    "effective": date(self.start.year + 1, 4, 1),
                }
                for sid, _ in self.services
            ],
            "spend": [{"stream": s, "spent": amount} for s, amount in merged.items()],
            "lessons": ["Synthetic lesson one.", "Synthetic lesson two."],
        }
