"""The load cache: checking a project again parses only the YAML files that changed, and gives
exactly what checking it without the cache gives.

Whether a file was parsed is seen by a spy on `generator.load.parse_text`, never by timing.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.metadata
import marshal
import os
import shutil
import sys
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
from click.testing import CliRunner, Result

import generator.caches
import generator.load.files
import generator.load.reader
from generator.caches import cache_folder
from generator.cli import main
from generator.load import (
    Document,
    load_file,
    parse_text,
)
from generator.load.cache import MAGIC, PACK, LoadCache, _read_pack, code_key
from generator.pipeline import check_project
from generator.problems import PlansError, Problem
from generator.validate.cache import RECORD

if TYPE_CHECKING:
    from tests.conftest import Tree

FEN = "plans/fenwick-csp/2024-25/"
START = len(MAGIC) + 64  # where the records start, after the magic line, code key and checksum


def plans(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="plans")


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files parsed (in this process) from now on, in order."""
    names: list[str] = []

    def spy(text: str, file: str, fast: bool = True) -> tuple[Document | None, list[Problem]]:
        names.append(file)
        return parse_text(text, file, fast)

    monkeypatch.setattr(generator.load.reader, "parse_text", spy)
    return names


def yaml_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yml"))


def folder(tree: Tree) -> Path:
    """The load cache's folder as the commands keep it (outside the project)."""
    return cache_folder(tree.root) / "load"


def check(tree: Tree, cache: bool = True) -> tuple[Any, list[Problem]]:
    """`check_project` in this process, with the cache in its usual folder or without one."""
    return check_project(tree.root, jobs=1, cache=folder(tree) if cache else None)


def kept(tree: Tree) -> list[str]:
    """The files the pack holds, in name order."""
    return sorted(_read_pack(folder(tree) / PACK, code_key()))


def details(problems: list[Problem]) -> list[tuple[str, str, int, int, str, str]]:
    return [(p.severity.value, p.file, p.line, p.column, p.field, p.message) for p in problems]


# --- (a) a second run parses nothing ---------------------------------------------------------


def test_a_second_run_parses_no_file_and_gives_the_same_project(
    tree: Tree, parsed: list[str]
) -> None:
    without = check(tree, cache=False)
    parsed.clear()
    first = check(tree)
    assert sorted(parsed) == yaml_files(tree.root)
    assert kept(tree) == yaml_files(tree.root)
    parsed.clear()
    second = check(tree)
    assert parsed == []
    assert first[0] is not None
    assert first == second == without


def test_a_project_with_problems_gives_the_same_problems_from_the_cache(
    tree: Tree, parsed: list[str]
) -> None:
    tree.edit(FEN + "plan.yml", "leads: [fenwick-council]", "leads: [fenwick-councl]")
    tree.edit(FEN + "actions.yml", "due: 2025-03-31", "due: 2024-03-31")
    tree.edit(FEN + "services.yml", "make_or_buy: buy", "make_or_buy: make")
    without = check(tree, cache=False)
    assert len(without[1]) == 3
    check(tree)
    parsed.clear()
    assert check(tree) == without  # these files load cleanly: the rules find the problems
    assert parsed == []


# --- (b) an edited file, and only it, is parsed again ----------------------------------------


