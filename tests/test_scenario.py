"""`plans scenario`: what if a stream's money changes. On a copy of the example: every formula
the stream feeds shared again to the penny, each recipient's change, what no longer fits,
the errors in one line each, hostile names shown as text, JSON for tools, and no file
touched."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import markdown as python_markdown
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from generator.cli import main
from generator.compute.scenario import (
    Fit,
    Line,
    OtherMoney,
    PotChange,
    ScenarioError,
    changed_pot,
    parse_change,
    parse_pot,
    scenario,
)
from generator.model import Project
from generator.pipeline import check_project
from tests.conftest import CHECKOUT, Tree

PCC, YEAR, CSF = "brackenshire-pcc", "2026-27", "pcc-community-safety-fund"
DUNMARSH = "plans/dunmarsh-wyckholt/2026-27/"
HOSTILE = "<script>alert(1)</script></details> **bold** [x](http://e.example) @everyone `c` | $x$"


def copy_example(root: Path) -> Tree:
    for folder in ("plans", "data"):
        shutil.copytree(CHECKOUT / folder, root / folder)
    return Tree(root)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example's plans and data, never edited."""
    return copy_example(tmp_path_factory.mktemp("scenario") / "example").root


@pytest.fixture(scope="module")
def project(example: Path) -> Project:
    model, problems = check_project(example)
    assert model is not None and not problems, problems
    return model


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """A copy of the example to edit."""
    return copy_example(tmp_path / "example")


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["scenario", *args, "--project", str(root)], prog_name="plans")


def scenario_of(root: Path, *args: str) -> str:
    result = run(root, *args)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


# --- the example ----------------------------------------------------------------------------


def test_minus_20_percent_shares_the_new_pot_exactly_and_names_what_no_longer_fits(
    example: Path,
) -> None:
    out = scenario_of(example, PCC, YEAR, "--stream", CSF, "--change", "-20%").splitlines()
    assert out[0] == (
        "### Scenario: PCC community safety fund -20% "
        "(Police and Crime Commissioner for Brackenshire, 2026-27)"
    )
    assert out[2] == (
        "Every formula in brackenshire-pcc's 2026-27 funding.yml fed by pcc-community-safety-fund "
        "has its pot changed by -20%, rounded to the nearest penny, half a penny up."
    )
    assert "Pot: £1,271,851.85 → £1,017,481.48 (-£254,370.37)." in out
    assert (
        "Shares worked out again to the penny (largest remainder): they add up to £1,017,481.48, "
        "the new pot exactly."
    ) in out
    table = out[out.index("| recipient | allocation | in this scenario | change | change % |") :]
    assert table[2:6] == [
        "| Safer Kelderton Partnership (safer-kelderton) | £598,081.58 | £478,465.26 "
        "| -£119,616.32 | -20.00% |",
        "| Dunmarsh and Wyckholt Community Safety Partnership (dunmarsh-wyckholt) | £451,960.73 "
        "| £361,568.59 | -£90,392.14 | -20.00% |",
        "| Sallowfield Community Safety Partnership (sallowfield) | £229,309.54 | £184,947.63 "
        "| -£44,361.91 | -19.35% |",
        "| **total** | £1,279,351.85 | £1,024,981.48 | -£254,370.37 | |",
    ]
    assert (
        "- Sallowfield Community Safety Partnership's allocation includes an adjustment of "
        "+£7,500.00, kept as recorded: its share of the formula goes from £221,809.54 to "
        "£177,447.63. The adjustment: “Rural sparsity:"
    ) in "\n".join(out)
    assert (
        "Allocations from the stream in brackenshire-pcc's funding.yml outside the formula, "
        "kept as recorded: csf-retained (retained) £185,000.00."
    ) in out
    assert "##### Safer Kelderton Partnership (safer-kelderton): still fit" in out
    assert (
        "Money from the stream: £645,081.58 → £525,465.26 (formula £478,465.26; kept as "
        "recorded: pcc-central-youth-diversion, discretionary, £47,000.00)."
    ) in out
    assert (
        "##### Dunmarsh and Wyckholt Community Safety Partnership (dunmarsh-wyckholt): "
        "no longer fit: short by £10,431.41"
    ) in out
    assert (
        "**No longer fit:** Rural domestic abuse outreach, Town centre and harbour street "
        "wardens, Public space CCTV monitoring, Child and young adult exploitation support "
        "worker, Dunmarsh and Wyckholt community safety hub: their known lines from the stream "
        "total £372,000.00, £10,431.41 more than £361,568.59. Keeping any of them whole means "
        "cutting another or finding other money."
    ) in out
    assert (
        "##### Sallowfield Community Safety Partnership (sallowfield): "
        "no longer fit: short by £37,052.37"
    ) in out
    assert "| Public space CCTV monitoring (service cctv-monitoring) | £45,000.00 |" in out
    assert "**Not exact:" not in "\n".join(out), "a formula applied fully is exact"


