"""Disclosure control (issue 20 item 4): a count of people below the small-count threshold is
"fewer than 5" everywhere, never the number, and nothing shown lets it be worked out; free
text that looks like personal data is warned about."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.compute.disclosure import disclose_indicator, disclose_statistics, is_small
from generator.compute.indicators import suppressed_rag
from generator.compute.rag import Rag
from generator.model.assessment import Statistic
from generator.model.performance import Indicator
from generator.model.review import Outturn
from generator.validate.privacy import may_hold_personal_data, text_problems
from tests.conftest import Tree

FEN = "plans/fenwick-csp/2024-25/"


def stat(
    category: str, count: int | None, previous: int | None = None, **more: object
) -> Statistic:
    data = {"category": category, "period": "2024", "count": count, "previous_count": previous}
    return Statistic.model_validate({**data, "small_area": True, **more})


def indicator(*actuals: dict[str, object], **more: object) -> Indicator:
    data = {
        "id": "repeat-victims", "title": "Repeat victims", "priority": "p", "unit": "count",
        "polarity": "lower-is-better", "counts_people": True,
        "actuals": list(actuals), **more,
    }  # fmt: skip
    return Indicator.model_validate(data)


def q(quarter: str, value: int, **more: object) -> dict[str, object]:
    return {"quarter": quarter, "value": Decimal(value), **more}


# --- which figures are small ----------------------------------------------------------


def test_small_is_above_zero_and_below_the_threshold() -> None:
    assert [n for n in range(7) if is_small(n, 5)] == [1, 2, 3, 4]
    assert not is_small(None, 5)
    assert not any(is_small(n, 0) for n in range(7))  # 0: no suppression


# --- statistics ---------------------------------------------------------------------------


def test_a_small_area_count_is_suppressed_with_its_rate_and_change() -> None:
    [shown] = disclose_statistics(
        [stat("burglary", 3, 12, rate_per_1000=Decimal("0.4"), change_percent=Decimal(-75))], 5
    )
    assert (shown.count, shown.suppressed) == (None, ["count"])
    assert (shown.rate_per_1000, shown.change_percent) == (None, None)
    assert shown.withheld == ["rate_per_1000", "change_percent"]
    assert shown.previous_count == 12  # 12 is not small, and 3 cannot be worked out from it


def test_zero_and_large_counts_and_counts_not_in_small_areas_are_shown() -> None:
    rows = [stat("burglary", 0, 6), stat("robbery", 5, 40)]
    rows.append(Statistic.model_validate({"category": "drugs", "period": "2024", "count": 2}))
    assert disclose_statistics(rows, 5) == rows


def test_a_previous_count_is_suppressed_and_the_change_withheld() -> None:
    [shown] = disclose_statistics([stat("robbery", 9, 4, change_percent=Decimal(125))], 5)
    assert (shown.count, shown.previous_count, shown.change_percent) == (9, None, None)
    assert (shown.suppressed, shown.withheld) == (["previous_count"], ["change_percent"])


def test_a_total_row_makes_the_next_smallest_row_withheld_too() -> None:
    # 3 + 58 + 117 = 178: with only the 3 hidden it would be 178 - 58 - 117.
    rows = [stat("domestic-abuse", 3), stat("burglary", 58), stat("other-theft", 117)]
    shown = disclose_statistics([*rows, stat("all-crime", 178)], 5)
    assert [s.count for s in shown] == [None, None, 117, 178]
    assert [(s.suppressed, s.withheld) for s in shown[:2]] == [(["count"], []), ([], ["count"])]
    # 178 - 117 = 61 is the two hidden rows together: either could be 1 to 4 or 57 to 60.


def test_with_no_other_row_to_withhold_the_total_is_withheld() -> None:
    shown = disclose_statistics([stat("domestic-abuse", 3), stat("all-crime", 40)], 5)
    assert [(s.count, s.withheld) for s in shown] == [(None, []), (None, ["count"])]


def test_two_hidden_rows_need_nothing_more_and_area_wide_rows_are_another_table() -> None:
    rows = [stat("domestic-abuse", 3), stat("robbery", 2), stat("burglary", 58)]
    area = Statistic.model_validate({"category": "vehicle-crime", "period": "2024", "count": 7})
    total = stat("all-crime", 63)
    shown = disclose_statistics([*rows, area, total], 5)
    assert [s.count for s in shown] == [None, None, 58, 7, 63]


# --- indicators that count people -----------------------------------------------------


def test_an_indicator_counting_people_has_its_small_counts_suppressed() -> None:
    ind = indicator(
        q("Q1", 3, month={"value": Decimal(1)}, basis="year-to-date"),
        q("Q2", 0),
        q("Q3", 12),
        baseline={"value": Decimal(4), "period": "2023/24"},
    )
    shown, outturn = disclose_indicator(ind, Outturn(indicator="repeat-victims", value=2), 5)
    q1, q2, q3 = shown.actuals
    assert (q1.value, q1.status, q1.month and q1.month.status) == (None, "suppressed", "suppressed")
    assert (q2.value, q3.value) == (0, 12)  # zero is shown
    assert shown.baseline is not None and shown.baseline.status == "suppressed"
    assert shown.baseline.value is None
    assert outturn is not None and (outturn.value, outturn.status) == (None, "suppressed")


def test_an_indicator_not_counting_people_and_figures_in_other_units_are_left_alone() -> None:
    plain = indicator(q("Q1", 3), counts_people=False)
    assert disclose_indicator(plain, None, 5) == (plain, None)
    other = indicator(q("Q1", 3, unit="percent-change"))
    assert disclose_indicator(other, None, 5)[0].actuals[0].value == 3


def test_a_small_step_between_year_to_date_figures_is_withheld() -> None:
    # Q2 - Q1 = 3 people in Q2: the Q2 figure is withheld; Q3 - Q1 = 9 is not small.
    shown, _ = disclose_indicator(
        indicator(
            *(q(k, v, basis="year-to-date") for k, v in (("Q1", 20), ("Q2", 23), ("Q3", 29)))
        ),
        None,
        5,
    )
    assert [(a.value, a.status) for a in shown.actuals] == [
        (20, "reported"), (None, "withheld"), (29, "reported"),
    ]  # fmt: skip


def test_quarters_with_their_year_total_withhold_one_more_when_one_is_hidden() -> None:
    quarters = [q(k, v, basis="quarter") for k, v in (("Q1", 3), ("Q2", 7), ("Q3", 6), ("Q4", 9))]
    shown, outturn = disclose_indicator(
        indicator(*quarters), Outturn(indicator="repeat-victims", value=25), 5
    )
    assert [a.status for a in shown.actuals] == ["suppressed", "reported", "withheld", "reported"]
    assert outturn is not None and outturn.value == 25  # 25 - 7 - 9 = 9: 3 + 6, not 3


def test_a_suppressed_figure_is_judged_only_when_every_small_count_agrees() -> None:
    met = suppressed_rag(Decimal(10), "lower-is-better", Decimal(5), 5)
    assert met.status is Rag.GREEN
    assert met.reason == (
        "fewer than 5 against a target of 10 (lower is better): target met whatever the count"
    )
    missed = suppressed_rag(Decimal(0), "lower-is-better", Decimal(5), 5)
    assert missed.status is Rag.RED
    unsure = suppressed_rag(Decimal(3), "lower-is-better", Decimal(5), 5)
    assert unsure.status is Rag.GREY  # green for 1 to 3, red for 4: it would narrow it down
    assert unsure.reason == (
        "fewer than 5 against a target of 3 (lower is better): no status, as it would narrow "
        "down a count too small to publish"
    )


# --- the model ----------------------------------------------------------------------------


def test_counts_people_is_for_counts(tree: Tree) -> None:
    tree.edit(
        FEN + "indicators.yml", "    unit: count\n", "    unit: percent\n    counts_people: true\n"
    )
    assert tree.problems() == [
        f"{FEN}indicators.yml:2:5: error: counts_people is for an indicator measured as a "
        "count; this one is a percentage [indicators[0]]"
    ]


def test_a_suppressed_statistic_has_no_value(tree: Tree) -> None:
    tree.edit(
        FEN + "assessment.yml",
        "findings:\n",
        "statistics:\n  - category: burglary\n    period: 2023\n    count: 3\n"
        "    suppressed: [count]\nfindings:\n",
    )
    assert tree.problems() == [
        f"{FEN}assessment.yml:9:5: error: count is suppressed, so give no value for it "
        "[statistics[0]]"
    ]


# --- personal data in free text -------------------------------------------------------

PERSON = "looks like a person named by title or rank; name the role or the team instead (e.g. 'the neighbourhood sergeant')"  # noqa: E501


def test_free_text_is_searched_for_personal_data() -> None:
    offices = frozenset({"csp@fenwick.example"})
    text = (
        "Write to jane.smith@fenwick.example or j.smith@fenwick.example, not community.safety@"
        "fenwick.example, info@fenwick.example or csp@fenwick.example. Ring 01632 960123 or "
        "+44 20 7946 0000 (not 999 or 101). PC Jane Smith and DS Patel met Mrs Jones. In 2024, "
        "2,571 incidents; Cllr Ann Hale chairs."
    )
    assert list(text_problems(text, "summary", offices)) == [
        "'jane.smith@fenwick.example' looks like a person's e-mail address; give an office's "
        "shared address (the partnership's contact_email), not a person's",
        "'j.smith@fenwick.example' looks like a person's e-mail address; give an office's "
        "shared address (the partnership's contact_email), not a person's",
        "'01632 960123' looks like a phone number; give an office's number in the "
        "partnership's contact, not in the text of a plan",
        "'+44 20 7946 0000' looks like a phone number; give an office's number in the "
        "partnership's contact, not in the text of a plan",
        f"'PC Jane Smith' {PERSON}",
        f"'DS Patel' {PERSON}",
        f"'Mrs Jones' {PERSON}",
    ]
    assert list(text_problems("Ring 01632 960123.", "how_to_respond", offices)) == []


@pytest.mark.parametrize(
    "number", ["(01632) 960123", "(01632)960123", "(020) 7946 0000", "+44 (0)20 7946 0000"]
)
def test_a_phone_number_with_its_area_code_in_brackets_is_found(number: str) -> None:
    assert list(text_problems(f"Ring {number} today.", "summary", frozenset())) == [
        f"'{number}' looks like a phone number; give an office's number in the "
        "partnership's contact, not in the text of a plan"
    ]


def test_personal_data_in_a_plan_is_a_warning_where_it_is(tree: Tree) -> None:
    tree.edit(
        FEN + "assessment.yml",
        "    summary: Reports rose by a tenth.\n",
        "    summary: Reports rose by a tenth, says PC Jane Smith (jane.smith@fenwick.example).\n",
    )
    tree.edit(
        FEN + "assessment.yml", "    title: Recorded crime\n", "    title: Call 07700 900123\n"
    )
    assert tree.problems() == [
        f"{FEN}assessment.yml:7:5: warning: '07700 900123' looks like a phone number; give an "
        "office's number in the partnership's contact, not in the text of a plan "
        "[sources[0].title]",
        f"{FEN}assessment.yml:11:5: warning: 'PC Jane Smith' {PERSON} [findings[0].summary]",
        f"{FEN}assessment.yml:11:5: warning: 'jane.smith@fenwick.example' looks like a "
        "person's e-mail address; give an office's shared address (the partnership's "
        "contact_email), not a person's [findings[0].summary]",
    ]


@pytest.mark.parametrize(
    ("summary", "found"),
    [
        ("Ring 01632 960123 for help.", "'01632 960123' looks like a phone number"),
        ("Ring +44 20 7946 0000 for help.", "'+44 20 7946 0000' looks like a phone number"),
        ("DS Patel leads it.", "'DS Patel' looks like a person named by title or rank"),
        ("Dr. A. Khan leads it.", "'Dr. A. Khan' looks like a person named by title or rank"),
        ('"Write to jane.smith\\x40fenwick.example."', "'jane.smith@fenwick.example' looks like"),
    ],
)
def test_each_kind_of_personal_data_alone_in_a_file_is_found(
    tree: Tree, summary: str, found: str
) -> None:
    """Each pattern alone in a file is found, and so is an address that a YAML escape spells."""
    tree.edit(
        FEN + "assessment.yml",
        "    summary: Reports rose by a tenth.\n",
        f"    summary: {summary}\n",
    )
    (problem,) = tree.problems()
    assert problem.startswith(f"{FEN}assessment.yml:11:5: warning: {found}"), problem


_PIECES = st.sampled_from(
    [
        "jane.smith@fenwick.example", "01632 960123", "(01632) 960123", "+44 (0)20 7946 0000",
        "07700 900123", "PC Jane Smith", "Dr. A. Khan", "Mrs Jones", "DS Patel", "2,571",
        "2024-25", "reports", "rose", "by", "a", "tenth", "0", "44", "(", ")", "-", "\n", "'",
        '"', "é", "PCC", "Mr", "Smith", "@", "£1,000.00", "0\u00a01632\u2009960123",
        "0\u0661\u0666\u0663\u0662 \u0669\u0666\u0660\u0661\u0662\u0663", "\u00a0",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(_PIECES, min_size=1, max_size=14),
    joiners=st.lists(st.sampled_from([" ", "  ", "\n", "-", ""]), min_size=13, max_size=13),
    style=st.sampled_from([None, "'", '"', "|", ">"]),
    width=st.sampled_from([12, 30, 80]),
)
def test_a_file_said_to_hold_no_personal_data_holds_none(
    words: list[str], joiners: list[str], style: str | None, width: int
) -> None:
    """The check walks a file's values only when its text may hold personal data: whatever is
    found in a value must be seen in the text it was read from, folded, quoted or escaped."""
    value = "".join(word + joiner for word, joiner in zip(words, joiners, strict=False))
    text = yaml.dump({"summary": value}, default_style=style, width=width, allow_unicode=True)
    # a value PyYAML cannot write back in that style (some folded ends) is not what is tested
    assume(yaml.safe_load(text) == {"summary": value})
    found = list(text_problems(value, "summary", frozenset()))
    event("found" if found else "nothing found")
    if found:
        assert may_hold_personal_data(text), (value, text)


def test_most_files_are_not_walked_for_personal_data() -> None:
    assert not may_hold_personal_data(
        "title: Reports rose by a tenth in 2024-25\namount: 1000.00\nPCC: Mr\n"
        "applies_to: [2024-25, 2025-26]\n"
    )
    assert may_hold_personal_data("summary: >-\n  Ring 01632\n    960123.\n")
    assert may_hold_personal_data("summary: Ask PC\n  Jane Smith.\n")
    assert may_hold_personal_data('summary: "x\\x40y"\n')


# --- end to end: a statistic of 3 and a count of 3 people, built --------------------------

STATISTICS = """statistics:
  - category: domestic-abuse
    label: Domestic abuse victims, Hollin ward
    period: year to March 2024
    count: 3
    previous_count: 7
    rate_per_1000: 0.93
    small_area: true
  - category: burglary
    label: Burglary victims, Hollin ward
    period: year to March 2024
    count: 58
    previous_count: 61
    small_area: true
  - category: other-theft
    label: Theft victims, Hollin ward
    period: year to March 2024
    count: 117
    previous_count: 104
    small_area: true
  - category: all-crime
    label: Victims of any crime, Hollin ward
    period: year to March 2024
    count: 178
    previous_count: 172
    small_area: true
