"""MkDocs hooks: the published JSON Schemas become files of the site.

The pages link to ``../schemas/*.json`` so the links work where the Markdown
is read as files (a forge, an editor). On the site those files would be
outside the docs folder; these hooks copy each schema into the site as
``schemas/NAME`` and point the links there, so the built site needs nothing
from the network or the repository to follow them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"


def on_files(files: Files, config: Any) -> Files:
    for path in sorted(SCHEMAS.glob("*.json")):
        files.append(File.generated(config, f"schemas/{path.name}", abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    # Pages sit at the top of docs/, so ../schemas/ is one level up from them.
    markdown = markdown.replace("](../schemas/", "](schemas/")
    if page.file.src_uri == "reference.md":
        # The reference renders exactly the names the package exports; the
        # list is read from the package, never copied.
        import stretchkit

        public = cast("list[str]", stretchkit.__all__)  # computed by the package on access
        names = "[" + ", ".join(public) + "]"
        markdown = markdown.replace("members: PUBLIC_NAMES", f"members: {names}")
    return markdown


# A tooltip naming where a type is defined ("stretchkit.engine._policy._int")
# would point readers at private modules; the visible name is enough.
_PRIVATE_TITLE = re.compile(r'\stitle="[^"]*\bstretchkit(?:\.\w+)*\._\w*[^"]*"')


def on_post_page(output: str, page: Any, config: Any) -> str:
    # After autorefs has written its links and tooltips.
    return _PRIVATE_TITLE.sub("", output)
