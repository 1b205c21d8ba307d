"""Publishing a plan year freezes it: `plans publish`, the publication record, the frozen-year
check in `plans validate`, corrections shown on the pages, and funding that ends."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import Tree, render_year

from generator.cli import main
from generator.compute.frozen import file_digest, frozen_content, year_digests
from generator.cycle.publish import set_status
from generator.pipeline import check_project
from generator.problems import PlansError

FEN = "plans/fenwick-csp/2025-26/"
PUBLISH = ["publish", "fenwick-csp", "2025-26", "--approved-by", "Safer Fenwick Partnership board"]
CHANGE = """\
changes:
  - date: 2025-06-02
    kind: correction
    summary: Refuge funding corrected to £45,000
    reason: The plan printed the old figure.
    approved_by: Safer Fenwick Partnership board
    fields:
      - "{field}"
"""


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def publish(tree: Tree, *extra: str) -> tuple[int, str]:
    args = [*PUBLISH, "--on", "2025-04-15", "--project", str(tree.root), *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


@pytest.fixture
def published(tree: Tree) -> Tree:
    """The minimal fixture with fenwick-csp's 2025-26 published by `plans publish`."""
    code, output = publish(tree)
    assert code == 0, output
    return tree


def test_publish_writes_the_record_and_changes_only_the_status_words(tree: Tree) -> None:
    before = snapshot(tree.root)
    code, output = publish(tree)
    assert code == 0, output
    assert output.splitlines()[0].startswith(
        f"Published fenwick-csp 2025-26: wrote {FEN}published.yml (6 files, "
    )
    assert "plan.yml: status approved -> published." in output
    assert "2024-25/plan.yml: status published -> superseded." in output
    after = snapshot(tree.root)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == {
        f"{FEN}published.yml",
        f"{FEN}plan.yml",
        "plans/fenwick-csp/2024-25/plan.yml",
    }
    assert "status: published\n" in tree.read(f"{FEN}plan.yml")
    assert "status: superseded\n" in tree.read("plans/fenwick-csp/2024-25/plan.yml")
    record = yaml.safe_load(tree.read(f"{FEN}published.yml"))
    assert record["approved_by"] == "Safer Fenwick Partnership board"
    assert record["published"] == "2025-04-15"
    assert sorted(record["files"]) == [
        "actions.yml", "assessment.yml", "funding.yml", "indicators.yml", "plan.yml",
        "services.yml",
    ]  # fmt: skip
    assert "refuge" in record["files"]["services.yml"]["fields"]["services"]
    assert tree.problems() == []


def test_publishing_again_is_refused_and_writes_nothing(published: Tree) -> None:
    before = snapshot(published.root)
    code, output = publish(published)
    assert code == 1
    assert output.strip() == (
        "Error: fenwick-csp 2025-26 was published on 2025-04-15; record a correction or "
        "variation in its changes.yml instead"
    )
    assert snapshot(published.root) == before


