"""`plans new-year`: the next plan year started from the last one, on a copy of the example.

Each test copies the example's plans/ and data/ to a temporary folder, runs the real command
and reads what it wrote back through the project's own loader and model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.cycle.emit import Commented, Placeholder, dump
from generator.load.files import load_file
from generator.model import YEAR_KINDS
from generator.model.kinds import parse_document
from generator.pipeline import check_project
from tests.conftest import CHECKOUT

KEL = "plans/safer-kelderton/"
PARTNERSHIPS = ("brackenshire-pcc", "dunmarsh-wyckholt", "safer-kelderton", "sallowfield")
NEW_FILES = (
    "actions.yml", "assessment.yml", "funding.yml", "indicators.yml", "plan.yml", "review.yml",
    "risks.yml", "services.yml",
)  # fmt: skip
REVIEW = """summary: A year of change.
outturns:
  - indicator: asb-incidents
    value: 8420
    period: year to March 2027
  - indicator: da-reported
    value: 12.5
    unit: percent-change
  - indicator: knife-crime-offences
    status: not-yet-available
services:
  - service: idva-service
    decision: decommission
    rationale: The PCC's victim hub takes the work on.
    effective: 2027-03-31
  - service: drug-intervention-service
    decision: recommission
    rationale: The contract is re-tendered.
    effective: 2027-04-01
  - service: asb-case-management
    decision: continue
    rationale: It works.
    effective: 2027-04-01
  - service: hate-crime-reporting-centres
    decision: decommission
    rationale: Reports now go straight to the police.
    effective: 2027-03-31
"""


def copy_example(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for part in ("plans", "data"):
        shutil.copytree(CHECKOUT / part, root / part)
    return root


def new_year(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["new-year", *args, "--project", str(root)])


def files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def typed(root: Path, name: str) -> Any:
    """A written file read back through the project's loader and typed by its model."""
    document, problems = load_file(root / name, root)
    assert document is not None and problems == [], problems
    model, problems = parse_document(YEAR_KINDS[Path(name).stem], document)
    assert problems == [], problems
    return model


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def test_new_year_starts_every_partnership_and_changes_no_file(example: Path) -> None:
    before = files(example)
    result = new_year(example)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "plans/brackenshire-pcc/2027-28: started from 2026-27, 18 to confirm",
        "plans/dunmarsh-wyckholt/2027-28: started from 2026-27, 46 to confirm",
        "plans/marrowby/2026-27: started from 2025-26, 10 to confirm",
        "plans/safer-kelderton/2027-28: started from 2026-27, 48 to confirm",
        "plans/sallowfield/2027-28: started from 2026-27, 43 to confirm",
        "Run plans validate to list them.",
    ]
    after = files(example)
    assert {name: after[name] for name in before} == before
    new = sorted(set(after) - set(before))
    folders = [f"plans/{p}/2027-28/" for p in PARTNERSHIPS] + ["plans/marrowby/2026-27/"]
    assert new == sorted(folder + name for folder in folders for name in NEW_FILES)
    for name in new:
        typed(example, name)
    assert [p.name for p in example.rglob(".*")] == []  # no temporary folder left


