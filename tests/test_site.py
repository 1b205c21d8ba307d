"""The published site, end to end: versions, every page kind, computed values, downloads,
determinism, atomic publish and no third-party hosts."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.compute.money import all_formulas
from generator.pipeline import check_project
from generator.render import PAGES
from generator.site import BuildError, BuildOptions, build_site
from generator.site.sanitize import scan_site

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file below a folder and the hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def copy_project(source: Path, target: Path) -> Path:
    for name in ("plans", "data", "theme"):
        shutil.copytree(source / name if name != "theme" else ROOT / "theme", target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return target


def build(root: Path, out: Path, drafts: bool = False) -> None:
    project, problems = check_project(root)
    assert project is not None, problems
    build_site(project, BuildOptions(root, out, drafts=drafts, jobs=1))


def published_years(project) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    years: dict[str, list[str]] = {}
    for py in project.plan_years():
        if py.plan.status in ("approved", "published", "superseded"):
            years.setdefault(py.year, []).append(py.partnership)
    return years


def test_versions_json_lists_every_published_year_with_latest(example_site, example_project):  # type: ignore[no-untyped-def]
    years = published_years(example_project)
    versions = json.loads((example_site / "versions.json").read_text())
    assert [v["version"] for v in versions] == sorted(years, reverse=True)
    assert versions[0]["aliases"] == ["latest"]
    assert all(v["aliases"] == [] for v in versions[1:])
    assert [v["title"] for v in versions] == [
        y.replace("-", "/") for y in sorted(years, reverse=True)
    ]
    latest = versions[0]["version"]
    root_page = (example_site / "index.html").read_text()
    assert f'url={latest}/"' in root_page
    alias = (example_site / "latest" / "index.html").read_text()
    assert f"../{latest}/" in alias


def test_every_page_kind_exists_for_every_partnership_and_year(example_site, example_project):  # type: ignore[no-untyped-def]
    for year, partnerships in published_years(example_project).items():
        assert (example_site / year / "index.html").is_file()
        for area in {example_project.partnerships[p].area for p in partnerships}:
            assert (example_site / year / area / "index.html").is_file(), (year, area)
        for pid in partnerships:
            for name, _title, _template in PAGES:
                page = example_site / year / pid / ("" if name == "index" else name) / "index.html"
                assert page.is_file(), page


def test_a_years_formulas_are_worked_out_once_each_and_only_when_asked_for(  # type: ignore[no-untyped-def]
    example_project, monkeypatch
):
    from generator.compute import money as facts_module

    latest = max(published_years(example_project))
    owned = [
        formula
        for py in example_project.plan_years()
        if py.year == latest
        for formula in py.funding.formulas
    ]
    assert owned, "the example has a formula in the latest year"
    worked: list[str] = []
    real = facts_module.formula_facts

    def counted(formula):  # type: ignore[no-untyped-def]
        worked.append(formula.id)
        return real(formula)

    monkeypatch.setattr(facts_module, "formula_facts", counted)
    formulas = all_formulas(example_project, latest)
    assert sorted(formulas) == sorted(f.id for f in owned) and len(formulas) == len(owned)
    assert owned[0].id in formulas and "no-such-formula" not in formulas
    assert formulas.get("no-such-formula") is None
    assert worked == [], "nothing is worked out before it is asked for"
    assert formulas[owned[0].id] == real(owned[0])
    assert formulas[owned[0].id] is formulas[owned[0].id]
    assert worked == [owned[0].id], "asked for twice, worked out once"


def visible_text(page: Path) -> str:
    """A built page's words as a reader sees them on a wide screen: no tags, entities decoded,
    spaces collapsed, and no column names repeated in cells for narrow screens (card-label)."""
    markup = re.sub(r'<span class="card-label">[^<]*</span>', "", page.read_text(encoding="utf-8"))
    text = re.sub(r"<[^>]+>", " ", markup)
    return " ".join(html.unescape(text).split())


# Worked out by hand from the example's YAML, never by the code under test.
KELDERTON_2025_26 = [
    # da-repeat-marac, lower is better, target 27: Q1 27.9 misses by 0.9/27 = 3.33%; the
    # outturn, 26.9, meets it.
    "Q1 27.9% — Amber 27.9 against a target of 27 (lower is better): missed by 3.3%, within the "
    "5% tolerance",
    "Status this year: Green (26.9 against a target of 27 (lower is better): target met)",
    # violence-with-injury-rate, below the most similar group's average: Q1 10.1 against 10.2
    # meets it; Q3 10.6 against 10.3 misses by 0.3/10.3 = 2.91%; the outturn 10.5 against 10.2
    # by 0.3/10.2 = 2.94%.
    "Q1 10.1 (comparator 10.2) — Green 10.1 against a target of 10.2 (lower is better): target met",
    "Q3 10.6 (comparator 10.3) — Amber 10.6 against a target of 10.3 (lower is better): missed by "
    "2.9%, within the 5% tolerance",
    "Status this year: Amber (10.5 against a target of 10.2 (lower is better): missed by 2.9%, "
    "within the 5% tolerance)",
    # asb-victim-satisfaction, higher is better, target 76: the outturn 69 misses by 7/76 = 9.21%.
    "Status this year: Red (69 against a target of 76 (higher is better): missed by 9.2%, beyond "
    "the 5% tolerance)",
]


def test_computed_statuses_appear_on_the_performance_page(example_site: Path) -> None:
    shown = visible_text(
        example_site / "2025-26" / "safer-kelderton" / "performance" / "index.html"
    )
    for expected in KELDERTON_2025_26:
        assert expected in shown, expected


def test_a_formula_is_shared_to_the_penny_on_the_area_page(example_site: Path) -> None:
    # The 2025/26 drug and alcohol formula shares £150,000 60% by drug users (8.4 and 11.2 of
    # 19.6: 3/7 and 4/7) and 40% by welfare calls (3,120 and 2,480 of 5,600: 39/70 and 31/70):
    # the county 0.6 x 3/7 + 0.4 x 39/70 = 0.48, £72,000.00 (paid £76,000.00 in transition);
    # Marrowby 0.52, £78,000.00 (paid £60,000.00); £136,000.00 paid in all.
    shown = visible_text(example_site / "2025-26" / "brackenshire" / "index.html")
    # each recipient's amount, published amount and payment first; share and formula amount
    # after them; the criteria's figures in a table of their own
    assert "Partnership £72,000.00 — £76,000.00 48.0000% £72,000.00 —" in shown
    assert "Borough Council) £78,000.00 — £60,000.00 52.0000% £78,000.00 —" in shown
    assert "Total £150,000.00 — £136,000.00 100% £150,000.00 —" in shown
    assert "Sallowfield Community Safety Partnership 8.4 3,120 Marrowby" in shown
    assert "Borough Council) 11.2 2,480 The formula amounts" in shown
    marrowby = visible_text(example_site / "2025-26" / "marrowby" / "funding" / "index.html")
    assert "Formula Marrowby Borough Council £78,000.00 — £60,000.00" in marrowby


def test_risks_are_ranked_by_their_worst_dimension_on_the_risks_page(example_site: Path) -> None:
    # Navigators: worst 4 x 4 = 16 (high); IDVA: 2 x 5 = 10 (medium); knife crime education:
    # 2 x 2 = 4 (low), in bands 1-4 low, 5-10 medium, 12-25 high.
    shown = visible_text(example_site / "2025-26" / "safer-kelderton" / "risks" / "index.html")
    # the verdict (rank, overall, band, recommendation, owner) before the reason and sub-scores
    assert re.search(
        r"Emergency department youth navigators 1 16 High Continue .* Funding ends 4 × 4 = 16 "
        r"4 × 3 = 12 3 × 4 = 12 3 × 3 = 9 Independent domestic violence advisers \(IDVA\) 2 10 "
        r"Medium Recommission .* Other 2 × 5 = 10 2 × 4 = 8 1 × 3 = 3 2 × 4 = 8 Knife crime "
        r"education in schools 3 4 Low Decommission .* Poor performance 1 × 3 = 3 2 × 2 = 4 "
        r"1 × 2 = 2 2 × 2 = 4",
        shown,
    )


def test_downloads_parse_and_agree_with_the_pages(example_site, example_project):  # type: ignore[no-untyped-def]
    years = published_years(example_project)
    latest = max(years)
    pid = sorted(years[latest])[0]
    data = example_site / latest / pid / "data"
    document = json.loads((data / f"{pid}-{latest}.json").read_text())
    assert document["partnership"] == pid and document["year"] == latest
    funding_page = (example_site / latest / pid / "funding" / "index.html").read_text()
    for allocation in document["computed"]["allocations"]:
        amount = Decimal(allocation["amount"])
        shown = f"£{amount:,.2f}" if amount != amount.to_integral_value() else f"£{amount:,.0f}"
        assert shown in funding_page, shown
    for table in ("actions", "services", "indicators", "allocations", "risks"):
        rows = list(csv.DictReader(io.StringIO((data / f"{pid}-{latest}-{table}.csv").read_text())))
        if table == "actions":
            actions = document["source"].get("actions", {}).get("actions", [])
            assert [r["id"] for r in rows] == [a["id"] for a in actions]
        if table == "allocations":
            assert [r["amount"] for r in rows] == [
                a["amount"] for a in document["computed"]["allocations"]
            ]
    data_page = (example_site / latest / pid / "data" / "index.html").read_text()
    assert f"{pid}-{latest}.json" in data_page


def test_site_loads_nothing_from_other_hosts(example_site):  # type: ignore[no-untyped-def]
    assert scan_site(example_site) == []
    html = "".join(p.read_text() for p in example_site.rglob("*.html"))
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_third_party_detector_catches_external_resources(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/x">'
    )
    (tmp_path / "b.html").write_text('<script src="//cdn.example.com/x.js"></script>')
    (tmp_path / "c.css").write_text("@import url('https://example.com/x.css');")
    (tmp_path / "d.html").write_text('<a href="https://example.com/">a link is fine</a>')
    assert scan_site(tmp_path) == [
        'a.html: loads from another host: <link rel="stylesheet" href="https://fonts.googleapis.com/x">',
        "b.html: <script> element that is not the theme's",
        'b.html: loads from another host: <script src="//',
        "c.css: loads from another host: @import url('https://",
    ]


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    build(root, tmp_path / "one")
    build(root, tmp_path / "two")
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_source_date_epoch_is_respected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(root, tmp_path / "site")
    gzipped = (tmp_path / "site" / "2025-26" / "sitemap.xml.gz").read_bytes()
    # the gzip header holds the build date (MkDocs keeps the day: 2023-11-14 00:00 UTC)
    assert int.from_bytes(gzipped[4:8], "little") == 1699920000


def test_failed_build_leaves_previous_site_unchanged(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    out = tmp_path / "site"
    build(root, out)
    before = tree_digest(out)
    template = root / "theme" / "pages" / "overview.md.j2"
    template.write_text(template.read_text() + "\n{{ no_such_variable }}\n")
    project, _ = check_project(root)
    assert project is not None
    with pytest.raises(Exception):  # noqa: B017 - any failure must leave the site alone
        build_site(project, BuildOptions(root, out, jobs=1))
    assert tree_digest(out) == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")]
    assert leftovers == []


def test_broken_link_fails_the_build(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    template = root / "theme" / "pages" / "overview.md.j2"
    template.write_text(template.read_text() + "\n[nowhere](no-such-page.md)\n")
    project, _ = check_project(root)
    assert project is not None
    with pytest.raises(BuildError, match=r"no-such-page\.md"):
        build_site(project, BuildOptions(root, tmp_path / "site", jobs=1))
    assert not (tmp_path / "site").exists()


def test_validation_errors_stop_the_build_before_anything_is_written(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    out = tmp_path / "site"
    build(root, out)
    before = tree_digest(out)
    plan = root / "plans" / "fenwick-csp" / "2024-25" / "plan.yml"
    plan.write_text(plan.read_text().replace("findings: [da-rising]", "findings: [da-risin]"))
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(out)])
    assert result.exit_code == 1
    assert "unknown finding 'da-risin' — did you mean 'da-rising'?" in result.output
    assert "Traceback" not in result.output
    assert tree_digest(out) == before


def test_build_never_writes_into_sources(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    sources = {name: tree_digest(root / name) for name in ("plans", "data", "theme")}
    build(root, tmp_path / "site")
    assert {name: tree_digest(root / name) for name in ("plans", "data", "theme")} == sources


def test_drafts_are_left_out_unless_asked_and_then_marked(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    plan = root / "plans" / "fenwick-csp" / "2025-26" / "plan.yml"
    plan.write_text(plan.read_text().replace("status: approved", "status: draft"))
    build(root, tmp_path / "public")
    assert not (tmp_path / "public" / "2025-26" / "fenwick-csp").exists()
    build(root, tmp_path / "drafts", drafts=True)
    for name, _title, _template in PAGES:
        page = tmp_path / "drafts" / "2025-26" / "fenwick-csp" / ("" if name == "index" else name)
        assert "Draft — not approved" in (page / "index.html").read_text(), name
    index = json.loads(
        (tmp_path / "drafts" / "2025-26" / "search" / "search_index.json").read_text()
    )
    assert not [doc["location"] for doc in index["docs"] if "not approved" in doc["text"]]


def test_notices_show_on_the_pages_but_stay_out_of_the_search_index(example_site):  # type: ignore[no-untyped-def]
    """The old-plan and fictional-data notices stand on every page: indexed, a search for
    "latest" or "invented" in an older year found every page of it."""
    year = "2024-25"  # an older year that every partnership of the example has
    pages = sorted(  # every partnership's action plan (schema/actions/ is the format reference)
        page for page in (example_site / year).glob("*/actions/index.html")
        if page.parent.parent.name != "schema"
    )  # fmt: skip
    assert pages
    for page in pages:
        text = page.read_text()
        assert "This is not the latest plan." in text and "Fictional data." in text, page
        corrected = "Changed after publication." in text  # Kelderton's variation, 2024-25
        assert text.count("data-search-exclude") == 3 + corrected, page  # and where it is
    assert any("Changed after publication." in page.read_text() for page in pages)
    docs = json.loads((example_site / year / "search" / "search_index.json").read_text())["docs"]
    texts = " ".join(doc["title"] + " " + doc["text"] for doc in docs)
    for notice in (
        "This is not the latest plan", "Fictional data", "invented for demonstration",
        "Changed after publication", "This page in other years",
    ):  # fmt: skip
        assert notice not in texts
    assert len({doc["location"].split("#")[0] for doc in docs}) >= 40  # every page still indexed
    first = next(
        doc
        for doc in docs
        if doc["location"] == pages[0].parent.relative_to(example_site / year).as_posix() + "/"
    )
    assert first["title"] == "Action plan" and "The action plan lists" in first["text"]


def test_older_year_links_to_the_same_partnership_in_the_latest(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    build(root, tmp_path / "site")
    old = (tmp_path / "site" / "2024-25" / "fenwick-csp" / "index.html").read_text()
    assert 'href="../../2025-26/fenwick-csp/"' in old
    new = (tmp_path / "site" / "2025-26" / "fenwick-csp" / "index.html").read_text()
    assert "../../2025-26/fenwick-csp/" not in new


def test_partnership_can_override_one_template(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    override = root / "theme" / "partnerships" / "fenwick-csp"
    override.mkdir(parents=True)
    (override / "review.md.j2").write_text("# Our own review page\n\nWritten by Fenwick.\n")
    build(root, tmp_path / "site")
    site = tmp_path / "site" / "2025-26"
    assert "Written by Fenwick." in (site / "fenwick-csp" / "review" / "index.html").read_text()
    assert "Written by Fenwick." not in (site / "ashdown-pcc" / "review" / "index.html").read_text()


def test_a_project_without_mkdocs_yml_is_named_by_its_settings(tmp_path: Path) -> None:
    """The bundled mkdocs.yml names the example (Brackenshire, fictional): a project without its
    own takes the rest of it but its name from data/settings.yml, shown as written."""
    root = tmp_path / "project"
    for name in ("plans", "data"):
        shutil.copytree(MINIMAL / name, root / name)
    settings = root / "data" / "settings.yml"
    title = 'Fenwick & Ashdown <script>alert("x")</script> plans'
    settings.write_text(
        settings.read_text()
        .replace("title: Minimal test project", f"title: '{title}'")
        .replace("fictional: true", "fictional: false")
    )
    build(root, tmp_path / "site")
    page = (tmp_path / "site" / "2025-26" / "fenwick-csp" / "index.html").read_text()
    shown = "Fenwick &amp; Ashdown &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; plans — 2025/26"
    assert f" — 2025/26 — {shown.removesuffix(' — 2025/26')}</title>" in page
    assert f'title="{shown}"' in page  # escaped once where the theme escapes it too
    assert page.count(shown) >= 4  # header, navigation title, both logos' labels
    assert "<script>alert" not in page
    for other in ("Brackenshire", "fictional example", "are fictional"):
        assert other not in page
    assert scan_site(tmp_path / "site") == []


def test_a_fictional_project_without_mkdocs_yml_says_so_once_in_its_notice(tmp_path: Path) -> None:
    root = tmp_path / "project"
    for name in ("plans", "data"):
        shutil.copytree(MINIMAL / name, root / name)
    build(root, tmp_path / "site")
    page = (tmp_path / "site" / "2025-26" / "index.html").read_text()
    assert "Minimal test project — 2025/26" in page and "Brackenshire" not in page
    assert "<strong>Fictional data.</strong>" in page
    assert "are fictional" not in page, "not in the footer too"
    assert "canonical" not in page, "the example's site_url is not the project's"
