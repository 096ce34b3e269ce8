"""The documentation site: it builds strictly, covers the public API, and needs no network.

``make docs`` builds the same site for people; this test builds it once into a
temporary folder and reads the HTML, so a public name without a reference
entry, a page that is not in the navigation, a link to a private module or a
script fetched from elsewhere fails the suite.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

import stretchkit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# A dotted path with a private part after `stretchkit`: stretchkit._x, stretchkit.io._load.
PRIVATE = re.compile(r"\bstretchkit(?:\.[A-Za-z]\w*)*\._[A-Za-z0-9]\w*")
# docs/performance.md is written by `make bench`: it reports measurements of
# the implementation (import times per module, the optimisation study), not
# guidance, and no one edits it by hand.
MEASURED = {"performance.md"}


class _Page(HTMLParser):
    """Visible text, and every URL the page would load or send the reader to."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.loads: list[str] = []
        self.links: list[str] = []
        self.titles: list[str] = []
        self.ids: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if "title" in values:
            self.titles.append(values["title"])
        if tag in ("script", "img", "iframe", "source", "audio", "video") and values.get("src"):
            self.loads.append(values["src"])
        if tag == "link" and values.get("href"):
            self.loads.append(values["href"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    assert done.returncode == 0, done.stderr[-3000:]
    assert not warnings, warnings
    return out


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _nav_files(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [f for item in nav for f in _nav_files(item)]
    if isinstance(nav, dict):
        return [f for value in nav.values() for f in _nav_files(value)]
    return []


def _config() -> dict[str, object]:
    # mkdocs.yml tags Python objects (the mermaid fence formatter); read it plainly.
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
    data = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    assert isinstance(data, dict)
    return data


def test_every_page_is_in_the_navigation() -> None:
    in_nav = set(_nav_files(_config()["nav"]))
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert pages - in_nav == set(), "add these pages to mkdocs.yml's nav"
    assert in_nav - pages == set(), "the nav names pages that do not exist"


def test_the_reference_lists_every_public_name(site: Path) -> None:
    page = _parse(site / "reference.html")
    missing = [name for name in stretchkit.__all__ if f"stretchkit.{name}" not in page.ids]
    assert not missing, f"no reference entry (give each a docstring): {missing}"


def test_no_page_points_readers_at_private_modules(site: Path) -> None:
    sources = [ROOT / "README.md", *DOCS.glob("*.md")]
    for source in sources:
        if source.name in MEASURED:
            continue
        found = PRIVATE.findall(source.read_text(encoding="utf-8"))
        assert not found, f"{source.relative_to(ROOT)} names private modules: {found}"
    for html in site.rglob("*.html"):
        if html.name.removesuffix(".html") + ".md" in MEASURED:
            continue
        page = _parse(html)
        shown = " ".join([*page.text, *page.links, *page.titles])
        found = PRIVATE.findall(shown)
        assert not found, (
            f"{html.relative_to(site)} names private modules {sorted(set(found))}: name the "
            "public sk.Name instead (docstrings and CHANGELOG.md are pages of the site too)"
        )


def test_the_site_loads_nothing_from_the_network(site: Path) -> None:
    for html in site.rglob("*.html"):
        page = _parse(html)
        remote = [url for url in page.loads if re.match(r"^([a-z]+:)?//", url)]
        assert not remote, f"{html.relative_to(site)} loads {remote}"
        for url in page.loads:
            if not url.startswith(("data:", "#")):
                path = url.split("?", 1)[0].split("#", 1)[0]
                # 404.html is served for any address, so its URLs start at the root.
                base = site if path.startswith("/") else html.parent
                target = (base / path.lstrip("/")).resolve()
                assert target.is_file(), f"{html.relative_to(site)} loads missing {url}"


def test_diagrams_are_drawn_by_the_vendored_mermaid(site: Path) -> None:
    """Material fetches mermaid from a CDN unless a ``mermaid`` global exists already."""
    engine = _parse(site / "engine.html")
    assert any(url.endswith("mermaid.tiny.js") for url in engine.loads)
    vendored = (site / "assets" / "javascripts" / "mermaid.tiny.js").read_text(encoding="utf-8")
    assert 'globalThis["mermaid"]' in vendored
    assert '<pre class="mermaid">' in (site / "engine.html").read_text(encoding="utf-8")


def test_the_changelog_page_holds_the_changelog(site: Path) -> None:
    text = " ".join(_parse(site / "changelog.html").text)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    for version in re.findall(r"^## \[([^\]]+)\]", changelog, re.MULTILINE):
        assert version in text


def test_the_vendored_mermaid_is_the_recorded_release() -> None:
    folder = DOCS / "assets" / "javascripts"
    recorded = re.search(r"sha256 ([0-9a-f]{64})", (folder / "VENDORED.txt").read_text("utf-8"))
    assert recorded is not None
    digest = hashlib.sha256((folder / "mermaid.tiny.js").read_bytes()).hexdigest()
    assert digest == recorded.group(1)
