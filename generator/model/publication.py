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

from generator.model.types import Day, Strict, Title

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

    digest: Digest
    fields: dict[str, FieldDigest] = Field(default_factory=dict)


class PublicationFile(Strict):
    """`plans/<partnership>/<year>/published.yml`: written by `plans publish`; not edited."""

    published: Day = Field(description="The day the year was approved for publication.")
    approved_by: Title = Field(description="Who approved it, e.g. the partnership's board.")
    digest: Digest = Field(description="The digest of the year's content as published.")
    files: dict[str, FileDigest] = Field(
        default_factory=dict, description="Each published file's digest, by file name."
    )