def test_the_fit_rule_is_said_in_the_output(example: Path) -> None:
    out = scenario_of(example, PCC, YEAR, "--stream", CSF, "--change", "-20%")
    assert (
        "A recipient's services and actions fit when the known amounts of their funding lines "
        "from the stream for the year add up to no more than its money from the stream: its "
        "formula allocation plus its other allocations from the stream, kept as recorded. A "
        "line whose amount is not known is never counted as £0"
    ) in out


@pytest.mark.parametrize(
    "percent", ["-20", "-33.33", "+5", "-99.99", "0", "-100", "+250", "-0.001", "+12.345"]
)
def test_every_recomputed_formula_shares_exactly_its_new_pot(
    project: Project, percent: str
) -> None:
    result = scenario(project, PCC, YEAR, CSF, PotChange(percent=Decimal(percent)))
    (formula,) = result.formulas
    assert formula.new_pot == changed_pot(Decimal("1271851.85"), Decimal(percent))
    shares = [r.new_share for r in formula.recipients]
    assert all(share is not None for share in shares)
    assert sum(s for s in shares if s is not None) == formula.new_pot == formula.new_shares_total


@given(st.integers(0, 10**12), st.decimals(-100, 1000, places=3))
def test_any_pot_changed_by_any_percentage_is_whole_pence_and_within_half_a_penny(
    pence: int, percent: Decimal
) -> None:
    pot = Decimal(pence) / 100
    new = changed_pot(pot, percent)
    assert new == new.quantize(Decimal("0.01"))
    exact = pot * (100 + percent) / 100
    assert abs(new - exact) <= Decimal("0.005")


def test_half_a_penny_rounds_up() -> None:
    assert changed_pot(Decimal("0.05"), Decimal("-50")) == Decimal("0.03")
    assert changed_pot(Decimal("0.01"), Decimal("-50")) == Decimal("0.01")
    assert changed_pot(Decimal("0.01"), Decimal("-50.01")) == Decimal("0.00")
    assert changed_pot(Decimal("1271851.85"), Decimal("-20")) == Decimal("1017481.48")


def test_growth_of_5_percent_can_make_lines_fit_that_did_not(tree: Tree) -> None:
    sallowfield = "plans/sallowfield/2026-27/services.yml"
    text = tree.read(sallowfield)
    assert text.count("amount: 98000.00") == 1
    tree.edit(sallowfield, "amount: 98000.00", "amount: 110000.00")  # lines now £234,000
    out = scenario_of(tree.root, PCC, YEAR, "--stream", CSF, "--change", "+5%").splitlines()
    assert out[0].startswith("### Scenario: PCC community safety fund +5% (")
    assert "Pot: £1,271,851.85 → £1,335,444.44 (+£63,592.59)." in out
    assert (
        "| Sallowfield Community Safety Partnership (sallowfield) | £229,309.54 | £240,400.02 "
        "| +£11,090.48 | +4.84% |"
    ) in out
    assert "##### Sallowfield Community Safety Partnership (sallowfield): now fit" in out
    assert (
        "Their lines from the stream total £234,000.00, within £240,400.02 by £6,400.02."
    ) in out
    assert "##### Safer Kelderton Partnership (safer-kelderton): still fit" in out


