"""Services and actions as published: what the pages, the computed facts and the open data say
about unknown money, dates known only to the month or year, and the commissioning lifecycle."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from generator.compute.facts import plan_year_facts
from generator.model.delivery import Contract, Decision
from generator.pipeline import check_project
from generator.render import Version, render_version
from tests.conftest import CHECKOUT, render_year

if TYPE_CHECKING:
    from tests.conftest import Tree

FEN = "plans/fenwick-csp/2024-25/"
SERVICES = FEN + "services.yml"
END_OF_SERVICE = "    pathways: [accommodation]\n"
UNPUBLISHED_LINE = (
    "      - stream: council-base\n        amount_status: not-published\n"
    "        amount_reason: Only the council's total is published.\n"
)
WITHHELD = "      amount_status: withheld\n      amount_reason: FOI s43 commercial interests.\n"
NOTICE = """    decisions:
      - reference: FDN-2024-01
        date: 2024-05-10
        signed: 2024-05-17
        decision_maker: Head of Community Safety
        delegated: true
        signatory: Community Safety Manager
        in_consultation_with: the Chairman
        summary: Award the refuge contract.
        confidential: true
        confidential_reason: The annex gives the provider's prices.
        url: https://example.org/fdn-2024-01
"""
BRIDGING = """  - id: refuge-bridging
    name: Refuge bridging grant
    priorities: [domestic-abuse]
    commissioners: [fenwick-council]
    make_or_buy: buy
    delivery_model: grant
    one_year_only: true
    one_year_only_reason: Until the refuge is recommissioned.
    funding:
      - stream: council-base
        amount: 1000
    decisions:
      - reference: FDN-2024-01
