"""What a published plan year froze: the digests `plans publish` records, and what differs now.

A year's content is its typed data, not its files' bytes: each file's model dumped without
defaults (an omitted field and one written with its default value are the same), numbers
normalised (`1000` is `1000.00`), then written as canonical JSON. Re-indenting, re-quoting or
re-ordering keys therefore changes nothing; changing a value does.

Some of a year's data arrives after publication by design, and is not a change to the plan:
the fields in `OPEN_AFTER_PUBLICATION` (quarterly actuals, progress and status of actions,
services' status and decisions, in-year cuts, meetings) and every file not in `FROZEN_KINDS`
(the annual review, the decommissioning risk register, the change log and the record itself).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from generator.model import PlanYear
from generator.model.publication import FileDigest, PublicationFile
from generator.model.types import PartialDate

OPEN_AFTER_PUBLICATION: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "plan": (("status",), ("stage",), ("meetings",), ("published_online",), ("sent_to_pcc",)),
    "indicators": (("indicators", "*", "actuals"),),
    "actions": (
        ("actions", "*", "status"),
        ("actions", "*", "progress"),
        ("actions", "*", "milestones", "*", "status"),
        ("actions", "*", "milestones", "*", "note"),
    ),
    "services": (("services", "*", "status"), ("services", "*", "decisions")),
    "funding": (("cuts",),),
}
"""Fields of the frozen files that are filled in after publication, `*` for every item."""

FROZEN_KINDS = ("plan", "assessment", "actions", "indicators", "services", "funding")
"""The files a publication freezes, in the order they are reported."""


def _plain(value: Any) -> str:
    """A value JSON has no form for, as text: a number without trailing zeros, a date as
    written. (json.dumps calls it from its C encoder, which walks everything else.)"""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, date | PartialDate):
        return value.isoformat()
    raise TypeError(f"cannot digest a {type(value).__name__}")


def _json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain
    ).encode()


def _short(value: Any) -> str:
    return hashlib.sha256(_json(value)).hexdigest()[:12]


def _full(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _drop(data: Any, path: tuple[str, ...]) -> None:
    """Remove the field at `path` (`*`: in every item of a list) from dumped data, in place."""
    head, rest = path[0], path[1:]
    if head == "*":
        for item in data if isinstance(data, list) else ():
            _drop(item, rest)
    elif isinstance(data, dict) and head in data:
        if rest:
            _drop(data[head], rest)
        else:
            del data[head]


def frozen_content(kind: str, model: BaseModel | None) -> dict[str, Any]:
    """A file's content as a publication freezes it: its typed data without defaults or its
    open fields (`_json` makes it canonical)."""
    if model is None:
        return {}
    data = model.model_dump(mode="python", exclude_defaults=True)
    for path in OPEN_AFTER_PUBLICATION.get(kind, ()):
        _drop(data, path)
    return {key: value for key, value in data.items() if value not in ({}, [])}


def _items(value: Any) -> dict[str, dict[str, Any]] | None:
    """A list of items with unique ids, by id; None for any other value."""
    if not isinstance(value, list) or not value:
        return None
    ids = [item.get("id") if isinstance(item, dict) else None for item in value]
    if not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
        return None
    return dict(zip(ids, value, strict=True))  # type: ignore[arg-type]


def file_digest(content: Mapping[str, Any]) -> FileDigest:
    """The digests of one file's frozen content: the whole, and each field (of each item)."""
    fields: dict[str, Any] = {}
    for name, value in content.items():
        items = _items(value)
        if items is None:
            fields[name] = _short(value)
        else:
            fields[name] = {
                item_id: {field: _short(v) for field, v in item.items() if field != "id"}
                for item_id, item in items.items()
            }
    return FileDigest(digest=_full(_json(content)), fields=fields)


def _contents(plan_year: PlanYear) -> dict[str, dict[str, Any]]:
    """Each frozen file of the year with content, by file name (`plan.yml`…), in order."""
    found = {}
    for kind in FROZEN_KINDS:
        content = frozen_content(kind, getattr(plan_year, kind))
        if content:
            found[f"{kind}.yml"] = content
    return found


