"""Plain-text YAML for the generated files: block style, and quotes wherever YAML could misread.

Written by hand rather than with `yaml.dump` because it is over ten times faster, even than
libyaml's emitter, and the benchmark writes hundreds of megabytes of it.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import Decimal
from typing import Any

Doc = dict[str, Any]
HEADER = "# Synthetic benchmark data: every partnership, organisation and person is fictional.\n"

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()/'&+-]*[A-Za-z0-9.)]|[0-9]{4}-[0-9]{2}")
_YAML11_WORDS = frozenset(
    {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}
)  # compared lower-cased: plain, YAML would read these as booleans, nulls or numbers


@functools.lru_cache(maxsize=65536)
def _text(value: str) -> str:
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML11_WORDS:
        return value
    return "'" + value.replace("'", "''") + "'"


def scalar(value: Any) -> str:
    """One scalar as YAML text: numbers and dates plain, strings plain only when unambiguous."""
    kind = type(value)
    if kind is str:
        return _text(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is Decimal:
        return format(value, "f")
    if kind is date:
        return str(value.isoformat())
    raise TypeError(f"cannot write {kind.__name__} as YAML")


def _block(value: Any, indent: int, out: list[str]) -> None:
    """Append the lines of a mapping or list; None and empty fields are left out."""
    pad = " " * indent
    if type(value) is dict:
        for key, item in value.items():
            if item is None or item == [] or item == {}:
                continue
            if type(item) is dict or type(item) is list:
                out.append(f"{pad}{key}:")
                _block(item, indent + 2, out)
            else:
                out.append(f"{pad}{key}: {scalar(item)}")
        return
    for item in value:
        if type(item) is dict:
            start = len(out)
            _block(item, indent + 2, out)
            out[start] = f"{pad}- {out[start][indent + 2 :]}"
        else:
            out.append(f"{pad}- {scalar(item)}")


def to_yaml(document: Doc) -> str:
    """A mapping as block-style YAML text, keys in insertion order."""
    lines: list[str] = []
    _block(document, 0, lines)
    return HEADER + "\n".join(lines) + "\n"
