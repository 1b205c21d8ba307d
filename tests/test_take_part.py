"""Who to contact and how to take part (issue 19, item 5): the overview shows the plan's own
summary first, the partnership's organisational contact, its public meetings and, while a plan
is in consultation, how to comment on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import CHECKOUT, render_year

from generator.pipeline import check_project
from generator.render import Version, render_version

if TYPE_CHECKING:
    from tests.conftest import Tree

FEN = "plans/fenwick-csp/"
PLAN = f"{FEN}2025-26/plan.yml"
SUMMARY = "summary: This year we will open two more refuge places.\n"
CONSULTATION = (
    "consultation:\n"
    "  how_to_respond: Email **saferfenwick@fenwick.example.org** or fill in the survey.\n"
    "  until: 2025-06-30\n"
    "  url: https://example.org/fenwick/consultation\n"
)


def overview(tree: Tree, year: str = "2025-26", latest: str = "2025-26") -> str:
    return render_year(tree.root, year, latest)["fenwick-csp/index.md"].decode("utf-8")


def test_the_summary_comes_first(tree: Tree) -> None:
    tree.edit(PLAN, "status: approved\n", "status: approved\n" + SUMMARY)
    page = overview(tree)
    after_banners = page.split("</div>\n\n")[-1] if "</div>" in page else page
    assert page.index("This year we will open two more refuge places.") < page.index(
        "This page gives an overview"
    )
    assert after_banners.lstrip().startswith("This year we will")


def test_the_contact_is_the_partnership_s_office_and_mailbox(tree: Tree) -> None:
    tree.write(
        f"{FEN}partnership.yml",
        tree.read(f"{FEN}partnership.yml")
        + "contact: Community Safety Team, Fenwick Council\n"
        + "contact_email: safer.fenwick@fenwick.example.org\n"
        + "website: https://example.org/fenwick\n",
    )
    assert tree.problems() == []
    page = overview(tree)
    assert (
        "To contact the partnership, write to Community Safety Team, Fenwick Council at "
        "[safer\\.fenwick@fenwick\\.example\\.org](mailto:safer.fenwick@fenwick.example.org)."
    ) in page
    assert "(https://example\\.org/fenwick)" in page


def test_without_a_contact_the_overview_says_so(tree: Tree) -> None:
    assert "The partnership has not published a contact address here." in overview(tree)


def test_a_contact_email_must_be_an_address(tree: Tree) -> None:
    tree.write(
        f"{FEN}partnership.yml",
        tree.read(f"{FEN}partnership.yml") + "contact_email: mailto:someone at fenwick\n",
    )
    assert tree.problems() == [
        f"{FEN}partnership.yml:9:16: error: 'mailto:someone at fenwick' is not an email "
        "address; write it as name@example.org [contact_email]"
    ]


def test_the_public_meetings_are_listed_under_taking_part(tree: Tree) -> None:
    page = overview(tree)
    section = page[page.index("## Contact and taking part") : page.index("## Where the plan")]
    assert "Meetings open to the public this year (1 meeting;" in section
    assert "- 10 July 2025: Board meeting" in section


def test_a_plan_in_consultation_says_how_to_comment(tree: Tree) -> None:
    tree.edit(PLAN, "status: approved\n", "status: consultation\n" + CONSULTATION)
    # A plan in consultation is on the site only in a build with drafts (a preview).
    project, _ = check_project(tree.root)
    assert project is not None
    files = render_version(project, CHECKOUT / "theme", Version("2025-26", "2025-26", True)).files
    page = files["fenwick-csp/index.md"].decode("utf-8")
    assert "## Have your say: the 2025/26 plan is out for consultation" in page
    assert "Comments are welcome until **30 June 2025**." in page
    assert "Email **saferfenwick@fenwick.example.org** or fill in the survey." in page
    assert "[Respond to the consultation](https://example\\.org/fenwick/consultation)" in page
    # ... and the year before, the newest published one, points readers at it.
    older = overview(tree, "2024-25", "2024-25")
    assert "## Have your say: the 2025/26 plan is out for consultation" in older


def test_the_consultation_block_goes_once_the_plan_is_approved(tree: Tree) -> None:
    tree.edit(PLAN, "status: approved\n", "status: approved\n" + CONSULTATION)
    assert "Have your say" not in overview(tree)
    assert "Have your say" not in overview(tree, "2024-25")


def test_a_plan_in_consultation_without_the_how_is_warned_about(tree: Tree) -> None:
    tree.edit(PLAN, "status: approved\n", "status: consultation\n")
    assert (
        f"{PLAN}:3:1: warning: the plan is in consultation but does not say how to comment on "
        "it; add consultation: with how_to_respond and until (and url, if there is a survey) "
        "[status]"
    ) in tree.problems()