def test_an_edited_file_alone_is_parsed_again_and_its_new_text_is_seen(
    tree: Tree, parsed: list[str]
) -> None:
    check(tree)
    plan = tree.path(FEN + "plan.yml")
    before = plan.stat()
    tree.edit(
        FEN + "plan.yml", "title: Safer Fenwick Plan 2024-27", "title: Safer Fenwick Plan 2024-28"
    )
    os.utime(plan, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time
    parsed.clear()
    project, problems = check(tree)
    assert parsed == [FEN + "plan.yml"]
    assert problems == []
    assert project.years["fenwick-csp", "2024-25"].plan.title == "Safer Fenwick Plan 2024-28"
    assert (project, problems) == check(tree, cache=False)
    parsed.clear()
    check(tree)
    assert parsed == []  # the pack now holds the new text


# --- (c) files with problems, and positions ---------------------------------------------------


def test_a_file_that_does_not_load_is_never_kept_and_reports_the_same_problems(
    tree: Tree, parsed: list[str]
) -> None:
    tree.write(FEN + "risks.yml", "risks:\n  - id: a\n    id: b\n    title: &t Fire\n")
    tree.write_bytes(FEN + "changes.yml", b"changes:\n  - note: caf\xe9\n")
    broken = {FEN + "risks.yml", FEN + "changes.yml"}
    without = check(tree, cache=False)
    assert {p.file for p in without[1]} == broken
    for run in ("cold", "warm", "warm again"):
        parsed.clear()
        _, problems = check(tree)
        assert details(problems) == details(without[1]), run
        assert [str(p) for p in problems] == [str(p) for p in without[1]], run
        assert set(kept(tree)) == set(yaml_files(tree.root)) - broken, run
    assert parsed == [FEN + "risks.yml"]  # changes.yml is not UTF-8, so never parsed


def test_a_file_that_stops_loading_drops_out_of_the_pack(tree: Tree, parsed: list[str]) -> None:
    check(tree)
    tree.edit(FEN + "plan.yml", "title: Safer Fenwick Plan 2024-27", "title: [unclosed")
    without = check(tree, cache=False)
    parsed.clear()
    assert details(check(tree)[1]) == details(without[1]) != []
    assert parsed == [FEN + "plan.yml"]
    assert FEN + "plan.yml" not in kept(tree)


def test_a_kept_file_grown_past_the_limit_or_gone_is_loaded_afresh(tree: Tree) -> None:
    check(tree)
    name = FEN + "review.yml"
    tree.write(name, "# padding\n" * 100_001)
    without = check(tree, cache=False)
    assert details(check(tree)[1]) == details(without[1])
    assert [p.message for p in without[1]] == [
        "file is 1,000,010 bytes; the limit is 1,000,000 — split it up"
    ]
    assert LoadCache(folder(tree), tree.root).unchanged(
        tree.path(FEN + "plan.yml"), FEN + "plan.yml"
    )
    tree.remove(FEN + "plan.yml")
    cache = LoadCache(folder(tree), tree.root)  # a run reads each file once: a new run
    assert not cache.unchanged(tree.path(FEN + "plan.yml"), FEN + "plan.yml")


def test_a_kept_document_equals_a_loaded_one_and_places_fields_alike(tree: Tree) -> None:
    check(tree)
    cache = LoadCache(folder(tree), tree.root)
    for name in yaml_files(tree.root):
        path = tree.path(name)
        fresh, problems = load_file(path, tree.root)
        assert problems == [] and fresh is not None
        assert cache.unchanged(path, name)
        cached = cache.document(name)
        assert cached == fresh
        assert cached.positions == fresh.positions
        for field in [*fresh.values, *fresh.keys, ("no-such-field",)]:
            assert cached.where(field) == fresh.where(field)
            assert cached.value_at(field) == fresh.value_at(field)
            assert cached.problem(field, "m") == fresh.problem(field, "m")


def test_a_file_is_kept_under_the_hash_of_the_very_bytes_it_was_loaded_from(tree: Tree) -> None:
    path = tree.path(FEN + "plan.yml")
    document, problems = load_file(path, tree.root)
    assert document is not None and not problems
    assert document.digest == hashlib.sha256(path.read_bytes()).digest()
    cached, _ = check(tree)
    assert cached is not None
    assert cached.documents[FEN + "plan.yml"].digest == document.digest  # from the pack too
    assert load_file(tree.path("nowhere.yml"), tree.root)[0] is None


def hashed_files(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the files the load cache reads and hashes to tell whether they changed."""
    counted: list[int] = []
    real = generator.load.cache.content_hash

    def counting(data: bytes) -> bytes:
        counted.append(len(data))
        return real(data)

    monkeypatch.setattr(generator.load.cache, "content_hash", counting)
    return counted


def test_a_kept_file_that_stats_as_it_did_is_not_read_again(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.load.cache, "RECENT_NS", 0)  # the files are seconds old
    cold = check(tree)
    check(tree)  # keeps what each file stats as
    hashed = hashed_files(monkeypatch)
    assert check(tree) == cold
    assert hashed == []


def test_an_edit_that_keeps_the_size_and_modification_time_is_seen(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing a file changes its change time, which no program can set back."""
    monkeypatch.setattr(generator.load.cache, "RECENT_NS", 0)
    check(tree)
    check(tree)
    path = tree.path(FEN + "plan.yml")
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("leads: [fenwick-council]", "leads: [fenwick-counciX]")
    assert edited != text and len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    hashed = hashed_files(monkeypatch)
    problems = check(tree)[1]
    assert [p.message for p in problems] == [p.message for p in check(tree, cache=False)[1]]
    assert any("fenwick-counciX" in p.message for p in problems)
    assert len(hashed) == 1  # that file alone: read, hashed, loaded afresh


def test_a_file_changed_just_before_it_was_kept_is_hashed_again(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two writes within one clock tick can leave the same times: a file changed less than two
    seconds before it was looked at keeps no stat, so the next run reads it."""
    check(tree)
    tree.edit(FEN + "plan.yml", "leads: [fenwick-council]", "leads: [fenwick-council]  # x")
    check(tree)
    hashed = hashed_files(monkeypatch)
    check(tree)
    assert len(hashed) >= 1  # the file just edited, at least (every copied file is recent)


# --- (d) an unusable pack is ignored ----------------------------------------------------------


def rechecked(raw: bytes, records: bytes) -> bytes:
    """A pack of this code, with other records under a checksum that holds."""
    return raw[: START - 32] + hashlib.sha256(records).digest() + records


SPOILERS = {
    "empty": lambda raw: b"",
    "truncated": lambda raw: raw[: len(raw) // 2],
    "header only": lambda raw: raw[:START],
    "a byte changed": lambda raw: raw[:-100] + bytes([raw[-100] ^ 1]) + raw[-99:],
    "another code key": lambda raw: raw[: len(MAGIC)] + bytes(32) + raw[len(MAGIC) + 32 :],
    "another format": lambda raw: b"plans load cache 0\n" + raw[len(MAGIC) :],
    "not a pack": lambda raw: b"\x00\xff" * 500,
    "records of another layout": lambda raw: rechecked(raw, marshal.dumps([1, 2, 3])),
    "a record cut short": lambda raw: rechecked(raw, raw[START:-1]),
}


@pytest.mark.parametrize("spoil", list(SPOILERS.values()), ids=list(SPOILERS))
def test_an_unusable_pack_is_ignored_then_replaced(
    tree: Tree, parsed: list[str], spoil: Any
) -> None:
    tree.edit(FEN + "actions.yml", "due: 2025-03-31", "due: 2024-03-31")
    without = plans("validate", "--no-cache", str(tree.root))
    assert without.exit_code == 1
    plans("validate", str(tree.root))
    pack = folder(tree) / PACK
    pack.write_bytes(spoil(pack.read_bytes()))
    parsed.clear()
    result = plans("validate", str(tree.root))
    assert (result.exit_code, result.stdout, result.stderr) == (1, without.stdout, "")
    assert sorted(parsed) == yaml_files(tree.root)
    assert kept(tree) == yaml_files(tree.root)  # written anew


def test_a_pack_written_by_other_loading_code_is_ignored(
    tree: Tree, parsed: list[str], fake_version: Callable[[str, str], None]
) -> None:
    check(tree)
    parsed.clear()
    check(tree)
    assert parsed == []  # a sound pack answers every file
    fake_version("PyYAML", "99.0")  # data parsed by another PyYAML
    check(tree)
    assert sorted(parsed) == yaml_files(tree.root)


def test_the_code_key_follows_the_loader_and_the_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_version: Callable[[str, str], None]
) -> None:
    """The key covers the load stage's modules as they are on disk (a copy of the package
    with one of them edited keys differently; an edit elsewhere does not), PyYAML, libyaml."""
    package = tmp_path / "generator"
    shutil.copytree(generator.caches.PACKAGE, package,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    key = code_key()
    assert code_key(package) == key
    edits = (("load/reader.py", True), ("load/files.py", True), ("load/cache.py", True))
    for name, changes in (*edits, ("cli/base.py", False), ("validate/cache.py", False)):
        original = (package / name).read_text()
        (package / name).write_text(original + "# one line more\n")
        assert (code_key(package) != key) is changes, name
        (package / name).write_text(original)
    monkeypatch.setattr(
        generator.load.reader, "HAVE_LIBYAML", not generator.load.reader.HAVE_LIBYAML
    )
    assert code_key() != key
    monkeypatch.undo()
    fake_version("PyYAML", "99.0")
    assert code_key() != key


@pytest.mark.skipif(not generator.load.reader.HAVE_LIBYAML, reason="PyYAML without libyaml")
def test_the_code_key_follows_libyamls_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """Data read by another libyaml may differ: its version is in the key."""
    from yaml import _yaml

    key = code_key()
    monkeypatch.setattr(_yaml, "get_version_string", lambda: "9.9.9")
    assert code_key() != key


@pytest.mark.parametrize(
    ("module", "name"),
    [(sys.implementation, "cache_tag"), (zlib, "ZLIB_RUNTIME_VERSION")],
    ids=["the Python that writes marshal", "the zlib that compresses the text"],
)
def test_the_code_key_follows_what_writes_the_pack(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str
) -> None:
    key = code_key()
    monkeypatch.setattr(module, name, "other-99")
    assert code_key() != key


def test_a_cache_folder_that_cannot_be_used_changes_nothing(tree: Tree, parsed: list[str]) -> None:
    folder(tree).parent.mkdir(parents=True)
    folder(tree).write_text("a file where the folder should be\n")
    without = check(tree, cache=False)
    for _ in range(2):
        parsed.clear()
        assert check(tree) == without
        assert sorted(parsed) == yaml_files(tree.root)
    assert folder(tree).read_text() == "a file where the folder should be\n"


# --- (e) deleted files drop out ---------------------------------------------------------------


def test_deleted_files_drop_out_of_the_pack(tree: Tree) -> None:
    check(tree)
    tree.remove(FEN + "review.yml")
    tree.remove("plans/fenwick-csp/2025-26")
    check(tree)
    assert kept(tree) == yaml_files(tree.root)
    assert FEN + "review.yml" not in kept(tree)


def test_the_pack_is_written_only_when_it_changes(tree: Tree) -> None:
    check(tree)
    pack = folder(tree) / PACK
    os.utime(pack, ns=(0, 0))
    check(tree)
    assert pack.stat().st_mtime_ns == 0
    tree.remove(FEN + "review.yml")
    check(tree)
    assert pack.stat().st_mtime_ns != 0
    assert sorted(p.name for p in pack.parent.iterdir()) == [PACK, RECORD]  # no temporary file


def test_a_failed_write_leaves_the_old_pack_and_no_temporary_file(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    check(tree)
    pack = folder(tree) / PACK
    before = pack.read_bytes()

    def full(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("generator.caches.os.replace", full)
    monkeypatch.setattr(generator.load.cache, "_SLACK", -(1 << 40))  # always written anew
    tree.remove(FEN + "review.yml")
    assert check(tree) == check(tree, cache=False)
    assert pack.read_bytes() == before
    assert sorted(p.name for p in pack.parent.iterdir()) == [PACK, RECORD]


def test_an_append_that_fails_half_way_cuts_the_pack_back(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    check(tree)
    pack = folder(tree) / PACK
    before = pack.read_bytes()

    def half(file: Any, index: Any) -> None:
        file.write(b"half an index")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(generator.load.cache, "_write_index", half)
    tree.edit(FEN + "actions.yml", "due: 2025-03-31", "due: 2025-03-30")
    assert check(tree) == check(tree, cache=False)
    assert pack.read_bytes() == before
    monkeypatch.undo()
    assert check(tree) == check(tree, cache=False)  # the old pack is still used


def test_new_files_are_appended_and_the_pack_is_written_anew_when_mostly_dead(
    tree: Tree, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit appends one record and an index; the pack is written anew only once more than
    half of it is records no index names, and each time it answers exactly as it should."""
    monkeypatch.setattr(generator.load.cache, "_SLACK", 0)  # the example's pack is small
    check(tree)
    pack = folder(tree) / PACK
    first = pack.read_bytes()
    inode = pack.stat().st_ino
    tree.edit(FEN + "actions.yml", "due: 2025-03-31", "due: 2025-03-30")
    check(tree)
    grown = pack.read_bytes()
    assert pack.stat().st_ino == inode and grown.startswith(first[: len(first) // 2])
    assert len(grown) > len(first)
    rewritten = False
    original = tree.read(FEN + "actions.yml")
    for edit in range(20):  # each edit leaves a dead record and a dead index behind
        tree.write(FEN + "actions.yml", original + f"# edit {edit}\n")
        cold = check(tree, cache=False)
        parsed.clear()
        assert check(tree) == cold
        assert parsed == [FEN + "actions.yml"]  # the others answered from the pack
        rewritten = rewritten or pack.stat().st_ino != inode
    assert rewritten
    assert len(pack.read_bytes()) < 3 * len(first)
    assert kept(tree) == yaml_files(tree.root)


def test_a_record_that_no_longer_holds_is_loaded_afresh(tree: Tree, parsed: list[str]) -> None:
    check(tree)
    pack = folder(tree) / PACK
    raw = bytearray(pack.read_bytes())
    raw[len(MAGIC) + 32 + 10] ^= 1  # a byte of the first record, not of the index
    pack.write_bytes(bytes(raw))
    cold = check(tree, cache=False)
    parsed.clear()
    assert check(tree) == cold
    assert len(parsed) == 1  # that file alone


# --- (f) and (g) where the cache is written, and the commands -------------------------------


def test_no_cache_writes_nothing(tree: Tree) -> None:
    result = plans("validate", "--no-cache", str(tree.root))
    assert (result.exit_code, result.stdout) == (0, "No problems found.\n")
    assert not cache_folder(tree.root).exists()
    assert not (tree.root / ".cache").exists()


def test_validate_keeps_its_cache_outside_the_project(tree: Tree) -> None:
    """So that nothing a pull request adds to the project can pass for a cached file."""

    def sources() -> dict[str, bytes]:
        return {
            p.relative_to(tree.root).as_posix(): p.read_bytes()
            for p in tree.root.rglob("*")
            if p.is_file()
        }

    before = sources()
    for _ in range(2):
        result = plans("validate", str(tree.root))
        assert (result.exit_code, result.stdout) == (0, "No problems found.\n")
    assert sources() == before
    folder = cache_folder(tree.root)
    assert not folder.is_relative_to(tree.root.resolve())
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == [
        Path("load"),
        Path("load", PACK),
        Path("load", RECORD),
    ]


@pytest.mark.parametrize("folder", ["plans/.cache", "data/cache", "plans/fenwick-csp"])
def test_a_cache_folder_inside_plans_or_data_is_never_written(tree: Tree, folder: str) -> None:
    before = yaml_files(tree.root)
    without = check(tree, cache=False)
    assert check_project(tree.root, jobs=1, cache=tree.root / folder) == without
    assert yaml_files(tree.root) == before
    assert not (tree.root / folder / PACK).exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["build"], Path("load")), (["build", "--no-cache"], None)],
)
def test_build_uses_the_load_cache_with_its_cache(
    tree: Tree, monkeypatch: pytest.MonkeyPatch, args: list[str], expected: Path | None
) -> None:
    folders: list[Path | None] = []

    def recorded(root: Path, cache: Path | None = None) -> Any:
        folders.append(cache)
        raise PlansError("stopped")

    monkeypatch.setattr("generator.pipeline.start_check", recorded)
    result = plans(*args, str(tree.root))
    assert result.stderr == "Error: stopped\n"
    assert folders == [cache_folder(tree.root) / expected if expected else None]


# --- loading in worker processes, and memory ---------------------------------------------------


class RecordingPool(ProcessPoolExecutor):
    """A process pool that notes how many workers each pool was asked for."""

    started: ClassVar[list[int]] = []

    def __init__(self, max_workers: int, **kwargs: Any) -> None:
        RecordingPool.started.append(max_workers)
        super().__init__(max_workers, **kwargs)


def test_only_files_to_parse_go_to_worker_processes(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.load.files, "ProcessPoolExecutor", RecordingPool)
    monkeypatch.setattr(generator.load.files.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(generator.load.files, "PARALLEL_FROM", 5)
    monkeypatch.setattr(RecordingPool, "started", [])
    cache = folder(tree)
    without = check_project(tree.root, jobs=1)
    assert without[0] is not None
    assert check_project(tree.root, cache=cache) == without  # every file, in 2 processes
    assert RecordingPool.started == [2]
    assert check_project(tree.root, cache=cache) == without  # no file to parse
    tree.edit(FEN + "plan.yml", "title: Board meeting", "title: Board meeting (online)")
    without = check_project(tree.root, jobs=1)
    assert check_project(tree.root, cache=cache) == without  # one file, in this process
    assert check_project(tree.root, jobs=2, cache=cache) == without
    assert RecordingPool.started == [2]


def test_checking_with_the_cache_leaves_no_garbage_cycles(tree: Tree) -> None:
    # check_project pauses the cyclic collector: all it makes must be freed by reference counts
    tree.write_bytes(FEN + "risks.yml", b"risks: [\n")
    check(tree)  # the first check of a process reads the libraries' versions, once
    for _ in range(2):
        gc.collect()
        gc.disable()
        try:
            check(tree)
            assert gc.collect() == 0
        finally:
            gc.enable()


@pytest.mark.parametrize(
    ("text", "may_link"),
    [
        ("title: Plain words, no link\n", False),
        ("note: see [the plan](priorities.md)\n", True),
        ('note: "see [the plan]\\x28priorities.md)"\n', True),  # a YAML escape may spell one
        ("note: '[not] (a link)'\n", False),
    ],
)
def test_a_kept_file_still_says_whether_its_text_may_hold_a_link(
    tmp_path: Path, text: str, may_link: bool
) -> None:
    """Checks of links skip a file whose text cannot hold one, so the flag must survive the
    pack: a file answered from the cache says what the same file loaded afresh says."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "note.yml").write_text(text, encoding="utf-8")
    fresh, _ = load_file(root / "data" / "note.yml", root)
    assert fresh is not None and fresh.source is not None
    assert fresh.source.may_link is may_link
    cache = LoadCache(tmp_path / "cache", root)
    cache.keep(fresh)
    cache.save()
    again = LoadCache(tmp_path / "cache", root)
    assert again.unchanged(root / "data" / "note.yml", "data/note.yml")
    kept = again.document("data/note.yml").source
    assert kept is not None and kept.may_link is may_link


def test_every_cache_key_follows_which_file_holds_which_code(tmp_path: Path) -> None:
    """The shared code key names each file beside its bytes: two modules swapping their
    contents, or one renamed, is other code (an import of one now finds the other's)."""
    package = tmp_path / "package"
    (package / "stage").mkdir(parents=True)
    (package / "stage" / "one.py").write_text("ONE = 1\n")
    (package / "stage" / "two.py").write_text("TWO = 2\n")

    def key() -> bytes:
        files = generator.caches.source_files(package)
        return generator.caches.code_key(b"magic", files, package)

    before = key()
    assert key() == before
    (package / "stage" / "one.py").write_text("TWO = 2\n")
    (package / "stage" / "two.py").write_text("ONE = 1\n")
    swapped = key()
    assert swapped != before
    (package / "stage" / "two.py").rename(package / "stage" / "three.py")
    assert key() not in (before, swapped)


def test_a_code_key_does_not_follow_the_order_its_files_are_listed_in(tmp_path: Path) -> None:
    """A folder lists its files in the file system's order, which differs between machines
    and copies: the same code must key alike however its files come."""
    package = tmp_path / "package"
    package.mkdir()
    for name in ("a.py", "b.py", "c.py"):
        (package / name).write_text(f"NAME = {name!r}\n")
    files = [package / "b.py", package / "c.py", package / "a.py"]
    key = generator.caches.code_key(b"magic", files, package)
    assert generator.caches.code_key(b"magic", files[::-1], package) == key
    assert generator.caches.code_key(b"magic", iter(sorted(files)), package) == key


def test_a_library_not_installed_is_named_as_such_in_a_key() -> None:
    missing = "partnership-plans-no-such-library"
    assert generator.caches.dependency_versions([missing, "PyYAML"]) == [
        f"{missing}==none",
        f"PyYAML=={importlib.metadata.version('PyYAML')}",
    ]