def test_the_new_years_validate_with_warnings_only(example: Path) -> None:
    assert new_year(example).exit_code == 0
    result = CliRunner().invoke(main, ["validate", str(example), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert ": error:" not in result.output
    assert result.output.splitlines()[-1].startswith("0 errors, ")
    assert "warning: indicator 'asb-incidents': still to confirm:" in result.output


def test_a_second_run_refuses_and_writes_nothing(example: Path) -> None:
    assert new_year(example).exit_code == 0
    before = files(example)
    result = new_year(example)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: no partnership has a last year ready to follow; nothing was written",
        *(
            f"  {pid}: its last year {year} is still a draft; approve it first, or name the "
            f"year: plans new-year {following} --partnership {pid}"
            for pid, year, following in [
                ("brackenshire-pcc", "2027-28", "2028-29"),
                ("dunmarsh-wyckholt", "2027-28", "2028-29"),
                ("marrowby", "2026-27", "2027-28"),
                ("safer-kelderton", "2027-28", "2028-29"),
                ("sallowfield", "2027-28", "2028-29"),
            ]
        ),
    ]
    assert files(example) == before


def test_the_new_plan_carries_priorities_and_leaves_the_old_years_own(example: Path) -> None:
    assert new_year(example, "2027-28", "--partnership", "safer-kelderton").exit_code == 0
    old = typed(example, KEL + "2026-27/plan.yml")
    new = typed(example, KEL + "2027-28/plan.yml")
    assert (new.year, new.title, new.status, new.stage) == (
        "2027-28",
        old.title,
        "draft",
        "analyse",
    )
    assert [p.id for p in new.priorities] == [p.id for p in old.priorities]
    assert all(p.continues == [p.id] for p in new.priorities)
    assert all(p.findings == [] and p.scores == {} for p in new.priorities)
    assert new.priorities[0].to_confirm == (
        "carried from 2026-27: check it against the 2027-28 needs assessment"
    )
    assert [p.objectives for p in new.priorities] == [p.objectives for p in old.priorities]
    assert (new.approval, new.meetings, new.summary, new.not_adopted) == (None, [], None, [])
    text = (example / KEL / "2027-28/plan.yml").read_text()
    assert "    # findings: [...]  the 2027-28 assessment's findings that justify it\n" in text
    assert "# to confirm: delete this line once done\n" in text
    review = typed(example, KEL + "2027-28/review.yml")
    assessment = typed(example, KEL + "2027-28/assessment.yml")
    assert (review.status, review.summary, review.outturns, review.services) == (
        "draft", None, [], [],
    )  # fmt: skip
    assert (assessment.status, assessment.title, assessment.findings) == (
        "draft", "Strategic needs assessment for 2027/28", [],
    )  # fmt: skip


def no_errors(root: Path) -> None:
    """The project, new years and all, validates with warnings at most."""
    _, problems = check_project(root)
    assert [str(p) for p in problems if p.severity.value == "error"] == []


def test_review_decisions_decide_what_is_carried(example: Path) -> None:
    (example / KEL / "2026-27/review.yml").write_text(REVIEW)
    services_file = example / KEL / "2026-27/services.yml"
    tenancy = "    name: Youth diversion programme (commissioned for the PCC)\n"
    text = services_file.read_text()
    assert text.count(tenancy) == 1
    text = text.replace(tenancy, tenancy + "    superseded_by: idva-service\n")
    team = "  - id: partnership-team\n"
    assert text.count(team) == 1
    services_file.write_text(text.replace(team, team + "    status: decommissioned\n"))
    assert new_year(example, "--partnership", "safer-kelderton").exit_code == 0
    no_errors(example)
    services = {s.id: s for s in typed(example, KEL + "2027-28/services.yml").services}
    assert "idva-service" not in services  # decommissioned
    assert "hate-crime-reporting-centres" not in services
    assert "partnership-team" not in services  # already decommissioned
    recommissioned = services["drug-intervention-service"]
    assert (recommissioned.procurement, recommissioned.contract) == (None, None)
    assert recommissioned.to_confirm == (
        "recommissioned at the 2026-27 review: record the new procurement and contract"
    )
    continued = services["asb-case-management"]
    assert continued.to_confirm is None
    assert [(f.stream, f.amount, f.year, f.to_confirm) for f in continued.funding] == [
        ("kelderton-city-council-budget", 100000, None, "amount carried from 2026-27: confirm it"),
        ("pcc-community-safety-fund", 65000, None, "amount carried from 2026-27: confirm it"),
    ]
    assert services["youth-diversion-programme"].superseded_by is None  # not carried
    assert services["youth-diversion-programme"].to_confirm == (
        "no decision at the 2026-27 review: confirm the service continues; the contract ended "
        "2027-03-31: record its extension or the new one"
    )
    actions = {a.id: a for a in typed(example, KEL + "2027-28/actions.yml").actions}
    monitoring = actions["cohesion-tension-monitoring"]
    assert monitoring.services == []
    assert monitoring.to_confirm == (
        "carried from 2026-27: set a new due date; its services hate-crime-reporting-centres "
        "were not carried: check it"
    )
    assert "vawg-joint-service" not in actions  # complete
    assert "reoff-families-bid" not in actions  # cancelled


def test_an_indicators_baseline_is_last_years_outturn(example: Path) -> None:
    (example / KEL / "2026-27/review.yml").write_text(REVIEW)
    assert new_year(example, "--partnership", "safer-kelderton").exit_code == 0
    indicators = {i.id: i for i in typed(example, KEL + "2027-28/indicators.yml").indicators}
    asb = indicators["asb-incidents"]
    assert (asb.baseline.value, asb.baseline.period, asb.baseline.unit) == (
        8420, "year to March 2027", None,
    )  # fmt: skip
    assert (asb.target, asb.actuals, asb.to_confirm) == (None, [], "set the 2027-28 target")
    da = indicators["da-reported"].baseline
    assert (da.value, da.period, da.unit) == (12.5, "2026-27 outturn", "percent-change")
    knives = indicators["knife-crime-offences"]  # an outturn with no figure: the old baseline
    old = {i.id: i for i in typed(example, KEL + "2026-27/indicators.yml").indicators}
    assert knives.baseline == old["knife-crime-offences"].baseline
    assert knives.to_confirm == (
        "no 2026-27 outturn: the old baseline is kept; set the 2027-28 target"
    )


def test_a_service_of_an_ending_stream_is_proposed_for_the_risk_register(example: Path) -> None:
    (example / KEL / "2026-27/risks.yml").unlink()  # no entry for it on the register yet
    assert new_year(example, "--partnership", "safer-kelderton").exit_code == 0
    risks = typed(example, KEL + "2027-28/risks.yml").risks
    assert [r.model_dump(exclude_none=True) for r in risks] == [
        {
            "id": "ae-youth-navigators-funding-ends",
            "service": "ae-youth-navigators",
            "reason": "funding-ends",
            "description": "Its funding from `home-office-serious-violence-grant` ends on "
            "31 March 2028 (data/funding-streams.yml).",
            "mitigations": [],
            "owner": "kelderton-city-council",
            "to_confirm": "proposed by plans new-year: rate it and recommend",
        }
    ]
    services = {s.id: s for s in typed(example, KEL + "2027-28/services.yml").services}
    assert "its funding from home-office-serious-violence-grant ends by 2027-28: decide" in (
        services["ae-youth-navigators"].to_confirm or ""
    )


def test_a_service_already_on_the_register_keeps_its_entry_and_gets_no_second(
    example: Path,
) -> None:
    assert new_year(example, "--partnership", "safer-kelderton").exit_code == 0
    risks = typed(example, KEL + "2027-28/risks.yml").risks
    assert [(r.id, r.service, r.reason) for r in risks] == [
        ("risk-navigators", "ae-youth-navigators", "funding-ends")
    ]
    assert risks[0].harm is not None and risks[0].recommendation == "seek-other-funding"


def test_a_line_from_a_stream_that_ended_is_not_carried(example: Path) -> None:
    streams = example / "data/funding-streams.yml"
    text = streams.read_text()
    head = "  - id: kelderton-city-council-budget\n"
    head += "    name: Kelderton City Council community safety base budget\n"
    assert text.count(head) == 1
    streams.write_text(text.replace(head, head + "    ends: 2027-03\n"))
    assert new_year(example, "--partnership", "safer-kelderton").exit_code == 0
    no_errors(example)
    services = {s.id: s for s in typed(example, KEL + "2027-28/services.yml").services}
    asb = services["asb-case-management"]
    assert [f.stream for f in asb.funding] == ["pcc-community-safety-fund"]
    assert asb.to_confirm == (
        "no decision at the 2026-27 review: confirm the service continues; funding not carried "
        "from a stream that ended: kelderton-city-council-budget (ended 2027-03)"
    )
    risks = {r.service: r for r in typed(example, KEL + "2027-28/risks.yml").risks}
    assert risks["asb-case-management"].description == (
        "Its funding from `kelderton-city-council-budget` ends in March 2027 "
        "(data/funding-streams.yml)."
    )


def test_open_actions_carry_and_finished_ones_do_not(example: Path) -> None:
    assert new_year(example, "--partnership", "brackenshire-pcc").exit_code == 0
    old = "plans/brackenshire-pcc/2026-27/actions.yml"
    new = typed(example, "plans/brackenshire-pcc/2027-28/actions.yml").actions
    assert [a.id for a in typed(example, old).actions] == [
        "csp-reporting-dashboard", "joint-victim-mobilisation", "iom-refresh",
        "grants-round-closed",
    ]  # fmt: skip
    assert [(a.id, a.carried_from, a.progress, a.to_confirm) for a in new] == [
        ("csp-reporting-dashboard", "2026-27", [], "carried from 2026-27: set a new due date"),
        ("iom-refresh", "2026-27", [], "carried from 2026-27: set a new due date"),
    ]
    assert [m.status for m in new[0].milestones] == ["scheduled"]


def test_each_refusal_says_why_in_one_line_and_writes_nothing(example: Path) -> None:
    before = files(example)
    cases = {
        ("2026-27", "--partnership", "sallowfield"): [
            "Error: plans/sallowfield/2026-27 already exists; plans new-year only starts new years"
        ],
        ("2028-29", "--partnership", "sallowfield"): [
            "Error: sallowfield: its next plan year is 2027-28, not 2028-29; plans new-year "
            "starts the year after the last one"
        ],
        ("2027",): ["Error: YEAR: write the financial year as YYYY-YY (e.g. 2024-25), got '2027'"],
        ("2027-29",): ["Error: YEAR: '2027-29' is not a financial year: write 2027-28"],
        ("--partnership", "salowfield"): [
            "Error: unknown partnership 'salowfield' — did you mean 'sallowfield'?"
        ],
        ("2029-30",): [
            "Error: no partnership can start 2029-30; nothing was written",
            "  brackenshire-pcc: its last year is 2026-27; start 2027-28 first",
            "  dunmarsh-wyckholt: its last year is 2026-27; start 2027-28 first",
            "  marrowby: its last year is 2025-26; start 2026-27 first",
            "  safer-kelderton: its last year is 2026-27; start 2027-28 first",
            "  sallowfield: its last year is 2026-27; start 2027-28 first",
        ],
    }
    for args, expected in cases.items():
        result = new_year(example, *args)
        assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (1, "", expected)
    assert files(example) == before


def test_a_named_year_starts_where_it_follows_and_lists_the_others(example: Path) -> None:
    result = new_year(example, "2027-28")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "marrowby: its last year is 2025-26; start 2026-27 first",
        "Run plans validate to list them.",
    ]
    assert not (example / "plans/marrowby/2026-27").exists()
    assert (example / "plans/sallowfield/2027-28/plan.yml").is_file()


