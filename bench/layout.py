"""Who exists in a synthetic project, and the money each of them has: pure functions of the seed.

Money is worked out from (seed, who, year) alone, so the funding streams' pots can be sized
without writing a single plan, and plans can be written in any order or process.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

NEWEST_START = 2026
"""First calendar year of the newest financial year generated (2026-27)."""
HISTORY_START = 2000
"""Generated years may go back to 2000-01."""
CSPS_PER_AREA = 8
AREAS_PER_REGION = 5
"""England's nine regions and Wales hold 43 police force areas: about five a region."""


@dataclass(frozen=True)
class Area:
    """A synthetic police force area: its number and the numbers of its CSPs."""

    number: int
    csps: tuple[int, ...]
    width: int

    @property
    def code(self) -> str:
        return f"{self.number:0{self.width}d}"

    @property
    def id(self) -> str:
        return f"synthetic-area-{self.code}"

    @property
    def pcc(self) -> str:
        """The PCC partnership's id."""
        return f"synthetic-pcc-{self.code}"

    def org(self, kind: str) -> str:
        return f"synthetic-{kind}-{self.code}"

    @property
    def region(self) -> str:
        """The synthetic region the area is grouped under: areas 1-5 in region 1, and so on."""
        return f"Synthetic Region {(self.number - 1) // AREAS_PER_REGION + 1:02d}"


@dataclass(frozen=True)
class Layout:
    """Who exists: areas, CSPs and years, all derived from the command-line sizes."""

    partnerships: int
    years: tuple[str, ...]
    seed: int

    @functools.cached_property
    def areas(self) -> tuple[Area, ...]:
        count = math.ceil(self.partnerships / CSPS_PER_AREA)
        width = max(2, len(str(count)))
        base, extra = divmod(self.partnerships, count)
        areas, first = [], 1
        for index in range(count):
            size = base + (1 if index < extra else 0)
            areas.append(Area(index + 1, tuple(range(first, first + size)), width))
            first += size
        return tuple(areas)

    @property
    def plan_years(self) -> int:
        return (self.partnerships + len(self.areas)) * len(self.years)


def financial_years(count: int) -> tuple[str, ...]:
    """The `count` financial years ending with the current one, oldest first."""
    first = NEWEST_START - count + 1
    return tuple(f"{start}-{(start + 1) % 100:02d}" for start in range(first, NEWEST_START + 1))


def csp_id(number: int) -> str:
    return f"synthetic-csp-{number:04d}"


def csp_name(number: int) -> str:
    return f"Synthetic CSP {number:04d}"


def council(number: int) -> str:
    return f"synthetic-council-{number:04d}"


def council_stream(number: int) -> str:
    return f"synthetic-council-budget-{number:04d}"


def formula_id(area: Area, year: str) -> str:
    return f"synthetic-csf-formula-{area.code}-{year}"


def rng(seed: int, *parts: object) -> random.Random:
    """A generator seeded by text: the same parts give the same numbers on any run or machine."""
    return random.Random("/".join(str(part) for part in (seed, *parts)))


def start_of(year: str) -> date:
    return date(int(year[:4]), 4, 1)


def pounds(pence: int) -> Decimal:
    return Decimal(pence).scaleb(-2)


# ---------------------------------------------------------------------------------------------
# Money: pure functions of (seed, who, year), so pots can be sized without writing any plan


@dataclass(frozen=True)
class CspMoney:
    """What one CSP receives in one year, in pence (None: it does not get that money)."""

    population: int
    recorded_crime: int
    non_crime_demand: int
    council_budget: int
    violence_grant: int | None
    icb: int | None
    pcc_central: int | None


@dataclass(frozen=True)
class PccMoney:
    """The PCC's community safety fund and victims grant in one year, in pence."""

    formula_pot: int
    retained: int
    victims_grant: int


def _growth(year: str) -> float:
    return 1.025 ** (int(year[:4]) - 2016)


def csp_money(seed: int, number: int, year: str) -> CspMoney:
    stable = rng(seed, "csp", number)
    population = stable.randrange(60_000, 320_000)
    has_violence, has_icb, has_central = (stable.random() < p for p in (0.5, 0.4, 0.3))
    r = rng(seed, "csp", number, year)
    grow = _growth(year)
    population = int(population * (1 + (int(year[:4]) - 2016) * 0.004))
    return CspMoney(
        population=population,
        recorded_crime=int(population * r.uniform(0.05, 0.11)),
        non_crime_demand=int(population * r.uniform(0.03, 0.07)),
        council_budget=int(r.randrange(80_000, 400_000) * grow) * 100,
        violence_grant=int(r.randrange(20_000, 90_000) * grow) * 100 if has_violence else None,
        icb=int(r.randrange(30_000, 100_000) * grow) * 100 if has_icb else None,
        pcc_central=r.randrange(10_000, 50_000) * 100 if has_central else None,
    )


def pcc_money(seed: int, area: Area, year: str) -> PccMoney:
    r = rng(seed, "pcc", area.number, year)
    grow = _growth(year)
    per_csp = r.randrange(120_000, 180_000)
    return PccMoney(
        formula_pot=int(per_csp * len(area.csps) * grow) * 100 + r.randrange(100),
        retained=int(r.randrange(100_000, 250_000) * grow) * 100,
        victims_grant=int(r.randrange(300_000, 900_000) * grow) * 100,
    )


PROVIDERS = (
    ("voluntary", "Synthetic Victim Care"),
    ("voluntary", "Synthetic Youth Trust"),
    ("voluntary", "Synthetic Recovery Network"),
    ("voluntary", "Synthetic Housing Association"),
    ("private", "Synthetic Security Services Ltd"),
    ("private", "Synthetic Training Ltd"),
)


def provider(area: Area, index: int) -> str:
    return f"synthetic-provider-{area.code}-{index + 1}"


@dataclass(frozen=True)
class Who:
    """One partnership and the organisations and streams its plans refer to."""

    id: str
    name: str
    kind: str
    area: Area
    number: int | None  # the CSP number; None for a PCC

    @property
    def host(self) -> str:
        return council(self.number) if self.number is not None else self.area.org("opcc")

    @property
    def lead_orgs(self) -> list[str]:
        orgs = [self.host, self.area.org("police"), self.area.org("fire")]
        return [*orgs, self.area.org("icb"), self.area.org("probation")]


def csp(area: Area, number: int) -> Who:
    return Who(csp_id(number), csp_name(number), "csp", area, number)


def pcc(area: Area) -> Who:
    return Who(area.pcc, f"Synthetic Police and Crime Commissioner {area.code}", "pcc", area, None)


def strategy_start(year: str) -> int:
    start = int(year[:4])
    return start - (start - 2014) % 3


def strategy_title(who: Who, year: str) -> str:
    first = strategy_start(year)
    kind = "Police and Crime Plan" if who.kind == "pcc" else "Partnership Plan"
    return f"{who.name} {kind} {first} to {first + 3}"
