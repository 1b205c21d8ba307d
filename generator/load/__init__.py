"""Stage 1, load: a project's YAML files found by their place in the tree and read strictly,
with the position of every value kept for messages.

`reader` reads one file's bytes (strict UTF-8, strict YAML, nothing silently changed or lost);
`files` finds the project's files and loads them, in worker processes when there are many;
`cache` keeps loaded files by content hash, so a second run parses only what changed.
"""

from generator.load.files import (
    FoundFile,
    SourceFile,
    classify,
    discover,
    file_name,
    load_contents,
    load_file,
    load_files,
    load_sources,
)
from generator.load.reader import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS_PER_FILE,
    Document,
    SourceText,
    content_hash,
    decode,
    load_bytes,
    parse_text,
)

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_PROBLEMS_PER_FILE",
    "Document",
    "FoundFile",
    "SourceFile",
    "SourceText",
    "classify",
    "content_hash",
    "decode",
    "discover",
    "file_name",
    "load_bytes",
    "load_contents",
    "load_file",
    "load_files",
    "load_sources",
    "parse_text",
]