def test_a_project_with_errors_is_refused(example: Path) -> None:
    plan = example / "plans/sallowfield/2026-27/plan.yml"
    plan.write_text(plan.read_text().replace("status: approved", "status: aproved"))
    before = files(example)
    result = new_year(example)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: 1 error found; nothing was written"
    assert "'aproved' is not allowed here" in result.stderr
    assert files(example) == before


HOSTILE_TITLE = "- \"quoted\" 'single' #not-a-comment: {{ braces }} key: value"
HOSTILE_BLOCK = (
    "First line: with a colon # and a hash\n- a list item\n\n{{ not a template }} 'quoted' "
    '"double"\n'
)
HOSTILE_QUOTED = " starts with a space\n  \nends with lines\n\n"


def test_hostile_text_round_trips_exactly(example: Path) -> None:
    services = example / KEL / "2026-27/services.yml"
    text = services.read_text()
    swaps = [
        (
            "    name: Neighbourhood ASB and safer streets team\n",
            f"    name: {json.dumps(HOSTILE_TITLE)}\n",
        ),
        (
            "    description: >-\n      Redesigned in April 2025 after the 2024/25 review: "
            "caseworkers and wardens in one team,\n      sharing a case-management system with "
            "the police.\n",
            f"    description: {json.dumps(HOSTILE_BLOCK)}\n",
        ),
        (
            "    description: >-\n      The ICB pays for the navigators' hospital base and "
            "clinical supervision from its own\n      budget (aligned, not pooled).\n",
            f"    description: {json.dumps(HOSTILE_QUOTED)}\n",
        ),
    ]
    for old, new in swaps:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    services.write_text(text)
    result = new_year(example, "--partnership", "safer-kelderton")
    assert result.exit_code == 0, result.output
    carried = {s.id: s for s in typed(example, KEL + "2027-28/services.yml").services}
    asb, navigators = carried["asb-case-management"], carried["ae-youth-navigators"]
    assert (asb.name, asb.description) == (HOSTILE_TITLE, HOSTILE_BLOCK)
    assert navigators.description == HOSTILE_QUOTED
    written = (example / KEL / "2027-28/services.yml").read_text()
    assert "    description: |\n      First line: with a colon # and a hash\n" in written


