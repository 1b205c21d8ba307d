"""Open data people can reuse (issue 19, item 6): a licence on every download and on the data
page, sizes and dates, one archive per year, and the grants as 360Giving data that validates
against the standard's own JSON Schema (tests/data/360giving/README.md)."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import CHECKOUT, checked_example, render_year
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from generator.model import Project
from generator.render import Version, render_version, zipped
from generator.render.text import file_size
from generator.site.versions import versions_of

if TYPE_CHECKING:
    from tests.conftest import Tree

SCHEMAS = Path(__file__).parent / "data" / "360giving"
GRANT_URL = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/master/schema/360-giving-schema.json"
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@cache
def validator() -> Draft4Validator:
    """The package schema, its grants checked by the grant schema (its `$ref` resolved to the
    copy here, never fetched)."""
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text(encoding="utf-8"))
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(GRANT_URL, Resource.from_contents(grant, DRAFT4))
    Draft4Validator.check_schema(package)
    Draft4Validator.check_schema(grant)
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


@cache
def example_files() -> dict[str, bytes]:
    """Every file of every version of the example: `<year>/<path>` to its content."""
    project: Project = checked_example()
    versions, latest = versions_of(project, drafts=False)
    found: dict[str, bytes] = {}
    for year in versions:
        for name, data in render_version(
            project, CHECKOUT / "theme", Version(year, latest)
        ).files.items():
            found[f"{year}/{name}"] = data
    return found


def giving_files() -> dict[str, Any]:
    return {n: json.loads(d) for n, d in example_files().items() if n.endswith("-360giving.json")}


def problems(document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator().iter_errors(document)
    ]


# --- 360Giving ------------------------------------------------------------------------------


def test_every_360giving_file_of_the_example_validates_against_the_standard() -> None:
    files = giving_files()
    assert len(files) >= 8  # the PCC's formula and the partnerships' grant-funded services
    assert {name: problems(document) for name, document in files.items()} == {
        name: [] for name in files
    }


def test_the_pcc_s_formula_shares_are_its_grants() -> None:
    document = giving_files()[
        "2026-27/brackenshire-pcc/data/brackenshire-pcc-2026-27-360giving.json"
    ]
    assert document["license"] == OGL
    grants = {g["id"]: g for g in document["grants"]}
    share = grants[
        "360G-partnership-plans-brackenshire-pcc-2026-27-csf-formula-2026-27-safer-kelderton"
    ]
    assert share["amountAwarded"] == 598081.58
    assert share["currency"] == "GBP"
    assert share["fundingOrganization"] == [
        {"id": "360G-partnership-plans-org-brackenshire-pcc-office",
         "name": "Office of the Police and Crime Commissioner for Brackenshire"}
    ]  # fmt: skip
    assert (
        share["recipientOrganization"][0]["id"]
        == "360G-partnership-plans-org-kelderton-city-council"
    )


@pytest.mark.parametrize(
    "field",
    ["id", "title", "description", "currency", "amountAwarded", "awardDate",
     "recipientOrganization", "fundingOrganization"],
)  # fmt: skip
def test_the_schema_check_fails_when_a_required_field_goes_missing(field: str) -> None:
    """The check is real: take away any field the standard requires and it fails."""
    document = copy.deepcopy(next(iter(giving_files().values())))
    del document["grants"][0][field]
    assert problems(document) == [f"grants/0: '{field}' is a required property"]


def test_the_schema_check_fails_on_an_amount_written_as_text() -> None:
    document = copy.deepcopy(next(iter(giving_files().values())))
    document["grants"][0]["amountAwarded"] = "1000.00"
    assert problems(document) == ["grants/0/amountAwarded: '1000.00' is not of type 'number'"]


def test_a_grant_whose_amount_is_not_known_is_left_out_and_said_so(tree: Tree) -> None:
    """An unknown amount is never £0: the grant is not in the file, and the data page says why."""
    services = "plans/fenwick-csp/2025-26/services.yml"
    tree.edit(services, "delivery_model: contract", "delivery_model: grant")
    files = render_year(tree.root, "2025-26")
    document = json.loads(files["fenwick-csp/data/fenwick-csp-2025-26-360giving.json"])
    assert problems(document) == []
    assert [(g["title"], g["amountAwarded"]) for g in document["grants"]] == [
        ("Refuge service", 40000)
    ]
    tree.edit(
        services,
        "        amount: 40000",
        "        amount_status: not-published\n        amount_reason: Not in the plan.",
    )
    files = render_year(tree.root, "2025-26")
    assert "fenwick-csp/data/fenwick-csp-2025-26-360giving.json" not in files
    page = files["fenwick-csp/data.md"].decode("utf-8")
    assert "an unknown amount is never shown as £0" in page
    assert "- Refuge service: its amount is not known." in page
    assert "360giving\\.json" not in page  # no link to a file that is not there


# --- licence, sizes, dates, archive ---------------------------------------------------------


def test_every_download_folder_has_the_licence_and_every_json_names_it() -> None:
    files = example_files()
    folders = {
        name.rsplit("/", 1)[0]
        for name in files
        if "/data/" in name and name.endswith((".csv", ".json"))
    }
    assert folders
    for folder in folders:
        licence = files[f"{folder}/LICENCE.txt"].decode("utf-8")
        assert "Open Government Licence v3.0" in licence and OGL in licence, folder
    for name, data in files.items():
        if "/data/" in name and name.endswith(".json") and not name.endswith("-360giving.json"):
            assert json.loads(data)["licence"] == {
                "name": "Open Government Licence v3.0",
                "url": OGL,
            }


def test_the_data_page_names_the_licence_sizes_date_and_archive() -> None:
    page = example_files()["2026-27/sallowfield/data.md"].decode("utf-8")
    assert (
        "[Open Government Licence v3\\.0](https://www\\.nationalarchives\\.gov\\.uk/doc/open\\-government\\-licence/version/3/)"
        in page
    )
    assert "| File | What it holds | Format and size |" in page
    size = len(example_files()["2026-27/sallowfield/data/sallowfield-2026-27.json"])
    assert f"| JSON, {file_size(size)} |" in page
    assert "The data is as at **16 October 2026**" in page
    assert "[open\\-data\\-2026\\-27\\.zip](../data/open\\-data\\-2026\\-27\\.zip)" in page


def test_the_licence_is_configurable(tree: Tree) -> None:
    tree.write(
        "data/settings.yml",
        tree.read("data/settings.yml")
        + "licence:\n  name: Creative Commons Attribution 4.0\n"
        + "  url: https://creativecommons.org/licenses/by/4.0/\n",
    )
    files = render_year(tree.root, "2025-26")
    assert "Creative Commons Attribution 4.0" in files["fenwick-csp/data/LICENCE.txt"].decode()
    assert "[Creative Commons Attribution 4\\.0]" in files["fenwick-csp/data.md"].decode()


def test_a_giving_prefix_must_look_like_one(tree: Tree) -> None:
    tree.write("data/settings.yml", tree.read("data/settings.yml") + "giving_prefix: GB-COH-123\n")
    assert [p for p in tree.problems() if "giving_prefix" in p] == [
        "data/settings.yml:4:16: error: 'GB-COH-123' is not a 360Giving prefix; it starts 360G- "
        "followed by letters, digits and hyphens (360Giving gives each publisher its own) "
        "[giving_prefix]"
    ]


def test_each_year_has_one_archive_with_every_partnership_s_downloads() -> None:
    files = example_files()
    for year in ("2023-24", "2024-25", "2025-26", "2026-27"):
        archive = zipfile.ZipFile(io.BytesIO(files[f"{year}/data/open-data-{year}.zip"]))
        names = set(archive.namelist())
        expected = {
            name.removeprefix(f"{year}/").replace("/data/", "/")
            for name in files
            if name.startswith(f"{year}/") and "/data/" in name and not name.endswith(".zip")
        }
        assert names == expected | {"LICENCE.txt"}
        for name in expected:
            pid, file = name.split("/")
            assert archive.read(name) == files[f"{year}/{pid}/data/{file}"]


def test_the_built_archive_zipped_from_every_shard_is_the_whole_version_s(
    example_site: Path,
) -> None:
    """A build zips the archive when it puts each version together, from every shard's
    downloads: the same bytes as rendering the whole version at once."""
    files = example_files()
    for year in ("2023-24", "2024-25", "2025-26", "2026-27"):
        name = f"data/open-data-{year}.zip"
        assert (example_site / year / name).read_bytes() == files[f"{year}/{name}"]
        assert not list((example_site / year).glob(".plans-*"))  # the shards' records stay out


def test_the_archive_is_the_same_every_build() -> None:
    project = checked_example()
    first = render_version(project, CHECKOUT / "theme", Version("2026-27", "2026-27")).files
    again = render_version(project, CHECKOUT / "theme", Version("2026-27", "2026-27")).files
    assert first["data/open-data-2026-27.zip"] == again["data/open-data-2026-27.zip"]


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1000, "1.0 KB"), (12345, "12 KB"),
     (999_999, "1.0 MB"), (3_456_789, "3.5 MB")],
)  # fmt: skip
def test_file_sizes_read_as_people_say_them(size: int, shown: str) -> None:
    assert file_size(size) == shown


def _zipfile_archive(files: dict[str, bytes], when: date | None) -> bytes:
    """What the standard library's zipfile writes for these files, as the archive once was."""
    stamp = (when.year, when.month, when.day, 0, 0, 0) if when else (1980, 1, 1, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipping:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # zipfile says 0 on Windows; the archive always says Unix
            zipping.writestr(info, files[name], compresslevel=zipped.LEVEL)
    return buffer.getvalue()


@settings(max_examples=60, deadline=None)
@given(
    files=st.dictionaries(
        st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\0"), min_size=1),
        st.binary(max_size=3000) | st.text(max_size=3000).map(str.encode),
        max_size=6,
    ),
    when=st.none() | st.dates(min_value=date(1980, 1, 1), max_value=date(2107, 12, 31)),
)
def test_the_archive_laid_out_from_deflated_members_is_what_zipfile_writes(
    files: dict[str, bytes], when: date | None
) -> None:
    """Each shard deflates its own downloads; the archive is laid out from them. Byte for byte
    what zipfile writes (any name, empty files, any date), and zipfile reads it back."""
    made = zipped.zipped({name: zipped.deflate(data) for name, data in files.items()}, when)
    assert made == _zipfile_archive(files, when)
    with zipfile.ZipFile(io.BytesIO(made)) as reading:
        assert reading.testzip() is None
        assert {name: reading.read(name) for name in reading.namelist()} == files


def test_a_shard_keeps_its_downloads_deflated_and_the_merge_does_not_compress_them(
    tree: Tree, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from generator.pipeline import check_project
    from generator.site import BuildOptions, build_site, versions

    project, _ = check_project(tree.root)
    assert project is not None
    caches = tmp_path / "caches"
    build_site(project, BuildOptions(tree.root, tmp_path / "site", jobs=1, cache=caches))
    records = sorted(caches.rglob(versions.DOWNLOADS))
    assert records, "each built shard keeps its share of the archive"
    for path in records:
        record = json.loads(path.read_text(encoding="utf-8"))
        assert set(record["deflated"]) == set(record["files"])
    deflating: list[int] = []
    real = versions.deflate

    def counting(data: bytes) -> zipped.Member:
        deflating.append(len(data))
        return real(data)

    monkeypatch.setattr(versions, "deflate", counting)
    parts = sorted((path.parent for path in records if "/2025-26/" in path.as_posix()),
                   key=lambda part: "/_home/" not in part.as_posix())  # fmt: skip
    archive, made = versions.downloads_archive(parts)
    assert made == (tmp_path / "site" / "2025-26" / archive).read_bytes()
    assert len(deflating) == 1  # the licence notice alone: the rest was deflated by the shards