def test_lines_that_did_not_fit_before_are_said_not_to_fit_still(tree: Tree) -> None:
    tree.edit("plans/sallowfield/2026-27/services.yml", "amount: 98000.00", "amount: 110000.00")
    out = scenario_of(tree.root, PCC, YEAR, "--stream", CSF, "--change", "-1%")
    assert (
        "##### Sallowfield Community Safety Partnership (sallowfield): do not fit, nor did they "
        "before: short by £6,908.55"
    ) in out


def test_a_new_pot_in_pounds(example: Path) -> None:
    out = scenario_of(example, PCC, YEAR, "--stream", CSF, "--pot", "£1,000,000").splitlines()
    assert out[0] == (
        "### Scenario: PCC community safety fund pot £1,000,000.00 "
        "(Police and Crime Commissioner for Brackenshire, 2026-27)"
    )
    assert out[2] == (
        "The pot of the formula in brackenshire-pcc's 2026-27 funding.yml fed by "
        "pcc-community-safety-fund becomes £1,000,000.00."
    )
    assert "Pot: £1,271,851.85 → £1,000,000.00 (-£271,851.85)." in out
    assert "they add up to £1,000,000.00, the new pot exactly." in "\n".join(out)


def test_what_cannot_be_worked_out_again_is_said_not_guessed(example: Path) -> None:
    out = scenario_of(
        example, PCC, "2025-26", "--stream", "pcc-drug-alcohol-fund", "--change", "-20%"
    )
    assert "**Not exact:** some of the figures below are not what would be paid" in out
    assert (
        "- **Not exact:** Marrowby Community Safety Partnership was paid £60,000.00, not the "
        "formula's £78,000.00 (“Transition year:"
    ) in out
    assert "- **Not exact:** the formula was applied partially (“PCC discretion:" in out
    assert (
        "- **Not exact:** in 2025-26 the formula's transition pays 50% of the way from the "
        "previous allocations to the formula's shares."
    ) in out
    assert (
        "| Brackenshire County Council (brackenshire-county-council), for dunmarsh-wyckholt, "
        "sallowfield | £72,000.00 | £57,600.00 | -£14,400.00 | -20.00% |"
    ) in out
    assert "Money from the stream: £60,000.00 → £62,400.00, not exact" in out
    unpublished = scenario_of(
        example, "marrowby", "2023-24", "--stream", "marrowby-ward-grants", "--change", "-20%"
    )
    assert "**Not recomputed:** the formula's inputs were not published" in unpublished
    assert (
        "| Harbourlight Domestic Abuse Service (harbourlight) | £5,000.00 | not known "
        "| not known | not known |"
    ) in unpublished
    assert "£0.00" not in unpublished.split("| recipient |")[1].split("####")[0]
    assert "##### Fenlight Youth Projects (fenlight-youth): not a partnership" in unpublished


def test_a_line_of_unknown_amount_is_never_counted_as_nothing(tree: Tree) -> None:
    tree.edit(
        DUNMARSH + "services.yml",
        "stream: pcc-community-safety-fund\n        amount: 57000.00",
        "stream: pcc-community-safety-fund\n        amount_status: withheld\n"
        "        amount_reason: Commercial confidentiality",
    )
    out = scenario_of(tree.root, PCC, YEAR, "--stream", CSF, "--change", "-20%")
    assert (
        "##### Dunmarsh and Wyckholt Community Safety Partnership (dunmarsh-wyckholt): cannot tell"
    ) in out
    assert (
        "Their known lines from the stream total £315,000.00, leaving out 1 line whose amount "
        "is not known."
    ) in out
    assert "| Rural domestic abuse outreach (service da-outreach) | withheld |" in out
    # the known lines alone too much: no unknown line can make them fit
    out = scenario_of(tree.root, PCC, YEAR, "--stream", CSF, "--change", "-40%")
    assert "(dunmarsh-wyckholt): no longer fit: short by £43,823.56" in out