def year_digests(plan_year: PlanYear) -> dict[str, FileDigest]:
    """The digests of each frozen file of the year with content, by file name."""
    return {name: file_digest(content) for name, content in _contents(plan_year).items()}


def overall_digest(files: Mapping[str, FileDigest]) -> str:
    """The digest of the whole year, from its files' digests."""
    return _full(_json({name: digest.digest for name, digest in sorted(files.items())}))


def publication_record(plan_year: PlanYear, published: date, approved_by: str) -> PublicationFile:
    """The record `plans publish` writes for a plan year as it stands."""
    files = year_digests(plan_year)
    return PublicationFile(
        published=published,
        approved_by=approved_by,
        digest=overall_digest(files),
        files=files,
    )


Kind = Literal["changed", "added", "removed"]


@dataclass(frozen=True)
class Difference:
    """One way a published year's content differs from its record.

    `file` is the file's kind (`services`); `field` the field path by ids, e.g.
    `("services", "victim-hub", "funding")`, or `()` for the whole file. `name` is how an
    editor names it in changes.yml, e.g. `services[victim-hub].funding`."""

    what: Kind
    file: str
    field: tuple[str, ...]

    @property
    def name(self) -> str:
        return field_name(self.file, self.field)

    def covered_by(self, names: list[str]) -> bool:
        """Whether a change-log entry naming `names` records this difference: it names this
        field, or anything it lies in (`services[victim-hub]`, `services`)."""
        mine = self.name
        return any(mine == given or mine.startswith((given + ".", given + "[")) for given in names)


def field_name(kind: str, field: tuple[str, ...]) -> str:
    """`services[victim-hub].funding`, `plan.title`, `funding.allocations[a1].amount`: a
    field's name by ids, the file's kind first unless the field's list is named after it."""
    if not field:
        return kind
    head, rest = field[0], field[1:]
    text = head if head == kind else f"{kind}.{head}"
    if rest:
        text += f"[{rest[0]}]"
        if len(rest) > 1:
            text += "." + ".".join(rest[1:])
    return text


def differences(
    record: PublicationFile | Mapping[str, FileDigest], plan_year: PlanYear
) -> Iterator[Difference]:
    """Every difference between a year's frozen content now and its publication record (or
    the files' digests of one, e.g. as corrected), file by file, field by field. A file's
    field digests are worked out only when its whole digest differs (most published years
    have not changed: a cold validation of a national project hashes every published file
    once). A file whose digest differs with no field found
    different (its field digests edited by hand) is reported whole."""
    files = record.files if isinstance(record, PublicationFile) else record
    now = _contents(plan_year)
    for name in [*files, *(n for n in now if n not in files)]:
        kind = name.removesuffix(".yml")
        then, content = files.get(name), now.get(name)
        if then is None:
            yield Difference("added", kind, ())
        elif content is None:
            yield Difference("removed", kind, ())
        elif then.digest != _full(_json(content)):
            current = file_digest(content)
            found = list(_field_differences(kind, then.fields, current.fields))
            yield from found or [Difference("changed", kind, ())]


def _field_differences(
    kind: str, then: Mapping[str, Any], now: Mapping[str, Any]
) -> Iterator[Difference]:
    for field in [*then, *(f for f in now if f not in then)]:
        before, after = then.get(field), now.get(field)
        if before == after:
            continue
        if before is None or after is None:
            yield Difference("added" if before is None else "removed", kind, (field,))
        elif isinstance(before, dict) and isinstance(after, dict):
            for item in [*before, *(i for i in after if i not in before)]:
                old, new = before.get(item), after.get(item)
                if old == new:
                    continue
                if old is None or new is None:
                    yield Difference("added" if old is None else "removed", kind, (field, item))
                    continue
                for sub in [*old, *(s for s in new if s not in old)]:
                    if old.get(sub) != new.get(sub):
                        what: Kind = "added" if sub not in old else "changed"
                        if sub not in new:
                            what = "removed"
                        yield Difference(what, kind, (field, item, sub))
        else:
            yield Difference("changed", kind, (field,))