findings:
"""
INDICATOR = """  - id: repeat-victims
    title: Repeat victims in Hollin
    priority: domestic-abuse
    unit: count
    polarity: lower-is-better
    counts_people: true
    target:
      value: 10
    actuals:
      - quarter: Q1
        value: 3
      - quarter: Q2
        value: 11
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("disclosure") / "project"
    import shutil

    from tests.conftest import MINIMAL

    shutil.copytree(MINIMAL, root)
    tree = Tree(root)
    tree.edit(FEN + "assessment.yml", "findings:\n", STATISTICS)
    tree.edit(FEN + "indicators.yml", "indicators:\n", "indicators:\n" + INDICATOR)
    tree.edit(
        FEN + "plan.yml", "indicators: [da-reports]", "indicators: [da-reports, repeat-victims]"
    )
    out = root.parent / "site"
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


YEAR = "2024-25/fenwick-csp/"
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)


def rows(html: str, containing: str) -> list[list[str]]:
    """The cells of every table row of a page that holds `containing`."""
    return [CELL.findall(row) for row in ROW.findall(html) if containing in row]


def site_texts(site: Path) -> dict[str, str]:
    """Every text file of the built site, and of its open-data zip archives, by name."""
    texts = {}
    for path in site.rglob("*"):
        if path.suffix in (".html", ".json", ".csv", ".svg", ".txt", ".xml"):
            texts[path.relative_to(site).as_posix()] = path.read_text(encoding="utf-8")
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as zipped:
                for name in zipped.namelist():
                    texts[f"{path.name}/{name}"] = zipped.read(name).decode("utf-8")
    return texts