def _line(lid: str, amount: str | None, status: str | None = None, *group: str) -> Line:
    total = Decimal("88000.00") if status == "combined" else None
    return Line("p", "service", lid, lid, Decimal(amount) if amount else None, status, group, total)


def test_a_combined_group_counts_once_by_its_total_only_when_it_is_all_there() -> None:
    def fit(*lines: Line, others: tuple[OtherMoney, ...] = ()) -> Fit:
        return Fit("p", "P", ("p",), (), Decimal(100000), Decimal(90000), others, lines, True)

    both = fit(_line("a", None, "combined", "b"), _line("b", None, "combined", "a"))
    assert (both.known_total, both.unknown_lines, both.before, both.now) == (
        Decimal("88000.00"), (), "fits", "fits",
    )  # fmt: skip
    half = fit(_line("a", None, "combined", "b"), _line("c", "1000"))
    assert (half.known_total, [x.id for x in half.unknown_lines]) == (Decimal(1000), ["a"])
    assert half.now == "unknown"
    over = fit(_line("c", "95000"))
    assert (over.before, over.now, over.shortfall) == ("fits", "does-not-fit", Decimal(5000))
    unknown_money = OtherMoney("p", "grant", "bid", None, "withheld")
    assert fit(_line("c", "95000"), others=(unknown_money,)).now == "unknown"
    assert fit().now == "no-lines"


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["brackenshire-pc", YEAR, "--stream", CSF, "--change", "-20%"],
            "unknown partnership 'brackenshire-pc' — did you mean 'brackenshire-pcc'?",
        ),
        (
            [PCC, "2027-28", "--stream", CSF, "--change", "-20%"],
            "brackenshire-pcc has no plan year '2027-28' (its years: 2024-25, 2025-26, 2026-27)"
            " — did you mean '2026-27'?",
        ),
        (
            [PCC, YEAR, "--stream", "pcc-community-safety-fnd", "--change", "-20%"],
            "unknown funding stream 'pcc-community-safety-fnd' — did you mean "
            "'pcc-community-safety-fund'?",
        ),
        (
            [PCC, YEAR, "--stream", "pcc-community-grants", "--change", "-20%"],
            "no formula in brackenshire-pcc's 2026-27 funding.yml is fed by "
            "'pcc-community-grants'; formulas there are fed by: pcc-community-safety-fund",
        ),
        (
            ["safer-kelderton", YEAR, "--stream", CSF, "--change", "-20%"],
            "no formula in safer-kelderton's 2026-27 funding.yml is fed by "
            "'pcc-community-safety-fund'; it has none",
        ),
        (
            [PCC, YEAR, "--stream", CSF, "--change", "twenty"],
            "--change takes a signed percentage such as -20% or +5%, not 'twenty'",
        ),
        (
            [PCC, YEAR, "--stream", CSF, "--change", "-20%", "--pot", "5"],
            "give --change or --pot, not both",
        ),
        ([PCC, YEAR, "--stream", CSF], "give --change (e.g. -20%) or --pot (e.g. 123456.78)"),
        (
            [PCC, YEAR, "--stream", CSF, "--change", "-120%"],
            "--change -120% would make the pot of csf-formula-2026-27 negative (-£254,370.37); "
            "a pot can fall by 100% at most",
        ),
        (
            [PCC, YEAR, "--stream", CSF, "--pot", "-5"],
            "--pot is the new pot, which cannot be negative: not '-5'",
        ),
        (
            [PCC, YEAR, "--stream", CSF, "--pot", "5.123"],
            "--pot takes pounds to the penny such as 123456.78, not '5.123'",
        ),
        (
            [PCC, YEAR, "--stream", CSF, "--pot", "9" * 40],
            f"a pot of £{int('9' * 40):,}.00 is more than the plans can hold",
        ),
    ],
)
def test_each_error_is_one_line_and_a_usage_exit(
    example: Path, args: list[str], message: str
) -> None:
    result = run(example, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")


def test_several_formulas_fed_by_the_stream_take_a_change_not_one_pot(tree: Tree) -> None:
    funding = "plans/brackenshire-pcc/2026-27/funding.yml"
    text = tree.read(funding)
    start = text.index("  - id: csf-formula-2026-27")
    end = text.index("central_pot:")
    second = text[start:end].replace("csf-formula-2026-27", "csf-formula-2026-27-b", 1)
    tree.write(funding, text[:end] + second + text[end:])
    result = run(tree.root, PCC, YEAR, "--stream", CSF, "--pot", "1000")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (
        "Error: 2 formulas in brackenshire-pcc's 2026-27 funding.yml are fed by "
        "'pcc-community-safety-fund' (csf-formula-2026-27, csf-formula-2026-27-b); --pot gives "
        "one pot: use --change to change them all by the same percentage"
    )
    model, _ = check_project(tree.root)
    assert model is not None
    both = scenario(model, PCC, YEAR, CSF, PotChange(percent=Decimal(-20)))
    assert [f.new_shares_total for f in both.formulas] == [Decimal("1017481.48")] * 2
    kelderton = next(fit for fit in both.fits if fit.key == "safer-kelderton")
    assert kelderton.new_formula == Decimal("478465.26") * 2


def test_a_project_with_errors_prints_them_and_exits_1(tree: Tree) -> None:
    tree.edit("plans/sallowfield/2026-27/services.yml", "amount: 98000.00", "amount: lots")
    result = run(tree.root, PCC, YEAR, "--stream", CSF, "--change", "-20%")
    assert (result.exit_code, result.stdout) == (1, "")
    lines = result.stderr.splitlines()
    assert (
        lines[0].startswith("plans/sallowfield/2026-27/services.yml:") and ": error: " in lines[0]
    )
    assert lines[-1].startswith("Error: ") and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "percent"),
    [("-20%", "-20"), ("+5%", "5"), ("-20", "-20"), ("\u221212.5 %", "-12.5"), ("0", "0")],
)
def test_a_change_is_written_as_people_write_it(text: str, percent: str) -> None:
    assert parse_change(text) == Decimal(percent)


