"""Check the HTML documents in headless Chromium: axe-core, phone-width overflow, no requests.

The browser side lives in tests/a11y/check.mjs (axe-core and playwright-core from npm,
Debian's chromium). The fixture pages prove the harness catches what it claims to;
the document tests run it on a fresh build of the bundled data.

Set K2BRIEF_SCREENSHOTS=DIR to keep phone and desktop screenshots of the documents.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support import ROOT, require_tool

pytestmark = [pytest.mark.browser, pytest.mark.slow]

A11Y = ROOT / "tests" / "a11y"
CHECK = A11Y / "check.mjs"
PAGES = ROOT / "tests" / "fixtures" / "html"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# The comparison chart is a printed wall chart (PDF, SVG, PNG); it has no HTML page.
DOCUMENTS = ("briefing", "handout", "handout.es")
# The chart is its own issue: checked once the build writes it, not demanded before.

Report = dict[str, Any]


def missing_tools() -> str | None:
    """Return why the browser check cannot run here, or None if it can."""
    if shutil.which("node") is None:
        return "node is not installed (Node.js 20 or newer, with npm)"
    version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
    if int(version.strip().lstrip("v").split(".")[0] or 0) < 20:
        return f"playwright-core needs Node.js 20 or newer, found {version.strip()}"
    if not CHROMIUM.exists():
        return f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    for package in ("axe-core", "playwright-core"):
        if not (A11Y / "node_modules" / package).is_dir():
            return f"{package} is not installed (npm ci --prefix tests/a11y)"
    return None


def require_tools() -> None:
    """Skip when the browser tools are missing on a workstation; fail in CI."""
    require_tool(missing_tools())


def run_check(files: list[Path], *extra: str) -> tuple[int, Report]:
    """Run check.mjs on the files in one browser session and return its exit code and report."""
    command = ["node", str(CHECK), *extra, *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode not in (0, 1):
        pytest.fail(f"check.mjs failed (exit {done.returncode}):\n{done.stderr}")
    return done.returncode, json.loads(done.stdout)


def by_name(report: Report) -> dict[str, Report]:
    """Index a report's per-file results by file name."""
    return {Path(result["file"]).name: result for result in report["files"]}


def describe_violations(result: Report) -> str:
    """List axe violations one node per line: rule, impact, selector, what to fix."""
    return "\n".join(
        f"  {v['id']} ({v['impact']}) {node['target']}: {v['help']} [{'/'.join(node['viewports'])}]"
        for v in result["axe"]["violations"]
        for node in v["nodes"]
    )


def overflow_at(result: Report, viewport: str) -> Report:
    """Return the overflow measurement taken at the named viewport."""
    return next(o for o in result["overflow"] if o["viewport"] == viewport)


@pytest.fixture(scope="session")
def fixture_run() -> tuple[int, dict[str, Report]]:
    """Check every fixture page in one browser launch."""
    require_tools()
    code, report = run_check(sorted(PAGES.glob("*.html")))
    return code, by_name(report)


@pytest.fixture(scope="session")
def fixtures(fixture_run: tuple[int, dict[str, Report]]) -> dict[str, Report]:
    """Return the fixture pages' results by file name."""
    return fixture_run[1]


# The harness itself: a clean page passes, every planted defect is caught.


def test_clean_page_passes_every_check(fixtures: dict[str, Report]) -> None:
    clean = fixtures["clean.html"]
    assert clean["ok"], json.dumps(clean["problems"], indent=2) + describe_violations(clean)


def test_wide_table_inside_scroll_region_is_allowed_on_a_phone(
    fixtures: dict[str, Report],
) -> None:
    phone = overflow_at(fixtures["clean.html"], "phone")
    assert (phone["clientWidth"], phone["scrollWidth"], phone["offenders"]) == (375, 375, [])


@pytest.mark.parametrize(
    "rule", ["html-has-lang", "image-alt", "td-has-header"], ids=["lang", "alt", "table-headers"]
)
def test_axe_violations_are_caught(fixtures: dict[str, Report], rule: str) -> None:
    found = {v["id"] for v in fixtures["violations.html"]["axe"]["violations"]}
    assert rule in found


def test_wide_element_overflows_a_phone_and_is_named(fixtures: dict[str, Report]) -> None:
    phone = overflow_at(fixtures["violations.html"], "phone")
    assert phone["overflows"]
    assert phone["scrollWidth"] > 375
    assert [o["selector"] for o in phone["offenders"]] == ["#too-wide"]


def test_overflow_hidden_on_body_does_not_hide_a_wide_element(
    fixtures: dict[str, Report],
) -> None:
    phone = overflow_at(fixtures["hidden-overflow.html"], "phone")
    assert phone["overflows"]
    assert [o["selector"] for o in phone["offenders"]] == ["body > main > pre"]