def test_publish_refuses_a_project_with_errors_and_an_unknown_year(tree: Tree) -> None:
    tree.edit(f"{FEN}services.yml", "stream: council-base", "stream: council-bass")
    before = snapshot(tree.root)
    code, output = publish(tree)
    assert code == 1
    assert output.strip().endswith("Error: 1 error found; nothing was published")
    assert snapshot(tree.root) == before
    tree.edit(f"{FEN}services.yml", "stream: council-bass", "stream: council-base")
    result = CliRunner().invoke(
        main,
        ["publish", "fenwick-csp", "2030-31", "--approved-by", "B", "--on", "2030-04-01",
         "--project", str(tree.root)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: fenwick-csp has no plan year 2030-31; its years are 2024-25, 2025-26"
    )
    result = CliRunner().invoke(
        main, [*PUBLISH, "--on", "15 April 2025", "--project", str(tree.root)]
    )
    assert result.exit_code == 2
    assert "'15 April 2025' does not match the format '%Y-%m-%d'" in result.output


def test_hostile_approver_text_round_trips_through_the_record(tree: Tree) -> None:
    hostile = 'Board: "quoted" # not a comment\n- {{ x }} <script>'
    code, output = publish(tree, "--approved-by", hostile)  # the last option wins
    assert code == 1, output  # a newline is refused by the model's text type
    hostile = 'Board: "quoted" # not a comment - {{ x }} <b>'
    code, output = publish(tree, "--approved-by", hostile)
    assert code == 0, output
    project, problems = check_project(tree.root)
    assert problems == [] and project is not None
    record = project.years[("fenwick-csp", "2025-26")].published
    assert record is not None and record.approved_by == hostile


def test_set_status_changes_only_the_word() -> None:
    text = "# comment\r\nyear: 2025-26\r\nstatus: 'approved'  # set by the board\r\ntitle: x\r\n"
    assert set_status(text, "published", "p.yml") == text.replace("approved", "published")
    with pytest.raises(PlansError, match="cannot find the line 'status: …' to change"):
        set_status("{year: 2025-26, status: approved}\n", "published", "p.yml")


def test_editing_a_published_year_fails_naming_the_file_and_field(published: Tree) -> None:
    published.edit(f"{FEN}services.yml", "amount: 40000", "amount: 45000")
    assert published.problems() == [
        f"{FEN}services.yml:12:5: error: 'services[refuge].funding' changed since the year was "
        "published on 2025-04-15: undo it, or record it in changes.yml (a correction or "
        "variation) with 'services[refuge].funding' under fields [services[0].funding]"
    ]


NOT_YET_CORRECTED = (
    f"{FEN}published.yml:9:1: warning: changes.yml records 'services[refuge].funding', but the "
    "year as corrected is not yet recorded: run plans correct fenwick-csp 2025-26, so that a "
    "later change to the same fields is noticed too [digest]"
)


def correct(tree: Tree, on: str = "2025-06-03") -> tuple[int, str]:
    args = ["correct", "fenwick-csp", "2025-26", "--on", on, "--project", str(tree.root)]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


@pytest.mark.parametrize("field", ["services[refuge].funding", "services[refuge]", "services"])
def test_a_change_log_entry_naming_the_field_allows_it(published: Tree, field: str) -> None:
    published.edit(f"{FEN}services.yml", "amount: 40000", "amount: 45000")
    published.write(f"{FEN}changes.yml", CHANGE.format(field=field))
    assert published.problems() == [NOT_YET_CORRECTED]  # allowed, and waiting to be frozen
    assert correct(published) == (
        0,
        "Recorded fenwick-csp 2025-26 as corrected on 2025-06-03 (1 changes.yml entry so far). "
        "Commit published.yml.\n",
    )
    assert published.problems() == []


def test_a_corrected_field_changed_again_needs_an_entry_of_its_own(published: Tree) -> None:
    published.edit(f"{FEN}services.yml", "amount: 40000", "amount: 45000")
    published.write(f"{FEN}changes.yml", CHANGE.format(field="services[refuge].funding"))
    assert correct(published)[0] == 0
    record = yaml.safe_load(published.read(f"{FEN}published.yml"))
    assert record["corrected"]["on"] == "2025-06-03" and record["corrected"]["entries"] == 1
    published.edit(f"{FEN}services.yml", "amount: 45000", "amount: 47000")  # the gap closed
    assert published.problems() == [
        f"{FEN}services.yml:12:5: error: 'services[refuge].funding' changed since the corrected "
        "year was recorded on 2025-06-03: undo it, or record it in changes.yml (a correction "
        "or variation) with 'services[refuge].funding' under fields [services[0].funding]"
    ]
    second = CHANGE.format(field="services[refuge].funding").removeprefix("changes:\n")
    published.write(f"{FEN}changes.yml", CHANGE.format(field="services[refuge]") + second)
    assert published.problems() == [
        NOT_YET_CORRECTED.replace("9:1", "90:1").replace("[digest]", "[corrected]")
    ]
    assert correct(published, "2025-07-01")[0] == 0
    assert published.problems() == []
    assert correct(published) == (
        1,
        "Error: fenwick-csp 2025-26 is as its record says: there is no correction to record\n",
    )


def test_correct_refuses_an_unrecorded_change_and_an_unpublished_year(tree: Tree) -> None:
    assert correct(tree) == (
        1,
        "Error: fenwick-csp 2025-26 is not published, so there is no correction to record; "
        "edit it as it is\n",
    )
    assert publish(tree)[0] == 0
    tree.edit(f"{FEN}services.yml", "amount: 40000", "amount: 45000")
    before = snapshot(tree.root)
    code, output = correct(tree)
    assert code == 1 and "Error: 1 error found; nothing was recorded" in output
    assert snapshot(tree.root) == before


def test_an_entry_naming_another_field_or_dated_before_publication_does_not(
    published: Tree,
) -> None:
    published.edit(f"{FEN}services.yml", "amount: 40000", "amount: 45000")
    published.write(f"{FEN}changes.yml", CHANGE.format(field="services[refuge].contract"))
    assert len(published.problems()) == 1
    published.write(
        f"{FEN}changes.yml",
        CHANGE.format(field="services").replace("2025-06-02", "2025-04-01"),
    )
    assert len(published.problems()) == 1


def test_added_and_removed_items_fields_and_files_are_changes(published: Tree) -> None:
    published.edit(f"{FEN}services.yml", "    contract:\n      value: 40000\n", "")
    published.edit(
        f"{FEN}plan.yml", "title: Safer Fenwick Plan 2024-27", "title: Safer Fenwick Plan"
    )
    published.remove(f"{FEN}assessment.yml")
    problems = [p for p in published.problems() if "published" in p]
    assert [p.split(": error: ")[1].split(" since")[0] for p in problems] == [
        "'plan.title' changed",
        "assessment.yml was published with the year and is gone: restore it, or record its "
        "removal in changes.yml with 'assessment' under fields [files.assessment.yml]",
        "'services[refuge].contract' was removed",
    ]
    assert problems[1].startswith(f"{FEN}published.yml:")


def test_reformatting_a_published_year_is_not_a_change(published: Tree) -> None:
    for name in ("services.yml", "plan.yml", "indicators.yml", "actions.yml", "funding.yml"):
        data = yaml.load(published.read(FEN + name), Loader=yaml.BaseLoader)
        published.write(
            FEN + name,
            "# re-indented, keys sorted, every value quoted\n"
            + yaml.dump(data, indent=4, sort_keys=True, default_style='"', width=60),
        )
    published.edit(f"{FEN}services.yml", '"amount": "40000"', '"amount": "40000.00"')
    assert published.problems() == []


def test_the_stage_of_the_cycle_moves_on_after_publication(published: Tree) -> None:
    text = published.read(f"{FEN}plan.yml")
    assert "\nstage:" not in text
    published.write(f"{FEN}plan.yml", text + "stage: review\n")
    assert published.problems() == []


def test_data_that_arrives_after_publication_is_not_a_change(published: Tree) -> None:
    published.edit(
        f"{FEN}indicators.yml",
        "      - quarter: Q1\n        value: 30\n",
        "      - quarter: Q1\n        value: 30\n      - quarter: Q2\n        value: 61\n",
    )
    published.edit(f"{FEN}plan.yml", "    public: true\n", "    public: true\n"
                   "  - date: 2025-10-09\n    title: Autumn board meeting\n")  # fmt: skip
    published.edit(f"{FEN}services.yml", "    pathways:", "    status: ending\n    pathways:")
    published.write(
        f"{FEN}review.yml",
        "summary: Half way.\n",
    )
    problems = [p for p in published.problems() if ": error: " in p]
    assert problems == []


FROZEN_EDITS = {
    "plan": ("plan.yml", "title: Safer Fenwick Plan 2024-27", "title: Safer Fenwick", 2, 1,
             "plan.title", "title"),
    "assessment": ("assessment.yml", "summary: Reports rose by a tenth.",
                   "summary: Reports rose.", 11, 5, "assessment.findings[da-rising].summary",
                   "findings[0].summary"),
    "actions": ("actions.yml", "title: Fund refuge places", "title: Fund more refuge places", 5,
                5, "actions[refuge-places].title", "actions[0].title"),
    "indicators": ("indicators.yml", "title: Domestic abuse reports", "title: DA reports", 3, 5,
                   "indicators[da-reports].title", "indicators[0].title"),
    "services": ("services.yml", "name: Refuge service", "name: Refuge", 3, 5,
                 "services[refuge].name", "services[0].name"),
    "funding": ("funding.yml", "    amount: 40000\n", "    amount: 40001\n", 10, 5,
                "funding.allocations[base].amount", "allocations[1].amount"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "old", "new", "line", "column", "field", "path"),
    list(FROZEN_EDITS.values()),
    ids=list(FROZEN_EDITS),
)
def test_each_frozen_file_is_frozen(
    published: Tree, name: str, old: str, new: str, line: int, column: int, field: str, path: str
) -> None:
    published.edit(FEN + name, old, new)
    assert published.problems() == [
        f"{FEN}{name}:{line}:{column}: error: '{field}' changed since the year was published "
        f"on 2025-04-15: undo it, or record it in changes.yml (a correction or variation) with "
        f"'{field}' under fields [{path}]"
    ]


OPEN_AFTER = {
    "the plan's status": ("plan.yml", "status: published\n", "status: superseded\n"),
    "when it went online": (
        "plan.yml", "status: published\n", "status: published\npublished_online: 2025-05\n"
    ),
    "when it was sent to the PCC": (
        "plan.yml", "status: published\n", "status: published\nsent_to_pcc: 2025-05-01\n"
    ),
    "an action's status": (
        "actions.yml", "    due: 2026-03-31\n", "    due: 2026-03-31\n    status: on-track\n"
    ),
    "an action's progress": (
        "actions.yml",
        "    due: 2026-03-31\n",
        "    due: 2026-03-31\n    progress:\n      - date: 2025-07-01\n        note: Going well.\n",
    ),
    "a milestone's status": ("actions.yml", "        status: met\n", "        status: not-met\n"),
    "a milestone's note": (
        "actions.yml", "        status: met\n", "        status: met\n        note: Signed late.\n"
    ),
    "a service's decisions": (
        "services.yml",
        "    pathways:",
        "    decisions:\n      - reference: FDC-DN-2025-07\n        date: 2025-07-01\n"
        "        decision_maker: Fenwick District Council cabinet\n"
        "        summary: Extended.\n    pathways:",
    ),
    "an in-year cut": (
        "funding.yml",
        "    amount: 40000\n",
        "    amount: 40000\ncuts:\n  - stream: council-base\n    date: 2025-10-01\n"
        "    reduction: 10\n    reason: Mid-year.\n",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("name", "old", "new"), list(OPEN_AFTER.values()), ids=list(OPEN_AFTER))
def test_each_field_filled_in_after_publication_is_not_a_change(
    published: Tree, name: str, old: str, new: str
) -> None:
    published.edit(FEN + name, old, new)
    assert published.problems() == []


def test_open_fields_are_left_out_of_the_digest() -> None:
    project, _ = check_project(Path(__file__).resolve().parents[1])
    assert project is not None
    py = project.years[("safer-kelderton", "2024-25")]
    indicators = frozen_content("indicators", py.indicators)
    assert all("actuals" not in item for item in indicators["indicators"])
    assert "status" not in frozen_content("plan", py.plan)
    assert "review.yml" not in year_digests(py) and "risks.yml" not in year_digests(py)


def test_a_record_edited_by_hand_is_an_error(published: Tree) -> None:
    text = published.read(f"{FEN}published.yml")
    digest = yaml.safe_load(text)["digest"]
    published.write(f"{FEN}published.yml", text.replace(digest, "sha256:" + "0" * 64))
    assert published.problems() == [
        f"{FEN}published.yml:9:1: error: the record's digest does not match its files' "
        "digests: published.yml was edited by hand; restore it from git [digest]"
    ]


def test_status_and_record_must_agree(published: Tree) -> None:
    published.edit(f"{FEN}plan.yml", "status: published", "status: draft")
    assert published.problems() == [
        f"{FEN}plan.yml:3:1: error: the year was published on 2025-04-15 (published.yml), but "
        "its status is draft; set status: published (or superseded) [status]"
    ]


def test_a_year_published_by_hand_after_a_recorded_one_is_warned(tree: Tree) -> None:
    code = CliRunner().invoke(
        main,
        ["publish", "fenwick-csp", "2024-25", "--approved-by", "Board", "--on", "2024-04-15",
         "--project", str(tree.root)],
    ).exit_code  # fmt: skip
    assert code == 0
    assert tree.problems() == []  # 2025-26 is approved: nothing to record yet
    tree.edit(f"{FEN}plan.yml", "status: approved", "status: published")
    assert tree.problems() == [
        f"{FEN}plan.yml:3:1: warning: a published plan without a publication record can change "
        "silently (2024-25 has one): run plans publish fenwick-csp 2025-26 --approved-by … "
        "--on YYYY-MM-DD [status]"
    ]


def test_the_pages_say_a_page_was_corrected_and_link_the_log(published: Tree) -> None:
    published.edit(f"{FEN}services.yml", "amount: 40000", "amount: 45000")
    published.write(f"{FEN}changes.yml", CHANGE.format(field="services[refuge].funding"))
    files = render_year(published.root, "2025-26")
    services = files["fenwick-csp/services.md"].decode()
    assert (
        "<strong>Changed after publication.</strong> This plan was corrected on 2 June 2025: "
        'Refuge funding corrected to £45,000. <a href="../corrections/">See the corrections '
        "log</a>."
    ) in services
    assert "Changed after publication" not in files["fenwick-csp/performance.md"].decode()
    log = files["fenwick-csp/corrections.md"].decode()
    assert "## 2025/26" in log and "## 2024/25" in log
    assert "Published on 15 April 2025, approved by Safer Fenwick Partnership board." in log
    assert (
        "- **2 June 2025, correction:** Refuge funding corrected to £45,000. The plan printed "
        "the old figure. Approved by Safer Fenwick Partnership board. Changed: "
        "Commissioned services: Refuge service, funding."
    ) in log
    data = json.loads(files["fenwick-csp/data/fenwick-csp-2025-26.json"])
    assert data["source"]["published"]["approved_by"] == "Safer Fenwick Partnership board"


def test_a_hostile_change_summary_is_escaped_in_the_notice(published: Tree) -> None:
    published.edit(f"{FEN}services.yml", "amount: 40000", "amount: 45000")
    published.write(
        f"{FEN}changes.yml",
        CHANGE.format(field="services").replace(
            "Refuge funding corrected to £45,000", "'<img src=x onerror=alert(1)> & \"x\"'"
        ),
    )
    services = render_year(published.root, "2025-26")["fenwick-csp/services.md"].decode()
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;x&quot;" in services
    assert "<img" not in services


STREAM_ENDS = """\
  - id: council-base
    name: Council base budget
    funder: fenwick-council
    ends: 2027-03-31
"""


def ends_in_2027(tree: Tree) -> None:
    """The council's base budget made to end on 31 March 2027 (STREAM_ENDS)."""
    tree.edit(
        "data/funding-streams.yml",
        "  - id: council-base\n    name: Council base budget\n    funder: fenwick-council\n",
        STREAM_ENDS,
    )


def test_funding_that_ends_next_year_needs_a_decision_or_a_risk(tree: Tree) -> None:
    ends_in_2027(tree)
    warning = (
        f"{FEN}services.yml:13:9: warning: 'council-base' ends on 2027-03-31, in 2026-27: decide "
        "what happens to service 'refuge' (a decision in review.yml) or put it on the "
        "decommissioning risk register (risks.yml, reason funding-ends) so the commissioner "
        "can weigh what ending it would cost [services[0].funding[0].stream]"
    )
    assert warning in tree.problems()
    tree.write(
        f"{FEN}review.yml",
        "summary: x\nservices:\n  - service: refuge\n    decision: recommission\n"
        "    rationale: Funding ends.\n    effective: 2026-04-01\n",
    )
    assert warning not in tree.problems()
    tree.remove(f"{FEN}review.yml")
    tree.edit(f"{FEN}services.yml", "    pathways:", "    status: ending\n    pathways:")
    assert warning not in tree.problems()


def test_funding_that_ends_later_or_already_is_not_warned_here(tree: Tree) -> None:
    text = tree.read("data/funding-streams.yml")
    for ends in ("2028-03-31", "2026-03-31", "2027"):
        tree.write("data/funding-streams.yml", text.replace(
            "  - id: council-base\n    name: Council base budget\n    funder: fenwick-council\n",
            STREAM_ENDS.replace("2027-03-31", ends),
        ))  # fmt: skip
        assert not [p for p in tree.problems() if p.startswith(FEN) and "decide what" in p]


def test_plans_diff_shows_a_publication_and_a_rewritten_record(tree: Tree) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.email=e@x", "-c", "user.name=E", *args],
            cwd=tree.root, check=True, capture_output=True,
        )  # fmt: skip

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "base")
    code, output = publish(tree)
    assert code == 0, output
    report = CliRunner().invoke(main, ["diff", "HEAD", "--project", str(tree.root)]).output
    assert (
        "- **Publication** 2025-26 “Safer Fenwick Plan 2024-27”: published: its content is "
        "frozen: approved by Safer Fenwick Partnership board on 2025-04-15"
    ) in report
    git("add", "-A")
    git("commit", "-qm", "published")
    tree.edit(f"{FEN}services.yml", "amount: 40000", "amount: 45000")
    tree.write(f"{FEN}changes.yml", CHANGE.format(field="services"))
    assert correct(tree)[0] == 0
    report = CliRunner().invoke(main, ["diff", "HEAD", "--project", str(tree.root)]).output
    assert (
        "- **Publication** 2025-26 “Safer Fenwick Plan 2024-27”: corrected year recorded: later "
        "changes need changes.yml entries of their own: 2025-06-03"
    ) in report
    git("checkout", "-q", "--", ".")
    tree.edit(f"{FEN}published.yml", "approved_by: Safer", "approved_by: The Safer")
    report = CliRunner().invoke(main, ["diff", "HEAD", "--project", str(tree.root)]).output
    assert "publication record rewritten: check why" in report


