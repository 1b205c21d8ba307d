"""A version's search index and sitemap, joined from its shards' (and, with settings
`search: area`, one smaller index per shard).
"""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path
from typing import Any

_SITEMAP_URL = re.compile(r"<url>.*?</url>", re.DOTALL)


SEARCH_INDEX = "search/search_index.json"


def area_index(area: str) -> str:
    """Where the search index of a shard's pages (an area's, or the home pages': `_home`)
    stands in its version (settings `search: area`); the shard's configuration names it to its
    pages (`extra.plans_search_index`)."""
    return f"search/areas/{area}.json"


def joined_files(parts: list[Path], epoch: int, areas: list[str] | None = None) -> dict[str, bytes]:
    """The files of a version made from every shard's (the home shard first): one search index
    holding every shard's entries, one sitemap listing every shard's pages (each only if the
    home shard has one).

    With `areas` (the shards' names, for settings `search: area`), also one index per shard:
    every entry of its own pages and of the home pages, and each other page of the version by
    its title alone (its first entry, without text). No page loads the whole index then."""
    config: dict[str, Any] = {}
    urls: list[str] = []
    per_part: list[list[Any]] = []
    for part in parts:
        index = part / SEARCH_INDEX
        docs: list[Any] = []
        if index.is_file():
            data = json.loads(index.read_text(encoding="utf-8"))
            config = config or data.get("config", {})
            docs = data.get("docs", [])
        per_part.append(docs)
        sitemap = part / "sitemap.xml"
        if sitemap.is_file():
            urls.extend(_SITEMAP_URL.findall(sitemap.read_text(encoding="utf-8")))
    files: dict[str, bytes] = {}
    home = parts[0]
    if (home / "search").is_dir():
        # Each part's entries are written out once and the indexes put together from the
        # pieces: the same bytes as json.dumps of each index whole, without writing a national
        # year's 45 area indexes (55 MB) entry by entry again.
        written = _compact_json(config)
        own = [_compact_json(docs)[1:-1] for docs in per_part]
        files[SEARCH_INDEX] = _search_index(written, own)
        if areas is not None:
            titles = [_compact_json(page_titles(docs))[1:-1] for docs in per_part]
            for mine, area in enumerate(areas):  # the home shard's too: its own and titles
                pieces = [own[0], own[mine] if mine else ""]
                pieces += [text for other, text in enumerate(titles) if other not in (0, mine)]
                files[area_index(area)] = _search_index(written, pieces)
    if (home / "sitemap.xml").is_file():
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(f"    {url}\n" for url in urls)
            + "</urlset>"
        ).encode("utf-8")
        files["sitemap.xml"] = xml
        packed_home = home / "sitemap.xml.gz"
        mtime = (  # the date MkDocs gave the home shard's (it keeps the day of the build date)
            int.from_bytes(packed_home.read_bytes()[4:8], "little")
            if packed_home.is_file()
            else epoch
        )
        packed = io.BytesIO()
        with gzip.GzipFile(filename="sitemap.xml", fileobj=packed, mode="wb", mtime=mtime) as gz:
            gz.write(xml)
        files["sitemap.xml.gz"] = packed.getvalue()
    return files


def page_titles(docs: list[Any]) -> list[Any]:
    """A shard's search entries of whole pages (not sections), without their text."""
    return [{**doc, "text": ""} for doc in docs if "#" not in doc["location"]]


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def _search_index(config: str, pieces: list[str]) -> bytes:
    """A search index file from its configuration and its entries' pieces (each entries
    written out compactly, without their list's brackets; empty ones are left out)."""
    docs = ",".join(piece for piece in pieces if piece)
    return f'{{"config":{config},"docs":[{docs}]}}'.encode()