def test_cell_content_spilling_into_the_next_column_is_caught(
    fixtures: dict[str, Report],
) -> None:
    result = fixtures["spilling-cells.html"]
    phone = overflow_at(result, "phone")
    assert [c["text"] for c in phone["spillingCells"]] == ["Menaquinone-7"]
    assert overflow_at(result, "desktop")["spillingCells"] == []
    assert result["problems"]["overflowingViewports"] == []
    assert not result["ok"]


def test_remote_image_is_recorded_and_blocked(fixtures: dict[str, Report]) -> None:
    result = fixtures["violations.html"]
    assert [r["url"] for r in result["requests"]] == ["https://example.org/remote.png"]
    assert [r["url"] for r in result["remoteReferences"]] == ["https://example.org/remote.png"]


def test_local_stylesheet_breaks_self_containment(fixtures: dict[str, Report]) -> None:
    result = fixtures["local-stylesheet.html"]
    assert [Path(r["url"]).name for r in result["localRequests"]] == ["style.css"]
    assert result["requests"] == []
    assert not result["ok"]


def test_page_without_viewport_meta_is_not_responsive(fixtures: dict[str, Report]) -> None:
    assert fixtures["local-stylesheet.html"]["problems"]["notResponsive"]
    assert not fixtures["clean.html"]["problems"]["notResponsive"]


def test_findings_give_exit_status_1(fixture_run: tuple[int, dict[str, Report]]) -> None:
    assert fixture_run[0] == 1


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    require_tools()
    done = subprocess.run(
        ["node", str(CHECK), str(tmp_path / "absent.html")], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert "no such file" in done.stderr


# The real documents, built once per session from the bundled data.


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build every document from the bundled data into a temporary folder."""
    require_tools()
    out = tmp_path_factory.mktemp("a11y-build")
    command = [sys.executable, "-m", "pipeline", "build", "--data", str(ROOT / "data")]
    done = subprocess.run(
        [*command, "--out", str(out), "--lang", "all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"k2brief build failed (exit {done.returncode}):\n{done.stderr}{done.stdout}")
    return out


@pytest.fixture(scope="session")
def documents(built: Path) -> dict[str, Report]:
    """Check every HTML file the build wrote, in one browser launch."""
    require_tools()
    pages = sorted(built.glob("*.html"))
    if not pages:
        pytest.fail(f"k2brief build wrote no HTML file into {built}")
    shots = os.environ.get("K2BRIEF_SCREENSHOTS")
    extra = ("--screenshots", shots, "--full-page") if shots else ()
    return by_name(run_check(pages, *extra)[1])


@pytest.fixture(params=DOCUMENTS)
def document(request: pytest.FixtureRequest, documents: dict[str, Report]) -> Report:
    """Return one document's result."""
    name = f"{request.param}.html"
    if name not in documents:
        pytest.fail(f"the build did not write {name}; it wrote {sorted(documents)}")
    return documents[name]


@pytest.mark.pdf
def test_document_has_no_axe_violations(document: Report) -> None:
    assert not document["axe"]["violations"], "axe violations:\n" + describe_violations(document)


@pytest.mark.pdf
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_document_does_not_scroll_sideways(document: Report, viewport: str) -> None:
    measured = overflow_at(document, viewport)
    assert not measured["overflows"], json.dumps(measured, indent=2)


@pytest.mark.pdf
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_document_table_cells_hold_their_content(document: Report, viewport: str) -> None:
    spilling = overflow_at(document, viewport)["spillingCells"]
    assert spilling == [], "cells whose content runs over the next column:\n" + "\n".join(
        f"  {c['selector']} ({c['clientWidth']} px wide, needs {c['scrollWidth']}): {c['text']}"
        for c in spilling
    )


@pytest.mark.pdf
def test_document_is_laid_out_for_phones(document: Report) -> None:
    assert not document["problems"]["notResponsive"], f"viewport meta: {document['viewportMeta']}"


@pytest.mark.pdf
def test_document_requests_nothing_outside_itself(document: Report) -> None:
    outside = document["requests"] + document["remoteReferences"] + document["localRequests"]
    assert outside == []


@pytest.mark.pdf
def test_document_runs_without_script_errors(document: Report) -> None:
    assert document["pageErrors"] == []


@pytest.mark.pdf
def test_branded_documents_pass_the_same_checks(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The sample brand's logo, colours and contact keep the HTML accessible and self-contained."""
    require_tools()
    out = tmp_path_factory.mktemp("a11y-branded")
    brand = ROOT / "tests" / "fixtures" / "brand" / "_brand.yml"
    command = [sys.executable, "-m", "pipeline", "build", "--data", str(ROOT / "data")]
    only = ["--only", "briefing", "--only", "handout"]
    done = subprocess.run(
        [*command, "--out", str(out), "--brand", str(brand), *only],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    reports = by_name(run_check(sorted(out.glob("*.html")))[1])
    assert sorted(reports) == ["briefing.html", "handout.html"]
    for name, report in reports.items():
        assert not report["axe"]["violations"], name + "\n" + describe_violations(report)
        assert not overflow_at(report, "phone")["overflows"], name
        outside = report["requests"] + report["remoteReferences"] + report["localRequests"]
        assert outside == [], name