def test_the_writer_comments_the_lines_to_fill_in() -> None:
    text = dump(
        {
            "id": "x",
            "#later": Placeholder("findings: [...]"),
            "list": [{"a": "1", "b": Commented("two: 2", "say more")}],
            "ids": ["a-b", "c"],
            "empty": [],
        },
        header=["First", ""],
    )
    assert text == (
        "# First\n#\nid: x\n# findings: [...]\nlist:\n  - a: 1\n    b: 'two: 2'  # say more\n"
        "ids: [a-b, c]\nempty: []\n"
    )


def test_the_new_year_reads_back_as_part_of_the_project(example: Path) -> None:
    assert new_year(example).exit_code == 0
    project, _ = check_project(example)
    assert project is not None
    assert sorted(y for p, y in project.years if p == "marrowby") == [
        "2023-24", "2024-25", "2025-26", "2026-27",
    ]  # fmt: skip
    assert project.years[("marrowby", "2026-27")].plan.status == "draft"


def test_formulas_and_allocations_carry_once_the_stream_has_a_pot(example: Path) -> None:
    streams = example / "data/funding-streams.yml"
    pot = "      - year: 2026-27\n        amount: 1511351.85\n"
    text = streams.read_text()
    assert text.count(pot) == 1
    streams.write_text(text.replace(pot, pot + "      - year: 2027-28\n        amount: 1500000\n"))
    assert new_year(example, "2027-28").exit_code == 0
    no_errors(example)
    pcc = typed(example, "plans/brackenshire-pcc/2027-28/funding.yml")
    assert [(f.id, f.to_confirm) for f in pcc.formulas] == [
        ("csf-formula-2026-27", "carried from 2026-27: confirm the pot and inputs")
    ]
    sallowfield = typed(example, "plans/sallowfield/2027-28/funding.yml")
    assert [(a.id, a.formula) for a in sallowfield.allocations] == [
        ("community-safety-fund", "csf-formula-2026-27")
    ]
    written = (example / "plans/sallowfield/2027-28/funding.yml").read_text()
    assert (
        "# allocation district-base-budget (sallowfield-district-council-budget): add it once "
        "data/funding-streams.yml gives the stream's 2027-28 pot\n"
    ) in written