@pytest.mark.parametrize("text", ["20%%", "-", "%", "1e3", "-20 percent", "--20", "nan", ""])
def test_a_change_that_is_not_a_percentage_is_refused(text: str) -> None:
    with pytest.raises(ScenarioError):
        parse_change(text)


@pytest.mark.parametrize(
    ("text", "pounds"),
    [("123456.78", "123456.78"), ("£123,456.78", "123456.78"), ("5000", "5000.00"),
     ("0.5", "0.50"), ("1,000", "1000.00")],
)  # fmt: skip
def test_a_pot_is_written_as_people_write_it(text: str, pounds: str) -> None:
    assert parse_pot(text) == Decimal(pounds)


@pytest.mark.parametrize("text", ["12,34", "1,0000", "£", "1.2.3", "inf", "1e6", "-0"])
def test_a_pot_that_is_not_pounds_is_refused(text: str) -> None:
    with pytest.raises(ScenarioError):
        parse_pot(text)


# --- hostile names, JSON, nothing written ---------------------------------------------------


def test_hostile_names_are_shown_as_text(tree: Tree) -> None:
    tree.edit(DUNMARSH + "services.yml", "name: Public space CCTV monitoring", f"name: '{HOSTILE}'")
    tree.edit(
        "plans/sallowfield/partnership.yml",
        "name: Sallowfield Community Safety Partnership",
        f"name: '# {HOSTILE}'",
    )
    out = scenario_of(tree.root, PCC, YEAR, "--stream", CSF, "--change", "-20%")
    assert "<script>" not in out and "</details>" not in out
    html = python_markdown.markdown(out, extensions=["tables"])
    assert "<script>" not in html and "<strong>bold</strong>" not in html
    assert "<a " not in html and "@everyone" not in html and "<code>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/details&gt; **bold** [x](http" in (
        html.replace("\\", "")
    )
    for table in html.split("<table>")[1:]:
        rows = table.split("</table>")[0].split("<tr>")[1:]
        cells = {row.count("<td") + row.count("<th") for row in rows}
        assert len(cells) == 1, "a | in a name splits no cell"
    assert "<h1>" not in html, "a name starting with # is no heading of its own"