def test_a_year_with_things_to_confirm_or_fill_in_is_not_published(tree: Tree) -> None:
    services = f"{FEN}services.yml"
    text = tree.read(services)
    tree.edit(
        services, "  - id: refuge\n", "  - id: refuge\n    to_confirm: the amount for 2025-26\n"
    )
    assert text != tree.read(services)
    before = snapshot(tree.root)
    code, output = publish(tree)
    assert code == 1, output
    assert (
        output.strip()
        .splitlines()[-1]
        .startswith(
            "Error: fenwick-csp 2025-26 still has 1 thing to confirm or fill in (the first: "
            f"{FEN}services.yml:"
        )
    )
    assert output.strip().endswith(
        "`plans validate` lists them; publish the year once they are done"
    )
    assert snapshot(tree.root) == before


# --- the digest's canonical form, written out by hand ---------------------------------------

CANONICAL_FUNDING = (
    '{"allocations":['
    '{"formula":"fund-formula","id":"from-pcc","method":"formula","recipient":"fenwick-council",'
    '"stream":"pcc-fund"},'
    '{"amount":"40000","id":"base","method":"retained","stream":"council-base",'
    '"title":"Base budget — £"},'
    '{"amount":"0","id":"nil","method":"bid","stream":"council-base"}],'
    '"published_total":"40100.5"}'
)
"""Fenwick's 2025-26 funding.yml as a publication record digests it: keys sorted, no spaces,
text as written (not \\u-escaped), numbers as text without trailing zeros, zero as 0."""


