"""The brand file checked like data: file:line findings for every way it can go wrong."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

from pipeline.brand.load import load_brand
from pipeline.render import css_tokens
from pipeline.settings import TEMPLATES_DIR
from tests.support import FIXTURES

SAMPLE = FIXTURES / "brand"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/1Wb3NQAAAABJRU5ErkJggg=="
)


def _project(tmp_path: Path) -> Path:
    """Copy the sample brand (brand file and logo) into a fresh project folder."""
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    return project


def _load(brand_file: Path):
    return load_brand(brand_file, css_tokens(TEMPLATES_DIR))


def _edit(brand_file: Path, old: str, new: str) -> Path:
    text = brand_file.read_text("utf-8")
    assert old in text
    brand_file.write_text(text.replace(old, new), "utf-8")
    return brand_file


def _line_of(brand_file: Path, text: str) -> int:
    lines = brand_file.read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def _findings(brand_file: Path) -> list[tuple[int | None, str]]:
    return [(f.line, f.code) for f in _load(brand_file).findings]


def test_the_sample_brand_loads_whole() -> None:
    loaded = _load(SAMPLE / "_brand.yml")
    assert loaded.findings == ()
    brand = loaded.brand
    assert brand is not None
    assert brand.name == "Northfield Community Health"
    assert brand.logo is not None
    assert brand.logo.alt == "Northfield Community Health logo"
    assert brand.logo.data_uri.startswith("data:image/svg+xml;base64,")
    assert brand.contact.email == "evidence@northfield-health.example.org"
    assert dict(brand.css_colors)["--color-accent"] == "#1d4e89"  # from the palette
    assert [p.name for p in loaded.files] == ["_brand.yml", "logo.svg"]


def test_a_missing_logo_is_reported_at_its_path(tmp_path: Path) -> None:
    brand_file = _project(tmp_path) / "_brand.yml"
    (brand_file.parent / "logo.svg").unlink()
    assert _findings(brand_file) == [(_line_of(brand_file, "path: logo.svg"), "logo-missing")]
    assert _load(brand_file).brand is None


def test_a_logo_outside_the_project_is_refused(tmp_path: Path) -> None:
    brand_file = _project(tmp_path) / "_brand.yml"
    (tmp_path / "outside.png").write_bytes(PNG)
    _edit(brand_file, "path: logo.svg", "path: ../outside.png")
    assert _findings(brand_file) == [(_line_of(brand_file, "../outside.png"), "brand-path")]


def test_a_symlink_out_of_the_project_is_refused(tmp_path: Path) -> None:
    brand_file = _project(tmp_path) / "_brand.yml"
    (tmp_path / "outside.png").write_bytes(PNG)
    (brand_file.parent / "link.png").symlink_to(tmp_path / "outside.png")
    _edit(brand_file, "path: logo.svg", "path: link.png")
    assert [code for _, code in _findings(brand_file)] == ["brand-path"]


@pytest.mark.parametrize(
    "url", ["https://example.org/logo.png", "file:///etc/passwd", "//cdn.example/logo.svg"]
)
def test_a_url_is_never_fetched(tmp_path: Path, url: str) -> None:
    brand_file = _edit(_project(tmp_path) / "_brand.yml", "path: logo.svg", f"path: {url}")
    (finding,) = _load(brand_file).findings
    assert finding.code == "brand-path"
    assert "never fetches" in finding.message


@pytest.mark.parametrize(
    ("inside", "problem"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<rect width="1" height="1" onload="steal()"/>', "event handler"),
        ('<image href="https://tracker.example/p.png"/>', "outside the file"),
        ('<use xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="other.svg#a"/>', "outside"),
        ("<style>@import url(https://example.org/x.css);</style>", "outside the file"),
        ('<rect fill="url(file:///etc/passwd)"/>', "outside the file"),
        ("<foreignObject><p>hi</p></foreignObject>", "<foreignObject>"),
    ],
)
def test_an_unsafe_svg_logo_is_refused(tmp_path: Path, inside: str, problem: str) -> None:
    project = _project(tmp_path)
    (project / "logo.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">{inside}</svg>', "utf-8"
    )
    (finding,) = _load(project / "_brand.yml").findings
    assert finding.code == "logo-unsafe"
    assert problem in finding.message
    assert finding.line == _line_of(project / "_brand.yml", "path: logo.svg")


def test_a_safe_svg_keeps_its_own_references_and_loses_nothing_visible(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><defs><linearGradient '
        'id="g"/></defs><rect width="4" height="4" fill="url(#g)"/></svg>',
        "utf-8",
    )
    logo = _load(project / "_brand.yml").brand.logo
    svg = base64.b64decode(logo.data_uri.split(",", 1)[1]).decode()
    assert 'fill="url(#g)"' in svg


def test_the_logo_type_is_judged_by_its_bytes(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "logo.png").write_text("GIF89a, not really a PNG", "utf-8")
    brand_file = _edit(project / "_brand.yml", "path: logo.svg", "path: logo.png")
    assert [code for _, code in _findings(brand_file)] == ["logo-type"]
    (project / "logo.png").write_bytes(PNG)
    logo = _load(brand_file).brand.logo
    assert logo.media_type == "image/png"


def test_a_logo_without_alt_text_is_an_error(tmp_path: Path) -> None:
    brand_file = _project(tmp_path) / "_brand.yml"
    _edit(brand_file, "      alt: Northfield Community Health logo\n", "")
    assert [code for _, code in _findings(brand_file)] == ["logo-alt"]


def test_a_low_contrast_colour_is_reported_at_its_key(tmp_path: Path) -> None:
    brand_file = _edit(_project(tmp_path) / "_brand.yml", "primary: harbour", "primary: '#7fb2e5'")
    findings = _load(brand_file).findings
    assert {(f.line, f.code) for f in findings} == {
        (_line_of(brand_file, "primary:"), "brand-contrast")
    }
    assert "below WCAG AA's 4.5:1" in findings[0].message
    assert findings[0].hint == "choose a darker color.primary"


def test_a_dark_background_with_the_default_text_is_reported(tmp_path: Path) -> None:
    brand_file = _edit(
        _project(tmp_path) / "_brand.yml", '  foreground: "#1b1b1b"', '  background: "#202020"'
    )
    assert {code for _, code in _findings(brand_file)} == {"brand-contrast"}


def test_an_unknown_key_is_reported_with_the_closest_known_one(tmp_path: Path) -> None:
    brand_file = _edit(
        _project(tmp_path) / "_brand.yml", "  primary: harbour", "  primray: harbour"
    )
    _edit(brand_file, "    feedback:", "    feedbak:")
    findings = _load(brand_file).findings
    assert [(f.line, f.code, f.hint) for f in findings] == [
        (_line_of(brand_file, "primray"), "brand-unknown-key", "did you mean 'primary'?"),
        (_line_of(brand_file, "feedbak"), "brand-unknown-key", "did you mean 'feedback'?"),
    ]


def test_other_tools_defaults_are_left_alone(tmp_path: Path) -> None:
    brand_file = _project(tmp_path) / "_brand.yml"
    with brand_file.open("a", encoding="utf-8") as handle:
        handle.write("  bootstrap:\n    defaults:\n      enable-rounded: false\n")
    assert _findings(brand_file) == []


def test_web_fonts_and_missing_font_files_are_refused(tmp_path: Path) -> None:
    brand_file = _project(tmp_path) / "_brand.yml"
    with brand_file.open("a", encoding="utf-8") as handle:
        handle.write("typography:\n  fonts:\n    - family: Lato\n      source: google\n")
        handle.write("    - family: Serif\n      files: [fonts/Serif.ttf]\n")
        handle.write("  headings: Nowhere Sans\n")
    assert [code for _, code in _findings(brand_file)] == ["brand-font", "font-file", "brand-font"]


def test_a_brand_without_a_name_or_not_yaml_is_an_error(tmp_path: Path) -> None:
    brand_file = _edit(
        _project(tmp_path) / "_brand.yml", "  name: Northfield Community Health\n", ""
    )
    assert [code for _, code in _findings(brand_file)] == ["brand-value"]
    brand_file.write_text("meta: [unclosed\n", "utf-8")
    assert [code for _, code in _findings(brand_file)] == ["brand-error"]
