"""Text for Markdown pages: plain text made inert, free text checked, numbers and dates formatted.

Every value a template prints goes through `finalize`: plain text is escaped so that it can never
become Markdown or HTML; only values wrapped in `Md` (built by these filters) pass unchanged.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator.compute.rag import format_number
from generator.model.markdown_policy import ITEM_PAGES, heading_anchor, site_links
from generator.model.types import PartialDate
from generator.problems import counted

# Python-Markdown's escapable characters (with the tables extension's '|'); '>' is made an entity.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


class Md(str):
    """Markdown that may be written to a page as it is."""

    __slots__ = ()


def escape_text(value: Any) -> Md:
    """Plain text as inert Markdown: shown exactly as written, never interpreted."""
    text = str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return Md(" ".join(text.split()))


def finalize(value: Any) -> Any:
    """Applied by Jinja to every printed value: escape unless it is already Markdown."""
    if isinstance(value, Md):
        return value
    if isinstance(value, bool):
        return Md("yes" if value else "no")
    if isinstance(value, int | Decimal):
        return Md(escape_text(format_number(Decimal(value))))
    return escape_text(value)


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_PIPE = re.compile(r"\\*\|")


HEADING_LINKS: ContextVar[list[str] | None] = ContextVar("HEADING_LINKS", default=None)
"""Where the page being rendered notes the links to a heading in the free text it shows, when
they are being checked (generator.render.headings); None the rest of the time."""
_ITEM_LINK = re.compile(r"(\]\(\s*<?)#(" + "|".join(ITEM_PAGES) + r")\.")


def markdown_block(value: str | None) -> Md:
    """Free text (basic Markdown) as a block. The policy already refuses raw HTML; as a second
    line of defence anything shaped like a tag is shown as text, never passed through. A link
    to an item (`#service.<id>`) is made a link to its page (`services.md#service.<id>`), so it
    resolves on every page of the partnership that shows the text."""
    if value is None:
        return Md("")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _TAG_START.sub("&lt;", text)
    if "](" in text:
        noted = HEADING_LINKS.get()
        if noted is not None:
            noted.extend(t for t in site_links(text) if heading_anchor(t) is not None)
        text = _ITEM_LINK.sub(lambda m: f"{m[1]}{ITEM_PAGES[m[2]]}.md#{m[2]}.", text)
    return Md(text.strip())


def markdown_inline(value: str | None) -> Md:
    """Free text squeezed into one line for a table cell: a '|' can never end the cell."""
    block = markdown_block(value)
    return Md(" ".join(_PIPE.sub(r"\\|", block).split()))


def markdown_item(value: str | None, width: int = 4) -> Md:
    """Free text as one list item: later lines and paragraphs stay inside the item."""
    return indent_block(markdown_block(value), width)


def attribute(value: Any) -> Md:
    """A value for an HTML attribute a template writes (ids, links built from ids)."""
    text = str(value)
    for raw, entity in (("&", "&amp;"), ('"', "&quot;"), ("'", "&#39;"), ("<", "&lt;")):
        text = text.replace(raw, entity)
    return Md(text.replace(">", "&gt;"))


def indent_block(value: str, width: int = 4) -> Md:
    """Indent every line after the first, so a block fits inside a list item."""
    pad = " " * width
    return Md(("\n" + pad).join(str(value).split("\n")))


def money(amount: Decimal | int | None, pence: bool = False) -> Md:
    """£1,234,567 (whole pounds unless the amount has pence, or `pence` is asked for)."""
    if amount is None:
        return Md("—")
    value = Decimal(amount)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if pence or value != value.to_integral_value():
        text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    else:
        text = f"{value:,.0f}"
    return Md(f"{sign}£{text}")


def long_date(day: date | PartialDate | None) -> Md:
    """31 March 2025; a date known only to the month or year as written (November 2012, 2013)."""
    if day is None:
        return Md("—")
    if isinstance(day, PartialDate):
        return Md(day.words())
    return Md(f"{day.day} {_MONTHS[day.month - 1]} {day.year}")


def on_date(day: date | PartialDate | None) -> Md:
    """'on 31 March 2025', or 'in November 2012' / 'in 2013' for a date known less exactly."""
    if isinstance(day, PartialDate) and day.precision != "day":
        return Md(f"in {day.words()}")
    return Md(f"on {long_date(day)}")


def financial_year(year_id: str) -> Md:
    """2024-25 → 2024/25."""
    return Md(year_id.replace("-", "/"))


def percent(value: Decimal | float, places: int = 1) -> Md:
    """12.3%."""
    quant = Decimal(1).scaleb(-places)
    return Md(f"{Decimal(value).quantize(quant, rounding=ROUND_HALF_UP)}%")


def number(value: Decimal | int | None) -> Md:
    """1,234.5 — thousands separated, no trailing zeros."""
    return Md("—") if value is None else Md(format_number(Decimal(value)))


def slug_label(value: str) -> Md:
    """An enumerated value for people: `joint-commissioning` → Joint commissioning."""
    text = value.replace("-", " ")
    return escape_text(text[:1].upper() + text[1:])


def count_of(count: int, singular: str, plural: str | None = None) -> Md:
    """`{{ n | count_of("indicator") }}`: '1 indicator', '2 indicators' (never 'indicator(s)');
    `plural` for a noun that does not just take an 's'. The nouns are the templates' own words."""
    return escape_text(counted(count, singular, plural))


def file_size(size: int) -> Md:
    """A download's size for people: '850 bytes', '12 KB', '3.4 MB' (1 KB = 1,000 bytes)."""
    if size < 1000:
        return Md(counted(size, "byte"))
    for unit, scale in (("KB", 1000), ("MB", 1000**2), ("GB", 1000**3)):
        value = Decimal(size) / scale
        shown = value.quantize(Decimal(1) if value >= 10 else Decimal("0.1"), ROUND_HALF_UP)
        if shown < 1000 or unit == "GB":
            return Md(f"{shown:,} {unit}")
    raise AssertionError("unreachable")
