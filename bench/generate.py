"""A deterministic synthetic national project for the benchmark.

    python -m bench.generate OUT --partnerships N --years Y [--seed S] [--jobs J]

writes a complete project folder (data/ and plans/) that passes `plans validate --strict`.

`--partnerships N` counts community safety partnerships (CSPs). They are grouped about eight to
a police force area (ceil(N / 8) areas, sizes differing by at most one), and every area adds
one PCC partnership (kind pcc) on top: N CSPs give N + ceil(N / 8) partnership folders, and
(N + ceil(N / 8)) x Y plan years. The PCC passports its community safety fund to its CSPs by
formula; each CSP's funding.yml holds the matching `method: formula` allocation.

Years end at the current financial year, 2026-27, and go back Y years. Every year but the
newest has an annual review and is published, with the record `plans publish` writes (so
validation checks every published field). Everything is invented and named so
("Synthetic CSP 0042").

The same arguments always give byte-identical files: every random choice comes from a
`random.Random` seeded with text (the seed, the partnership and the year), never from the
clock, the process or the order in which partnerships are written, so `--jobs` does not change
the output either.

Modules: bench.layout (who exists and their money), bench.plan_year (the files of one plan
year), bench.yaml_text (the YAML writer); this one writes the reference data and the folders.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.layout import (
    HISTORY_START,
    NEWEST_START,
    PROVIDERS,
    Layout,
    Who,
    council,
    council_stream,
    csp,
    csp_money,
    financial_years,
    pcc,
    pcc_money,
    pounds,
    provider,
    strategy_start,
    strategy_title,
)
from bench.plan_year import PlanYearWriter, priority_sets
from bench.yaml_text import Doc, to_yaml

DEFAULT_SEED = 1
MAX_YEARS = NEWEST_START - HISTORY_START + 1

# ---------------------------------------------------------------------------------------------
# Reference data


def settings() -> Doc:
    return {
        "title": "Synthetic national community safety plans (benchmark)",
        "description": (
            "A synthetic national project generated for the benchmark. *Every partnership, "
            "organisation, person and figure in it is invented.*"
        ),
        "fictional": True,
        "rag_tolerance_percent": 5,
        "small_count_threshold": 5,
        "search": "area",  # a national site: one year's whole index is too big for a browser
    }


AREA_ORGS = (
    ("police", "police", "Synthetic Constabulary"),
    ("opcc", "pcc", "Synthetic Office of the Police and Crime Commissioner"),
    ("fire", "fire", "Synthetic Fire and Rescue Service"),
    ("icb", "health", "Synthetic Integrated Care Board"),
    ("probation", "probation", "Synthetic Probation Delivery Unit"),
)
NATIONAL_ORGS = (
    ("synthetic-home-department", "other", "Synthetic Home Department"),
    ("synthetic-justice-ministry", "other", "Synthetic Ministry of Justice"),
)


def organisations(layout: Layout) -> Doc:
    orgs: list[Doc] = [
        {"id": oid, "name": name, "kind": kind, "description": "Invented for the benchmark."}
        for oid, kind, name in NATIONAL_ORGS
    ]
    for area in layout.areas:
        for key, kind, name in AREA_ORGS:
            orgs.append({"id": area.org(key), "name": f"{name} {area.code}", "kind": kind})
        for index, (kind, name) in enumerate(PROVIDERS):
            orgs.append({"id": provider(area, index), "name": f"{name} {area.code}", "kind": kind})
        for number in area.csps:
            orgs.append(
                {
                    "id": council(number),
                    "name": f"Synthetic Council {number:04d}",
                    "kind": "council",
                    "url": f"https://example.org/synthetic-council-{number:04d}",
                }
            )
            orgs.append(
                {
                    "id": f"synthetic-yjs-{number:04d}",
                    "name": f"Synthetic Youth Justice Service {number:04d}",
                    "kind": "youth-justice",
                }
            )
    return {"organisations": orgs}


def areas(layout: Layout) -> Doc:
    return {
        "areas": [
            {
                "id": area.id,
                "name": f"Synthetic Force Area {area.code}",
                "police_force": area.org("police"),
                "pcc": area.org("opcc"),
                "region": area.region,
                "description": (
                    f"An invented police force area with {len(area.csps)} community safety "
                    "partnerships. It describes no real place."
                ),
            }
            for area in layout.areas
        ]
    }


def funding_streams(layout: Layout) -> Doc:
    """Every stream with a pot for every year, each sized above what is allocated from it."""
    seed, years = layout.seed, layout.years
    violence = dict.fromkeys(years, 0)
    victims = dict.fromkeys(years, 0)
    streams: list[Doc] = []
    local: list[Doc] = []
    for area in layout.areas:
        csf: dict[str, int] = {}
        icb = dict.fromkeys(years, 0)
        for year in years:
            pcc = pcc_money(seed, area, year)
            csf[year] = pcc.formula_pot + pcc.retained
            victims[year] += pcc.victims_grant
        for number in area.csps:
            budget: dict[str, int] = {}
            for year in years:
                money = csp_money(seed, number, year)
                budget[year] = money.council_budget * 5 // 4
                csf[year] += money.pcc_central or 0
                icb[year] += money.icb or 0
                violence[year] += money.violence_grant or 0
            local.append(
                _stream(
                    council_stream(number),
                    f"Synthetic Council {number:04d} community safety budget",
                    council(number),
                    budget,
                )
            )
        streams.append(
            _stream(
                area.org("csf"),
                f"Synthetic PCC community safety fund {area.code}",
                area.org("opcc"),
                {year: amount * 51 // 50 for year, amount in csf.items()},
                ring_fenced=True,
                description=(
                    "Passported to the area's community safety partnerships by formula "
                    "(population 50%, recorded crime 25%, non-crime demand 25%); the rest is "
                    "kept centrally."
                ),
            )
        )
        streams.append(
            _stream(
                area.org("icb-fund"),
                f"Synthetic ICB health inequalities fund {area.code}",
                area.org("icb"),
                {year: amount * 11 // 10 + 1_000_000 for year, amount in icb.items()},
            )
        )
    national = [
        _stream(
            "synthetic-violence-grant",
            "Synthetic serious violence grant",
            "synthetic-home-department",
            {year: amount * 21 // 20 for year, amount in violence.items()},
            ring_fenced=True,
        ),
        _stream(
            "synthetic-victims-grant",
            "Synthetic victims services grant",
            "synthetic-justice-ministry",
            {year: amount * 21 // 20 for year, amount in victims.items()},
            ring_fenced=True,
        ),
    ]
    return {"streams": national + streams + local}


def round_up(pence: int, pounds_step: int = 1000) -> int:
    step = pounds_step * 100
    return -(-pence // step) * step


def _stream(
    sid: str,
    name: str,
    funder: str,
    pots: dict[str, int],
    *,
    ring_fenced: bool = False,
    description: str | None = None,
) -> Doc:
    return {
        "id": sid,
        "name": name,
        "funder": funder,
        "ring_fenced": ring_fenced,
        "starts": date(HISTORY_START, 4, 1),
        "pots": [
            {"year": year, "amount": pounds(round_up(amount))} for year, amount in pots.items()
        ],
        "description": description,
    }


# ---------------------------------------------------------------------------------------------
# Partnerships


def partnership(who: Who, years: Sequence[str]) -> Doc:
    area = who.area
    if who.number is not None:
        members: list[Doc] = [
            {"organisation": who.host, "role": "host"},
            {"organisation": area.org("police")},
            {"organisation": area.org("fire")},
            {"organisation": area.org("icb"), "joined": date(2022, 7, 1)},
            {"organisation": area.org("probation")},
            {"organisation": area.org("opcc"), "role": "co-operating-body"},
            {"organisation": f"synthetic-yjs-{who.number:04d}", "role": "co-operating-body"},
            {"organisation": provider(area, 0), "role": "invited"},
        ]
        authorities = [f"Synthetic Council {who.number:04d}"]
    else:
        members = [
            {"organisation": who.host, "role": "host"},
            {"organisation": area.org("police")},
            *({"organisation": council(n), "role": "co-operating-body"} for n in area.csps),
            {"organisation": area.org("icb"), "role": "co-operating-body"},
        ]
        authorities = [f"Synthetic Council {n:04d}" for n in area.csps]
    firsts = sorted({strategy_start(year) for year in years})
    return {
        "id": who.id,
        "name": who.name,
        "kind": who.kind,
        "area": area.id,
        "local_authorities": authorities,
        "description": f"{who.name} is invented for the benchmark and describes no real body.",
        "host": who.host,
        "members": members,
        "strategies": [
            {
                "title": strategy_title(who, f"{first}-{(first + 1) % 100:02d}"),
                "first_year": f"{first}-{(first + 1) % 100:02d}",
                "last_year": f"{first + 2}-{(first + 3) % 100:02d}",
            }
            for first in firsts
        ],
        "website": f"https://example.org/{who.id}",
        "contact": f"community.safety@{who.id}.example.org",
    }


# ---------------------------------------------------------------------------------------------
# Writing


def partnership_files(layout: Layout, who: Who) -> dict[str, str]:
    """Every file of one partnership, by path relative to the project."""
    files = {f"plans/{who.id}/partnership.yml": to_yaml(partnership(who, layout.years))}
    sets = priority_sets(layout.seed, who, layout.years)
    previous: list[str] | None = None
    for year in layout.years:
        writer = PlanYearWriter(layout, who, year, sets[year], previous)
        written = writer.files()
        for name, text in written.items():
            files[f"plans/{who.id}/{year}/{name}"] = text
        if not writer.newest:  # published: recorded as `plans publish` records it
            files[f"plans/{who.id}/{year}/published.yml"] = publication(who, year, written)
        previous = sets[year]
    return files


def publication(who: Who, year: str, written: dict[str, str]) -> str:
    """The publication record of a published year, from its files as written: typed as
    `plans validate` types them, so the record matches and validation checks every field."""
    from generator.compute.frozen import publication_record
    from generator.cycle.publish import record_text
    from generator.load import load_bytes
    from generator.model import YEAR_KINDS, PlanYear
    from generator.model.kinds import parse_document

    parts = {}
    for name, text in written.items():
        kind = YEAR_KINDS[name.removesuffix(".yml")]
        document, problems = load_bytes(text.encode("utf-8"), name)
        assert document is not None and not problems, problems
        model, problems = parse_document(kind, document)
        assert model is not None and not problems, problems
        parts[kind.name] = model
    plan_year = PlanYear(who.id, year, parts)
    approval = plan_year.plan.approval
    published = approval.date if approval is not None else date(int(year[:4]), 3, 1)
    body = approval.body if approval is not None else f"{who.name} board"
    return record_text(publication_record(plan_year, published, body))


def reference_files(layout: Layout) -> dict[str, str]:
    return {
        "data/settings.yml": to_yaml(settings()),
        "data/organisations.yml": to_yaml(organisations(layout)),
        "data/areas.yml": to_yaml(areas(layout)),
        "data/funding-streams.yml": to_yaml(funding_streams(layout)),
    }


def everyone(layout: Layout) -> list[Who]:
    return [who for area in layout.areas for who in (pcc(area), *(csp(area, n) for n in area.csps))]


def _write(out: Path, files: dict[str, str]) -> int:
    folders = {(out / name).parent for name in files}
    for folder in sorted(folders):
        folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    return len(files)


def _write_partnership(task: tuple[Layout, Who, Path]) -> int:
    layout, who, out = task
    return _write(out, partnership_files(layout, who))


@dataclass(frozen=True)
class Generated:
    """What was written."""

    layout: Layout
    files: int
    seconds: float


def generate(
    out: Path, partnerships: int, years: int, seed: int = DEFAULT_SEED, jobs: int = 1
) -> Generated:
    """Write the synthetic project into `out` (emptied first) and say what was written."""
    if partnerships < 1 or not 1 <= years <= MAX_YEARS:
        raise ValueError(f"--partnerships must be at least 1 and --years 1 to {MAX_YEARS}")
    started = time.perf_counter()
    layout = Layout(partnerships, financial_years(years), seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    count = _write(out, reference_files(layout))
    tasks = [(layout, who, out) for who in everyone(layout)]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            count += sum(pool.map(_write_partnership, tasks, chunksize=4))
    else:
        count += sum(map(_write_partnership, tasks))
    return Generated(layout, count, time.perf_counter() - started)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n\n")[0] if __doc__ else ""
    )
    parser.add_argument("out", type=Path, help="folder to write the project into (replaced)")
    parser.add_argument("--partnerships", type=int, required=True, help="number of CSPs")
    parser.add_argument("--years", type=int, required=True, help="financial years, to 2026-27")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes (output is the same)"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        result = generate(args.out, args.partnerships, args.years, args.seed, args.jobs)
    except ValueError as exc:
        parser.error(str(exc))
    layout = result.layout
    print(
        f"Wrote {result.files} files to {args.out}: {len(layout.areas)} areas, "
        f"{args.partnerships} CSPs + {len(layout.areas)} PCCs, {len(layout.years)} years "
        f"({layout.years[0]} to {layout.years[-1]}), {layout.plan_years} plan years, "
        f"in {result.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
