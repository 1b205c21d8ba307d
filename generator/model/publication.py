"""The publication record of a plan year (`published.yml`), written by `plans publish`.

It says who approved the year and when, and holds a digest of the year's content as it was
published: one for the whole year, one per file, and a short one per field (per field of each
item, for lists of items with ids), so that `plans validate` can say which field changed.
The digests are of the typed data, not of the file's bytes: re-indenting, re-quoting or
re-ordering keys is not a change.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from generator.model.types import Count, Day, Strict, Title

FULL_DIGEST = r"^sha256:[0-9a-f]{64}$"
SHORT_DIGEST = r"^[0-9a-f]{12}$"
Digest = Annotated[str, Field(pattern=FULL_DIGEST)]
ShortDigest = Annotated[str, Field(pattern=SHORT_DIGEST)]
ItemDigests = dict[str, ShortDigest]
"""Each field of one item (a service, an indicator…), by field name."""
FieldDigest = ShortDigest | dict[str, ItemDigests]
"""A field's digest, or, for a list of items with ids, each item's field digests by id."""


class FileDigest(Strict):
    """The digest of one file of the year as published."""

    digest: Digest = Field(
        description="The digest of the file's content as published (sha256: and 64 hexadecimal "
        "digits)."
    )
    fields: dict[str, FieldDigest] = Field(
        default_factory=dict,
        description="A short digest of each field (and of each field of each item of a list with "
        "ids), so that validation can say which field changed.",
    )


class Corrected(Strict):
    """The year as corrected: its digests again, recorded by `plans correct` once changes.yml
    records every change since publication, so that a later change is noticed too."""

    on: Day = Field(description="The day the corrected year was recorded.")
    entries: Count = Field(
        description="How many changes.yml entries there were then: only later entries record "
        "changes since.",
    )
    digest: Digest = Field(description="The digest of the year's content as corrected.")
    files: dict[str, FileDigest] = Field(
        default_factory=dict, description="Each file's digest as corrected, by file name."
    )


class PublicationFile(Strict):
    """`plans/<partnership>/<year>/published.yml`: written by `plans publish`; not edited."""

    published: Day = Field(description="The day the year was approved for publication.")
    approved_by: Title = Field(description="Who approved it, e.g. the partnership's board.")
    digest: Digest = Field(description="The digest of the year's content as published.")
    files: dict[str, FileDigest] = Field(
        default_factory=dict, description="Each published file's digest, by file name."
    )
    corrected: Corrected | None = Field(
        None, description="The year as last corrected (`plans correct`), if it has been."
    )