def test_a_files_digest_is_of_its_canonical_json_written_out_here(tree: Tree) -> None:
    tree.edit(
        FEN + "funding.yml",
        "    method: retained\n    amount: 40000\n",
        "    title: Base budget — £\n    method: retained\n    amount: 40000.00\n"
        "  - id: nil\n    stream: council-base\n    method: bid\n    amount: 0.00\n"
        "published_total: 40100.50\n",
    )
    project, problems = check_project(tree.root)
    assert project is not None, problems
    digests = year_digests(project.years[("fenwick-csp", "2025-26")])
    expected = hashlib.sha256(CANONICAL_FUNDING.encode()).hexdigest()
    assert digests["funding.yml"].digest == f"sha256:{expected}"
    fields = digests["funding.yml"].fields
    assert fields["published_total"] == hashlib.sha256(b'"40100.5"').hexdigest()[:12]
    assert fields["allocations"]["nil"]["amount"] == hashlib.sha256(b'"0"').hexdigest()[:12]


def test_a_value_of_a_kind_json_cannot_hold_is_never_digested_silently() -> None:
    with pytest.raises(TypeError, match="cannot digest a object"):
        file_digest({"when": object()})


def test_a_list_whose_ids_repeat_is_compared_whole_not_item_by_item(published: Tree) -> None:
    # two actions with one id cannot be told apart by it: the list as a whole has changed
    text = published.read(FEN + "actions.yml")
    again = text.split("actions:\n", 1)[1].replace("Fund refuge places", "Fund more places")
    published.write(FEN + "actions.yml", text + again)
    assert published.problems() == [
        f"{FEN}actions.yml:1:1: error: 'actions' changed since the year was published on "
        "2025-04-15: undo it, or record it in changes.yml (a correction or variation) with "
        "'actions' under fields [actions]",
        f"{FEN}actions.yml:13:5: error: duplicate action id 'refuge-places' (first at line 2) "
        "[actions[1].id]",
    ]