"""


def rendered(tree: Tree) -> dict[str, str]:
    files = render_year(tree.root, "2024-25")
    return {name: data.decode() for name, data in files.items() if "fenwick-csp/" in name}


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_total_with_an_unknown_line_is_at_least_the_known_lines(tree: Tree) -> None:
    tree.edit(SERVICES, "        amount: 40000\n", "        amount: 40000\n" + UNPUBLISHED_LINE)
    files = rendered(tree)
    page = files["fenwick-csp/services.md"]
    expected = "at least £40,000 (excluding 1 line with no separate published amount)"
    assert f"| {expected} |" in page
    assert f"- **Funding:** {expected} in 2024/25" in page
    assert (
        "    - Council base budget: Not published (Only the council's total is published.)" in page
    )
    row = csv_rows(files["fenwick-csp/data/fenwick-csp-2024-25-services.csv"])[0]
    assert (row["funding_total"], row["funding_total_status"]) == ("40000.00", "at-least")
    assert row["funding_lines_not_known"] == "1"
    funding = files["fenwick-csp/funding.md"]
    assert (
        "These totals are at least what is planned: they leave out 1 funding line with no "
        "separate published amount" in funding
    )
    assert "less than the allocations received" not in funding  # unknowable with a line unknown
    computed = json.loads(files["fenwick-csp/data/fenwick-csp-2024-25.json"])["computed"]
    assert computed["spend_lines_not_known"] == [{"line": "refuge", "stream": "council-base"}]
    assert computed["spend_by_stream"] == {"council-base": "40000.00"}


def test_a_total_of_unknown_lines_only_is_not_known_never_zero(tree: Tree) -> None:
    tree.edit(SERVICES, "      - stream: council-base\n        amount: 40000\n", UNPUBLISHED_LINE)
    files = rendered(tree)
    page = files["fenwick-csp/services.md"]
    assert "| not known (1 line with no separate published amount) |" in page
    assert "£0" not in page
    row = csv_rows(files["fenwick-csp/data/fenwick-csp-2024-25-services.csv"])[0]
    assert (row["funding_total"], row["funding_total_status"]) == ("", "not-known")


def test_facts_count_unknown_lines_apart_from_the_known_total(tree: Tree) -> None:
    tree.edit(SERVICES, "        amount: 40000\n", "        amount: 40000\n" + UNPUBLISHED_LINE)
    project, _ = check_project(tree.root)
    assert project is not None
    py = next(py for py in project.plan_years() if py.key == ("fenwick-csp", "2024-25"))
    facts = plan_year_facts(project, py)
    service = facts.services[0]
    assert (service.funding_total, service.funding_unknown) == (Decimal("40000"), 1)
    assert facts.unknown_spend == (("refuge", "council-base"),)


@pytest.mark.parametrize(
    ("value", "page_text", "cells"),
    [
        (WITHHELD, "withheld. FOI s43 commercial interests.", ("", "withheld")),
        (
            "      value_withheld: Commercial confidentiality.\n",
            "withheld. Commercial confidentiality.",
            ("", "withheld"),
        ),
        ("      amount_status: not-published\n", "Not published", ("", "not-published")),
        ("      value: 40000\n", "£40,000", ("40000", "")),
    ],
    ids=["withheld", "withheld the older way", "not published", "known"],
)
def test_a_contract_value_is_shown_or_said_why_not(
    tree: Tree, value: str, page_text: str, cells: tuple[str, str]
) -> None:
    tree.edit(SERVICES, "      value: 40000\n", value)
    files = rendered(tree)
    assert f"- **Contract value:** {page_text}\n" in files["fenwick-csp/services.md"]
    row = csv_rows(files["fenwick-csp/data/fenwick-csp-2024-25-services.csv"])[0]
    assert (row["contract_value"], row["contract_value_status"]) == cells


def test_contract_dates_are_shown_as_precise_as_written(tree: Tree) -> None:
    tree.edit(
        SERVICES,
        "      value: 40000\n",
        "      value: 40000\n      starts: 2019\n      ends: 2025-11\n"
        "      extension_options: 1+4\n      extensions_used: 1\n",
    )
    files = rendered(tree)
    page = files["fenwick-csp/services.md"]
    assert "- **Contract dates:** 2019 to November 2025\n" in page
    assert (
        "- **Term and extension options:** 1\\+4: an initial term of 1 year, then 4 years by "
        "extension; 1 of 1 extension option used\n" in page
    )
    services = json.loads(files["fenwick-csp/data/fenwick-csp-2024-25.json"])["source"]["services"]
    assert services["services"][0]["contract"]["starts"] == "2019"
    assert services["services"][0]["contract"]["ends"] == "2025-11"


def test_an_action_due_in_a_month_is_shown_and_published_as_written(tree: Tree) -> None:
    tree.edit(FEN + "actions.yml", "due: 2025-03-31", "due: 2025-03")
    files = rendered(tree)
    assert '| <span class="card-label">Due</span>March 2025 |' in files["fenwick-csp/actions.md"]
    row = csv_rows(files["fenwick-csp/data/fenwick-csp-2024-25-actions.csv"])[0]
    assert row["due"] == "2025-03"


def test_an_action_funding_line_not_published_is_said_in_words(tree: Tree) -> None:
    tree.edit(
        FEN + "actions.yml",
        "    services: [refuge]\n",
        "    services: [refuge]\n    funding:\n      - stream: council-base\n"
        "        amount_status: withheld\n        amount_reason: Commercial.\n",
    )
    page = rendered(tree)["fenwick-csp/actions.md"]
    assert "- Council base budget: Withheld (Commercial.)\n" in page


def test_lots_show_their_value_outcome_and_re_run(tree: Tree) -> None:
    tree.edit(
        SERVICES,
        END_OF_SERVICE,
        END_OF_SERVICE + "    procurement:\n      route: open-tender\n      reference: T-1\n"
        "      lots:\n"
        "        - id: outreach\n          title: Outreach\n          value: 30000\n"
        "          outcome: no-compliant-bids\n          rerun_as: outreach-rerun\n"
        "        - id: outreach-rerun\n          title: Outreach again\n"
        "          amount_status: not-published\n          outcome: awarded\n"
        "          provider: fenwick-refuge\n"
        "        - id: advice\n          title: Advice\n          value: 5000\n"
        "          outcome: withdrawn\n          rerun_as: T-2\n",
    )
    page = rendered(tree)["fenwick-csp/services.md"]
    assert (
        '    - Lot "Outreach": £30,000; no compliant bids; re-run as lot "Outreach again"\n' in page
    )
    assert '    - Lot "Outreach again": Not published; awarded to Fenwick Refuge Trust\n' in page
    assert '    - Lot "Advice": £5,000; withdrawn; re-run as T\\-2\n' in page


def test_a_decision_notice_shows_its_signature_signatory_and_annex(tree: Tree) -> None:
    tree.edit(SERVICES, END_OF_SERVICE, END_OF_SERVICE + NOTICE)
    page = rendered(tree)["fenwick-csp/services.md"]
    assert (
        "| [FDN\\-2024\\-01](https://example\\.org/fdn\\-2024\\-01) | 10 May 2024 | "
        "17 May 2024, by Community Safety Manager | Head of Community Safety (under delegated "
        "authority, in consultation with the Chairman) | Award the refuge contract. The notice "
        "has a confidential annex, not published: The annex gives the provider's prices. |"
    ) in page


def test_superseded_service_and_its_successor_link_each_other(tree: Tree) -> None:
    tree.edit(
        SERVICES, END_OF_SERVICE, END_OF_SERVICE + "    superseded_by: refuge-bridging\n" + BRIDGING
    )
    page = rendered(tree)["fenwick-csp/services.md"]
    assert (
        "- **Superseded by:** [Refuge bridging grant](#service.refuge\\-bridging): this intended "
        "commissioning did not go ahead as planned.\n" in page
    )
    assert (
        "- **In place of:** [Refuge service](#service.refuge), the commissioning first "
        "intended.\n" in page
    )
    assert (
        "- **One year only:** funded for 2024/25 only (bridging or sunset funding). Until the "
        "refuge is recommissioned.\n" in page
    )
    assert (
        "- **Make or buy:** Buy \\(bought from an outside provider\\). Why: not published.\n"
        in (page)
    )


def test_a_decision_given_by_reference_links_to_where_it_is_recorded(tree: Tree) -> None:
    tree.edit(SERVICES, END_OF_SERVICE, END_OF_SERVICE + NOTICE + BRIDGING)
    page = rendered(tree)["fenwick-csp/services.md"]
    assert (
        "| FDN\\-2024\\-01 | — | — | — | Given by reference only: the notice is recorded in full "
        "under [Refuge service](#service.refuge). |" in page
    )


def test_a_review_record_given_by_reference_renders(tree: Tree) -> None:
    tree.edit(SERVICES, END_OF_SERVICE, END_OF_SERVICE + NOTICE)
    tree.edit(
        FEN + "review.yml",
        "    effective: 2025-04-01\n",
        "    effective: 2025-04-01\n    record:\n      reference: FDN-2024-01\n",
    )
    page = rendered(tree)["fenwick-csp/review.md"]
    assert "| FDN\\-2024\\-01: Given by reference only: the notice is recorded elsewhere. |" in page


def test_the_older_withheld_field_reads_as_a_withheld_value() -> None:
    contract = Contract.model_validate({"value_withheld": "Commercial."})
    assert (contract.value, contract.value_status, contract.value_reason) == (
        None,
        "withheld",
        "Commercial.",
    )
    assert Contract.model_validate({"value": "1"}).value_status is None


def test_a_decision_of_only_a_reference_is_given_by_reference() -> None:
    assert Decision.model_validate({"reference": "X-1"}).by_reference
    assert not Decision.model_validate({"reference": "X-1", "summary": "Award."}).by_reference


def test_the_example_shows_marrowby_services_as_published(example_project: object) -> None:
    from generator.model import Project

    assert isinstance(example_project, Project)
    files = render_version(example_project, CHECKOUT / "theme", Version("2024-25", "2026-27")).files
    page = files["marrowby/services.md"].decode()
    for text in (
        "withheld. Withheld under FOI s43 (commercial interests).",
        "- **Contract dates:** 2019 to November 2025",
        '- Lot "Perpetrator programme": £30,000; no compliant bids; re-run as lot',
        "- **Superseded by:** [Night\\-time safe space \\(bridging grant\\)]",
        "- **One year only:** funded for 2024/25 only",
        "3 June 2024 | 10 June 2024, by Head of Community Safety |",
        "in consultation with the Chairman of the Community Safety Partnership",
        "The notice has a confidential annex, not published:",
        "at least £42,000 (excluding 1 line with no separate published amount)",
    ):
        assert text in page, text
    later = render_version(example_project, CHECKOUT / "theme", Version("2025-26", "2026-27"))
    page = later.files["marrowby/services.md"].decode()
    assert "1 of 1 extension option used" in page
    assert "Why: not published." in page


def test_new_free_text_is_shown_as_written_never_as_markup(tree: Tree) -> None:
    hostile = "A | B <script>x</script> [y](javascript:z)"
    tree.edit(
        SERVICES,
        END_OF_SERVICE,
        END_OF_SERVICE
        + NOTICE.replace("Community Safety Manager", hostile)
        + "    procurement:\n      route: open-tender\n      lots:\n"
        f"        - id: outreach\n          title: '{hostile}'\n          value: 1\n"
        f"          rerun_as: '{hostile}'\n",
    )
    page = rendered(tree)["fenwick-csp/services.md"]
    escaped = "A \\| B &lt;script&gt;x&lt;/script&gt; \\[y\\]\\(javascript:z\\)"
    assert f"17 May 2024, by {escaped} |" in page
    assert f'    - Lot "{escaped}": £1; re-run as {escaped}\n' in page
    assert "<script>" not in page and "](javascript" not in page


def test_a_service_with_no_funding_lines_shows_no_figure(tree: Tree) -> None:
    tree.edit(SERVICES, "      - stream: council-base\n        amount: 40000\n", "")
    tree.edit(SERVICES, "    funding:\n", "")
    files = rendered(tree)
    assert "| Fenwick Refuge Trust | — | Active |" in files["fenwick-csp/services.md"]
    row = csv_rows(files["fenwick-csp/data/fenwick-csp-2024-25-services.csv"])[0]
    assert (row["funding_total"], row["funding_total_status"]) == ("", "none-recorded")