def test_a_statistic_of_3_shows_as_fewer_than_5_and_its_total_cannot_give_it(built: Path) -> None:
    html = (built / YEAR / "assessment/index.html").read_text(encoding="utf-8")
    table = rows(html, "Hollin ward")
    counts = {cells[0]: cells[2] for cells in table}
    assert counts == {
        "Domestic abuse victims, Hollin ward": "fewer than 5",
        "Burglary victims, Hollin ward": "not shown",  # else 178 - 58 - 117 = 3
        "Theft victims, Hollin ward": "117",
        "Victims of any crime, Hollin ward": "178",
    }
    assert table[0][6] == "not shown"  # its rate: 3 = 0.93 x population
    hidden = [c for name, c in counts.items() if "any crime" not in name and not c.isdigit()]
    assert len(hidden) != 1  # the total less the rows shown is never one row's count


def test_a_count_of_3_people_is_fewer_than_5_on_the_page_chart_and_search(built: Path) -> None:
    html = (built / YEAR / "performance/index.html").read_text(encoding="utf-8")
    q1 = next(cells for cells in rows(html, "whatever the count") if cells[0] == "Q1")
    assert q1[1] == "fewer than 5"
    assert "fewer than 5 against a target of 10" in q1[-1]
    svg = (built / YEAR / "charts/trend-repeat-victims.svg").read_text(encoding="utf-8")
    assert "2024/25 Q1: fewer than 5; 2024/25 Q2: 11." in svg  # the chart's description
    assert re.findall(r"<text[^>]*>([^<]*)</text>", svg)[1:3] == ["fewer than 5", "11"]
    assert svg.count("<circle") == 1  # Q2's point; Q1 is drawn at no height
    index = json.loads((built / "2024-25/search/search_index.json").read_text(encoding="utf-8"))
    wanted = ("fenwick-csp/assessment/#crime-and-demand-figures",
              "fenwick-csp/performance/#repeat-victims-in-hollin")  # fmt: skip
    entries = [e["text"] for e in index["docs"] if e["location"] in wanted]
    assert len(entries) == 2 and all("fewer than 5" in text for text in entries)
    entries += [e["text"] for e in index["docs"] if "Hollin" in e["text"] + e["title"]]
    assert not any(re.search(r"Hollin ward year to March 2024 3\b", t) for t in entries)
    assert not any(re.search(r"\bQ1 3\b", t) for t in entries)