SECOND_SERVICE = """  - id: outreach
    name: Outreach service
    priorities: [domestic-abuse]
    commissioners: [fenwick-council]
    make_or_buy: make
    make_or_buy_rationale: Council staff.
    delivery_model: in-house
    pathways: [accommodation]
"""


def test_an_item_added_or_removed_is_named_by_its_list_and_id(published: Tree) -> None:
    published.edit(FEN + "services.yml", "services:\n", "services:\n" + SECOND_SERVICE)
    published.edit(
        f"{FEN}actions.yml", "    due: 2026", "    description: More places.\n    due: 2026"
    )
    milestone = "      - title: Contract signed\n        due: 2025-06-30\n        status: met\n"
    published.edit(f"{FEN}actions.yml", "    milestones:\n" + milestone, "")
    since = "since the year was published on 2025-04-15: undo it, or record it in changes.yml"
    assert [p for p in published.problems() if ": error: " in p] == [
        f"{FEN}actions.yml:2:5: error: 'actions[refuge-places].milestones' was removed {since} "
        "(a correction or variation) with 'actions[refuge-places].milestones' under fields "
        "[actions[0]]",
        f"{FEN}actions.yml:7:5: error: 'actions[refuge-places].description' was added {since} "
        "(a correction or variation) with 'actions[refuge-places].description' under fields "
        "[actions[0].description]",
        f"{FEN}services.yml:2:5: error: 'services[outreach]' was added {since} (a correction "
        "or variation) with 'services[outreach]' under fields [services[0]]",
    ]