def test_json_for_tools(example: Path) -> None:
    result = run(example, PCC, YEAR, "--stream", CSF, "--change", "-20%", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {
        "partnership", "year", "stream", "change", "exact", "formulas", "kept", "fit_rule",
        "fits",
    }  # fmt: skip
    assert data["change"] == {
        "percent": "-20",
        "pot": None,
        "rounding": "rounded to the nearest penny, half a penny up",
    }
    (formula,) = data["formulas"]
    assert (formula["old_pot"], formula["new_pot"], formula["exact"]) == (
        "1271851.85", "1017481.48", True,
    )  # fmt: skip
    shares = [Decimal(r["new_share"]) for r in formula["recipients"]]
    assert sum(shares) == Decimal(formula["new_pot"]) == Decimal(formula["new_shares_total"])
    assert formula["recipients"][2] == {
        "recipient": "sallowfield",
        "name": "Sallowfield Community Safety Partnership",
        "partnership": "sallowfield",
        "covers": [],
        "old_share": "221809.54",
        "new_share": "177447.63",
        "adjustment": "7500.00",
        "old_allocation": "229309.54",
        "new_allocation": "184947.63",
        "change": "-44361.91",
        "percent_change": "-19.35",
        "paid": None,
    }
    assert data["kept"] == [
        {
            "partnership": PCC,
            "id": "csf-retained",
            "method": "retained",
            "amount": "185000.00",
            "amount_status": None,
        }
    ]
    dunmarsh = data["fits"][1]
    assert (dunmarsh["recipient"], dunmarsh["before"], dunmarsh["now"]) == (
        "dunmarsh-wyckholt", "fits", "does-not-fit",
    )  # fmt: skip
    assert (dunmarsh["known_total"], dunmarsh["new_money"], dunmarsh["shortfall"]) == (
        "372000.00", "361568.59", "10431.41",
    )  # fmt: skip
    assert dunmarsh["lines"][0] == {
        "partnership": "dunmarsh-wyckholt",
        "kind": "service",
        "id": "da-outreach",
        "name": "Rural domestic abuse outreach",
        "amount": "57000.00",
        "amount_status": None,
    }
    unpublished = run(
        example, "marrowby", "2023-24", "--stream", "marrowby-ward-grants", "--pot", "8000",
        "--format", "json",
    )  # fmt: skip
    row = json.loads(unpublished.stdout)["formulas"][0]["recipients"][0]
    assert (row["old_allocation"], row["new_allocation"], row["change"]) == ("5000.00", None, None)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_it_changes_no_file_and_writes_no_cache(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    caches = tmp_path / "caches"
    caches.mkdir()
    monkeypatch.setenv("PLANS_CACHE_DIR", str(caches))
    before = _files(tree.root)
    folders = sorted(p for p in tree.root.rglob("*") if p.is_dir())
    for fmt in ("markdown", "json"):
        scenario_of(tree.root, PCC, YEAR, "--stream", CSF, "--change", "-20%", "--format", fmt)
    scenario_of(tree.root, PCC, YEAR, "--stream", CSF, "--pot", "1000")
    run(tree.root, PCC, YEAR, "--stream", CSF, "--change", "-120%")
    assert _files(tree.root) == before, "every file byte-identical, no file added"
    assert sorted(p for p in tree.root.rglob("*") if p.is_dir()) == folders
    assert list(caches.iterdir()) == [], "no cache written anywhere"
