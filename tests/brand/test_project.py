"""The brand and overrides of a project: validate's output, overrides, and the build key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.build import run as build_module
from pipeline.cli import main
from pipeline.documents import Document
from pipeline.errors import InvalidDataError
from pipeline.render import render
from pipeline.settings import TEMPLATES_DIR, Settings
from tests.support import CALLS, FIXTURES, build_package, fake_producer, statuses

SAMPLE = FIXTURES / "brand"


def _validate(folder: Path, *args: str) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(main, ["validate", "--data", "data", *args])


def test_validate_reports_brand_findings_with_the_data(tmp_path: Path) -> None:
    build_package(tmp_path / "data")
    shutil.copytree(SAMPLE, tmp_path / "brand")
    (tmp_path / "brand" / "logo.svg").unlink()
    result = _validate(tmp_path, "--brand", "brand/_brand.yml")
    assert result.exit_code == 1
    assert result.output == (
        "brand/_brand.yml:9:7: logo-missing: the logo 'logo.svg' does not exist "
        f"(in {(tmp_path / 'brand').resolve()})\n"
        "\n"
        "      1 logo-missing\n"
        "invalid: 1 error, 0 warnings in 12 tables\n"
    )


def test_validate_accepts_the_sample_brand_and_github_annotates_it(tmp_path: Path) -> None:
    build_package(tmp_path / "data")
    shutil.copytree(SAMPLE, tmp_path / "brand")
    assert _validate(tmp_path, "--brand", "brand/_brand.yml").exit_code == 0
    brand_file = tmp_path / "brand" / "_brand.yml"
    brand_file.write_text(brand_file.read_text("utf-8").replace("color:", "colour:"), "utf-8")
    result = _validate(tmp_path, "--brand", "brand/_brand.yml", "--format", "github")
    assert result.output.splitlines()[0] == (
        "::error file=brand/_brand.yml,line=13,col=1,title=brand-unknown-key::"
        "'colour' is not a key of the top level (did you mean 'color'?)"
    )


def test_an_override_that_replaces_nothing_is_a_warning_with_the_closest_name(
    tmp_path: Path,
) -> None:
    build_package(tmp_path / "data")
    (tmp_path / "overrides" / "partials").mkdir(parents=True)
    (tmp_path / "overrides" / "partials" / "notcie.html.j2").write_text("x", "utf-8")
    (tmp_path / "overrides" / "partials" / "notice.html.j2").write_text("x", "utf-8")
    result = _validate(tmp_path, "--overrides", "overrides")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        "overrides/partials/notcie.html.j2: override-unknown (warning): partials/notcie.html.j2 "
        "replaces no k2brief template or stylesheet (did you mean partials/notice.html.j2?)"
    )


def test_an_override_replaces_a_partial_and_stays_strict_and_escaped(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides"
    (overrides / "partials").mkdir(parents=True)
    (overrides / "partials" / "review.html.j2").write_text(
        "{% macro review_dates(meta, tag='p') %}<{{ tag }}>Reviewed {{ meta.text }}</{{ tag }}>"
        "{% endmacro %}",
        "utf-8",
    )
    (overrides / "page.html.j2").write_text(
        '{% from "partials/review.html.j2" import review_dates %}{{ review_dates(m) }}', "utf-8"
    )
    search = (overrides, TEMPLATES_DIR)
    html = render(search, "page.html.j2", {"m": {"text": "<b>today</b>"}})
    assert html == "<p>Reviewed &lt;b&gt;today&lt;/b&gt;</p>"
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        render(search, "page.html.j2", {"m": {}})


# The build key: the brand's files and the overrides are inputs of every document.


def _two_table_project(tmp_path: Path) -> Settings:
    """A project of two tables, t and u, and documents: "one" reads t, "two" reads u."""
    data = tmp_path / "data"
    data.mkdir()
    schema = {"fields": [{"name": "a", "type": "integer"}]}
    resources = [{"name": n, "path": f"{n}.csv", "schema": schema} for n in ("t", "u")]
    (data / "datapackage.json").write_text(json.dumps({"resources": resources}))
    for name in ("t", "u"):
        (data / f"{name}.csv").write_text("a\n1\n")
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in ("one", "two"):
        (templates / f"{name}.html.j2").write_text(name)
    shutil.copytree(SAMPLE, tmp_path / "brand")
    CALLS.clear()
    return Settings(
        data_dir=data,
        out_dir=tmp_path / "out",
        templates_dir=templates,
        brand_file=tmp_path / "brand" / "_brand.yml",
    )


DOCUMENTS = (
    Document("one", "one.html.j2", ("t",), fake_producer, ("one.txt",)),
    Document("two", "two.html.j2", ("u",), fake_producer, ("two.txt",)),
)


def _build(settings: Settings) -> dict[str, str]:
    return statuses(build_module.build(settings, documents=DOCUMENTS))


def test_changing_the_logo_rebuilds_every_document_and_a_table_only_its_own(
    tmp_path: Path,
) -> None:
    settings = _two_table_project(tmp_path)
    assert _build(settings) == {"one": "built", "two": "built"}
    assert _build(settings) == {"one": "up to date", "two": "up to date"}
    logo = tmp_path / "brand" / "logo.svg"
    logo.write_text(logo.read_text("utf-8").replace("NCH", "NCT"), "utf-8")
    assert _build(settings) == {"one": "built", "two": "built"}
    (settings.data_dir / "u.csv").write_text("a\n2\n")
    assert _build(settings) == {"one": "up to date", "two": "built"}
    manifest = json.loads((settings.out_dir / "manifest.json").read_text())
    assert {"brand/_brand.yml", "brand/logo.svg"} <= {i["path"] for i in manifest["inputs"]}


def test_the_manifest_names_the_override_actually_used(tmp_path: Path) -> None:
    settings = _two_table_project(tmp_path)
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "one.html.j2").write_text("our own one")
    settings = settings.with_overrides(overrides_dir=overrides)
    assert _build(settings) == {"one": "built", "two": "built"}
    inputs = {
        i["path"] for i in json.loads((settings.out_dir / "manifest.json").read_text())["inputs"]
    }
    assert "overrides/one.html.j2" in inputs
    assert "templates/one.html.j2" not in inputs
    assert "templates/two.html.j2" in inputs
    (overrides / "one.html.j2").write_text("our own one, edited")
    assert _build(settings) == {"one": "built", "two": "built"}


def test_a_brand_with_errors_stops_the_build_and_writes_nothing(tmp_path: Path) -> None:
    settings = _two_table_project(tmp_path)
    _build(settings)
    before = {p.name: p.read_bytes() for p in settings.out_dir.iterdir()}
    (tmp_path / "brand" / "logo.svg").write_text("<svg><script>x()</script></svg>")
    with pytest.raises(InvalidDataError, match=r"brand file .* has errors") as caught:
        build_module.build(settings, documents=DOCUMENTS, force=True)
    assert [f.code for f in caught.value.report.findings] == ["logo-unsafe"]
    assert {p.name: p.read_bytes() for p in settings.out_dir.iterdir()} == before


def test_watch_and_serve_watch_the_brand_files_and_the_overrides(tmp_path: Path) -> None:
    from pipeline.build.watch import watched_paths

    settings = _two_table_project(tmp_path)
    (tmp_path / "overrides").mkdir()
    settings = settings.with_overrides(overrides_dir=tmp_path / "overrides")
    watched = watched_paths(settings)
    assert tmp_path / "overrides" in watched
    assert {p.name for p in watched} >= {"_brand.yml", "logo.svg"}
    # The brand file's folder itself is not watched: it may be the project root, output/ and all.
    assert tmp_path / "brand" not in watched
