"""The report in a real browser: Debian's headless chromium, with no network at all.

What is checked
- The page renders from ``file://`` while every network request would fail (a proxy
  to a closed port) and the browser's own network log shows that the page asked for
  nothing; a control page that does ask is caught the same way, so the check can fail.
- The rendered DOM holds exactly the logged data of a known SQLite store (the page
  written by ``stretchkit report``): one block per session and one marker per pain
  level of the known fortnight, and nothing of the store's other user.
- Screenshots at phone and desktop widths, and a printed PDF, land in
  ``tests/output/`` (the paths are printed); the screenshots are not blank.

Without chromium the tests skip with a clear message; with ``CI`` set they fail, so
CI cannot pass without the browser (``.ci/run`` installs it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from report_support import (
    CATALOG_PATH,
    DAYS,
    NOW,
    PAIN_POINTS,
    SESSIONS,
    USER,
    known_store,
    parse,
)

OUTPUT = Path(__file__).resolve().parent / "output"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",  # a closed port: any request the page made would fail
]


def _chromium() -> str:
    found = os.environ.get("STRETCHKIT_CHROMIUM") or shutil.which("chromium")
    found = found or shutil.which("chromium-browser")
    if found:
        return found
    message = (
        "chromium is not installed (apt-get install -y chromium, or set STRETCHKIT_CHROMIUM); "
        "the report's browser check did not run"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium() -> str:
    return _chromium()


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page ``stretchkit report`` writes for the known store's user."""
    from stretchkit.cli import main

    folder = tmp_path_factory.mktemp("report")
    store = known_store(folder / "progress.db")
    path = folder / "report.html"
    args = ["report", "--store", str(store), "--user", USER, "--days", str(DAYS)]
    with pytest.MonkeyPatch.context() as env:  # the command's one clock reading, fixed
        env.setenv("STRETCHKIT_NOW", NOW.isoformat())
        env.setenv("STRETCHKIT_TZ", "Europe/Berlin")
        assert main([*args, "--catalog", str(CATALOG_PATH), "--out", str(path)]) == 0
    return path


def run(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One headless chromium run with a fresh profile; fails the test on a bad exit."""
    done = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def page_requests(net_log: Path) -> list[str]:
    """URLs the page itself asked for (the browser's own housekeeping has no origin)."""
    log: dict[str, Any] = json.loads(net_log.read_text(encoding="utf-8"))
    types = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    return [
        event["params"]["url"]
        for event in log["events"]
        if types.get(event["type"]) == "URL_REQUEST_START_JOB"
        and "url" in event.get("params", {})
        and event["params"].get("initiator") != "not an origin"
    ]


def test_the_page_renders_with_no_network_and_holds_the_logged_data(
    chromium: str, page: Path, tmp_path: Path
) -> None:
    net_log = tmp_path / "net-log.json"
    done = run(
        chromium, tmp_path / "profile", f"--log-net-log={net_log}", "--dump-dom", page.as_uri()
    )
    assert page_requests(net_log) == []
    dom = done.stdout
    ids = parse(dom)
    assert sum(1 for i in ids.ids if re.fullmatch(r"session-\d+", i)) == SESSIONS
    assert ids.pain_markers == PAIN_POINTS
    assert dom.count("<figure") == 3
    assert dom.count("<svg") == 3
    assert "Current streak: <strong>2</strong>" in dom
    print(f"\nrendered DOM: {SESSIONS} session blocks, {PAIN_POINTS} pain markers")


def test_a_page_that_asks_for_the_network_is_caught(chromium: str, tmp_path: Path) -> None:
    """The control: the same check sees an image and a web font asked for."""
    control = tmp_path / "control.html"
    control.write_text(
        '<!DOCTYPE html><img src="http://report-check.invalid/x.png">'
        '<link rel="stylesheet" href="https://fonts.report-check.invalid/a.css">',
        encoding="utf-8",
    )
    net_log = tmp_path / "net-log.json"
    run(chromium, tmp_path / "profile", f"--log-net-log={net_log}", "--dump-dom", control.as_uri())
    assert sorted(page_requests(net_log)) == [
        "http://report-check.invalid/x.png",
        "https://fonts.report-check.invalid/a.css",
    ]


@pytest.mark.parametrize(("name", "size"), [("phone", "412,2400"), ("desktop", "1100,2000")])
def test_screenshots_are_saved_and_not_blank(
    chromium: str, page: Path, tmp_path: Path, name: str, size: str
) -> None:
    import matplotlib.image

    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / f"report-{name}.png"
    shot.unlink(missing_ok=True)
    run(
        chromium,
        tmp_path / "profile",
        f"--window-size={size}",
        f"--screenshot={shot}",
        page.as_uri(),
    )
    pixels = matplotlib.image.imread(shot)
    width = int(size.split(",")[0])
    assert pixels.shape[1] == width
    ink = (pixels[..., :3].sum(axis=2) < 2.4).mean()  # anything visibly darker than white
    assert ink > 0.01, f"{shot} looks blank ({ink:.2%} ink)"
    print(f"\nscreenshot ({name}): {shot}")


def test_the_page_prints(chromium: str, page: Path, tmp_path: Path) -> None:
    OUTPUT.mkdir(exist_ok=True)
    pdf = OUTPUT / "report.pdf"
    pdf.unlink(missing_ok=True)
    run(
        chromium,
        tmp_path / "profile",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert 1 <= pages <= 4, pages
    print(f"\nprinted: {pdf} ({pages} page(s))")