def test_without_a_pot_the_money_is_left_as_comments(example: Path) -> None:
    assert new_year(example, "2027-28", "--partnership", "sallowfield").exit_code == 0
    funding = typed(example, "plans/sallowfield/2027-28/funding.yml")
    assert (funding.allocations, funding.formulas) == ([], [])
    written = (example / "plans/sallowfield/2027-28/funding.yml").read_text()
    assert (
        "# allocation community-safety-fund (formula csf-formula-2026-27): add it once the "
        "2027-28 formula is recorded\n"
    ) in written


def test_a_failed_write_leaves_no_new_folder(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = files(example)
    real = Path.write_text
    written: list[Path] = []

    def fail_on_the_twentieth(self: Path, *args: Any, **kwargs: Any) -> int:
        written.append(self)
        if len(written) == 20:
            raise OSError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", fail_on_the_twentieth)
    result = new_year(example)
    assert result.exit_code == 1
    assert "OSError: disk full" in result.stderr
    assert files(example) == before
    assert sorted(p.name for p in example.glob("plans/*/*")) == sorted(
        p.name for p in (CHECKOUT / "plans").glob("*/*")
    )


AWKWARD = [
    "null", "~", "yes", "true", "0.5", "1e5", "0x1F", "12:30", "- item", "a: b", "a #b", "#x",
    "{{ x }}", "[x]", "{x}", "'single'", '"double"', "back\\slash", "  lead", "trail  ", "---",
    "...", "é £ — ☃", "!tag", "&anchor", "*alias", "%pct", "@at", "`tick`", "|", ">", "?",
    "a\nb", "a\nb\n", " a\n\nb\n\n", "x\n  indented\n", "# h\n\n- l\n", "tab\there\nnext",
    "word " * 40 + "end", "a: b # c " * 20 + "- d", "{{ x }} " * 30 + "'q'", "x  y " * 30,
    "long " * 25 + "trailing ", "#start " * 30 + "#", "- " + "item " * 40 + ":",
]  # fmt: skip


@pytest.mark.parametrize("text", AWKWARD)
def test_the_writer_round_trips_any_text_through_the_projects_loader(text: str) -> None:
    from generator.load.reader import load_bytes

    data = {"value": text, "items": [text, "plain-id"], "nested": [{"text": text, "n": "1"}]}
    written = dump(data)
    document, problems = load_bytes(written.encode("utf-8"), "x.yml")
    assert problems == [] and document is not None, written
    assert document.data == data, written


def test_long_text_is_folded_to_the_width_and_reads_back_the_same() -> None:
    text = "Arrest referral, assessment and treatment for people whose offending is linked " * 3
    written = dump({"services": [{"id": "s", "description": text.strip()}]})
    assert "    description: >-\n" in written
    assert max(len(line) for line in written.splitlines()) <= 100
    from generator.load.reader import load_bytes

    document, _ = load_bytes(written.encode("utf-8"), "x.yml")
    assert document is not None
    assert document.data == {"services": [{"id": "s", "description": text.strip()}]}