def test_an_item_published_and_then_removed_is_named_so(tree: Tree) -> None:
    tree.edit(FEN + "services.yml", "services:\n", "services:\n" + SECOND_SERVICE)
    code, output = publish(tree)
    assert code == 0, output
    tree.edit(FEN + "services.yml", SECOND_SERVICE, "")
    assert tree.problems() == [
        f"{FEN}services.yml:1:1: error: 'services[outreach]' was removed since the year was "
        "published on 2025-04-15: undo it, or record it in changes.yml (a correction or "
        "variation) with 'services[outreach]' under fields [services]"
    ]


def test_a_frozen_file_added_after_publication_is_a_change(tree: Tree) -> None:
    funding = tree.read(FEN + "funding.yml")
    tree.remove(FEN + "funding.yml")
    code, output = publish(tree)
    assert code == 0, output
    tree.write(FEN + "funding.yml", funding)
    assert tree.problems() == [
        f"{FEN}funding.yml:1:1: error: 'funding' was added since the year was published on "
        "2025-04-15: undo it, or record it in changes.yml (a correction or variation) with "
        "'funding' under fields"
    ]


def test_a_change_the_records_field_digests_hide_is_reported_for_the_whole_file(
    published: Tree,
) -> None:
    """A title changed and its field digest in published.yml edited to match (by hand): the
    file's own digest still differs, so the file is reported whole."""
    published.edit(f"{FEN}plan.yml", "title: Safer Fenwick Plan 2024-27", "title: Safer Fenwick")
    record = published.read(f"{FEN}published.yml")
    old = hashlib.sha256(b'"Safer Fenwick Plan 2024-27"').hexdigest()[:12]
    new = hashlib.sha256(b'"Safer Fenwick"').hexdigest()[:12]
    published.write(f"{FEN}published.yml", record.replace(f"title: {old}", f"title: {new}"))
    assert published.problems() == [
        f"{FEN}plan.yml:1:1: error: 'plan' differs from its publication record since the year "
        "was published on 2025-04-15: undo it, or record it in changes.yml (a correction or "
        "variation) with 'plan' under fields"
    ]


