"""Stage 6, site: one MkDocs build per financial year, a version selector, and an atomic publish.

Each version is rendered to Markdown and built by MkDocs in shards (the home pages, then one a
police force area: `shards`) with a generated configuration (the project's `mkdocs.yml` plus
docs_dir, site_dir, nav and strict validation: `config`); the shards are joined into the
version (`versions`, `search`), and everything is built into a working folder beside the output.
Only when every version has built and passed its checks is the old site swapped out
(`publish`): a failed build leaves the old site untouched. Built shards are kept by key for the
next build (`cache`). `hooks` is the only code MkDocs itself calls; `sanitize`, `search_index`
and the `fast_*` Markdown extensions run inside it.
"""

from generator.site.build import build_site
from generator.site.options import BuildError, BuildOptions, BuildReport

__all__ = ["BuildError", "BuildOptions", "BuildReport", "build_site"]