def test_downloads_and_the_archive_hold_no_small_count(built: Path) -> None:
    data = built / YEAR / "data"
    document = json.loads((data / "fenwick-csp-2024-25.json").read_text(encoding="utf-8"))
    statistics = document["source"]["assessment"]["statistics"]
    assert [(s.get("count"), s["suppressed"], s["withheld"]) for s in statistics] == [
        (None, ["count"], ["rate_per_1000"]), (None, [], ["count"]), (117, [], []), (178, [], []),
    ]  # fmt: skip
    [repeat] = [
        i for i in document["source"]["indicators"]["indicators"] if i["id"] == "repeat-victims"
    ]
    assert repeat["actuals"][0] == {"quarter": "Q1", "status": "suppressed"}
    [computed] = [i for i in document["computed"]["indicators"] if i["id"] == "repeat-victims"]
    assert computed["trend"][0]["value"] is None and computed["trend"][0]["status"] == "suppressed"
    table = list(
        csv.DictReader(io.StringIO((data / "fenwick-csp-2024-25-indicators.csv").read_text()))
    )
    q1 = next(r for r in table if r["id"] == "repeat-victims" and r["quarter"] == "Q1")
    assert (q1["value"], q1["status"]) == ("", "suppressed")
    texts = site_texts(built)
    archived = {
        n: t for n, t in texts.items() if n.startswith("open-data-2024-25.zip/fenwick-csp/")
    }
    assert archived and all(
        texts[YEAR + "data/" + n.split("/")[-1]] == t for n, t in archived.items()
    )
    # Nowhere, in any page, chart, download or archive, is the 3 said or judged.
    for name, text in texts.items():
        assert "3 against a target" not in text, name
        assert "Hollin ward | year to March 2024 | 3" not in text, name