def test_a_top_level_field_added_or_removed_is_named_so(published: Tree) -> None:
    published.edit(f"{FEN}plan.yml", "approval:\n", "summary: A shorter plan.\napproval:\n")
    published.edit(
        f"{FEN}plan.yml",
        "approval:\n  body: Safer Fenwick Partnership board\n  date: 2025-04-15\n",
        "",
    )
    found = [p.split(": error: ")[1] for p in published.problems() if " since the year" in p]
    assert [p.split(" since")[0] for p in found] == [
        "'plan.approval' was removed",
        "'plan.summary' was added",
    ]


# --- the rules of validate/cycle.py at their edges ---------------------------------------------


@pytest.mark.parametrize("status", ["ending", "decommissioned", "recommissioned"])
def test_a_service_whose_end_is_decided_by_its_status_is_not_warned(
    tree: Tree, status: str
) -> None:
    ends_in_2027(tree)
    tree.edit(f"{FEN}services.yml", "    pathways:", f"    status: {status}\n    pathways:")
    assert not [p for p in tree.problems() if "decide what happens" in p]


def test_a_change_recorded_on_the_day_of_publication_counts(published: Tree) -> None:
    published.edit(f"{FEN}services.yml", "amount: 40000", "amount: 45000")
    entry = CHANGE.format(field="services").replace("2025-06-02", "2025-04-15")
    published.write(f"{FEN}changes.yml", entry)
    assert published.problems() == [NOT_YET_CORRECTED]


def test_a_record_edited_by_hand_is_reported_alone_even_beside_a_change(published: Tree) -> None:
    published.edit(f"{FEN}services.yml", "amount: 40000", "amount: 45000")
    published.write(f"{FEN}changes.yml", CHANGE.format(field="services"))
    assert correct(published)[0] == 0
    text = published.read(f"{FEN}published.yml")
    digest = yaml.safe_load(text)["corrected"]["digest"]
    published.write(f"{FEN}published.yml", text.replace(digest, "sha256:" + "0" * 64))
    published.edit(f"{FEN}plan.yml", "title: Safer Fenwick Plan 2024-27", "title: Safer Fenwick")
    (problem,) = published.problems()
    assert problem.endswith(
        "error: the record's digest does not match its files' digests: published.yml was "
        "edited by hand; restore it from git [corrected.digest]"
    )


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        (3, "'plan.title', 'plan.summary', 'services[refuge].funding'"),
        (4, "'plan.title', 'plan.summary', 'services[refuge].name' and 1 more"),
    ],
)
def test_a_warning_names_three_recorded_changes_and_counts_the_rest(
    published: Tree, fields: int, named: str
) -> None:
    published.edit(f"{FEN}plan.yml", "title: Safer Fenwick Plan 2024-27", "title: Safer Fenwick")
    published.edit(f"{FEN}plan.yml", "approval:\n", "summary: Shorter.\napproval:\n")
    published.edit(f"{FEN}services.yml", "amount: 40000", "amount: 45000")
    names = ["plan.title", "plan.summary", "services[refuge].funding"]
    if fields == 4:
        published.edit(f"{FEN}services.yml", "name: Refuge service", "name: Refuge")
        names.append("services[refuge].name")
    entry = CHANGE.format(field=names[0]) + "".join(f'      - "{n}"\n' for n in names[1:])
    published.write(f"{FEN}changes.yml", entry)
    assert published.problems() == [
        f"{FEN}published.yml:9:1: warning: changes.yml records {named}, but the year as "
        "corrected is not yet recorded: run plans correct fenwick-csp 2025-26, so that a later "
        "change to the same fields is noticed too [digest]"
    ]


def test_ending_funding_is_asked_about_once_a_service_and_only_for_the_years_own_lines(
    tree: Tree,
) -> None:
    ends_in_2027(tree)
    amount = "        amount: 40000\n"
    two_lines = "        amount: 30000\n      - stream: council-base\n        amount: 10000\n"
    tree.edit(f"{FEN}services.yml", amount, two_lines)
    assert [p for p in tree.problems() if "decide what happens" in p] == [
        f"{FEN}services.yml:13:9: warning: 'council-base' ends on 2027-03-31, in 2026-27: decide "
        "what happens to service 'refuge' (a decision in review.yml) or put it on the "
        "decommissioning risk register (risks.yml, reason funding-ends) so the commissioner "
        "can weigh what ending it would cost [services[0].funding[0].stream]"
    ]
    # a line the plan names for 2026-27 is that year's to decide, not 2025-26's
    tree.edit(f"{FEN}services.yml", two_lines, amount + "        year: 2026-27\n")
    assert tree.problems() == []
