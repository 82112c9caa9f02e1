"""Each document depends on the tables it reads: editing another leaves it up to date."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from pipeline.build import run as build_module
from pipeline.dataset import Dataset
from pipeline.documents import REGISTRY, DeclaredTables, Document, by_name
from pipeline.errors import BuildError
from pipeline.outputs import Artifact
from pipeline.settings import Settings
from tests.support import copy_data, set_cell

FINGERPRINTS: dict[str, str] = {}


def fake_producer(document: Document, tables: Mapping, meta, settings: Settings) -> list[Artifact]:
    """Record the data fingerprint the build handed a document."""
    FINGERPRINTS[document.name] = meta.sha256
    return [Artifact(f"{document.name}.txt", meta.sha256.encode(), pages=1)]


DOCUMENTS = (
    Document("everything", "everything.html.j2", None, fake_producer, ("everything.txt",)),
    Document("foods-only", "foods-only.html.j2", ("foods",), fake_producer, ("foods-only.txt",)),
)


def build(settings: Settings) -> build_module.BuildResult:
    """Build the two fake documents."""
    return build_module.build(settings, documents=DOCUMENTS)


@pytest.fixture
def project(tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    data.mkdir()
    resources = [
        {
            "name": name,
            "path": f"{name}.csv",
            "schema": {"fields": [{"name": c, "type": "integer"}]},
        }
        for name, c in (("notes", "a"), ("foods", "b"))
    ]
    (data / "datapackage.json").write_text(json.dumps({"resources": resources}))
    (data / "notes.csv").write_text("a\n1\n")
    (data / "foods.csv").write_text("b\n1\n")
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in ("everything", "foods-only"):
        (templates / f"{name}.html.j2").write_text(name)
    FINGERPRINTS.clear()
    return Settings(data_dir=data, out_dir=tmp_path / "out", templates_dir=templates)


def statuses(result: build_module.BuildResult) -> dict[str, str]:
    return {doc.name: doc.status for doc in result.documents}


def test_editing_a_table_a_document_does_not_read_leaves_it_up_to_date(project: Settings) -> None:
    build(project)
    first = dict(FINGERPRINTS)
    assert first["everything"] != first["foods-only"], "each fingerprint covers its own files"
    (project.data_dir / "notes.csv").write_text("a\n2\n")
    result = build(project)
    assert statuses(result) == {"everything": "built", "foods-only": "up to date"}
    assert FINGERPRINTS["everything"] != first["everything"]


def test_editing_a_table_both_read_rebuilds_both(project: Settings) -> None:
    build(project)
    (project.data_dir / "foods.csv").write_text("b\n2\n")
    assert set(statuses(build(project)).values()) == {"built"}


def test_editing_the_descriptor_rebuilds_every_document(project: Settings) -> None:
    build(project)
    descriptor = project.data_dir / "datapackage.json"
    descriptor.write_text(descriptor.read_text().replace('"notes"', '"notes", "title": "Notes"'))
    assert set(statuses(build(project)).values()) == {"built"}


def test_a_document_reading_an_undeclared_table_fails_clearly() -> None:
    handout = Document("handout", "handout.html.j2", ("foods",), fake_producer, ())
    tables = DeclaredTables(handout, {"foods": "F", "studies": "S"})
    assert tables["foods"] == "F"
    assert list(tables) == ["foods"]
    with pytest.raises(BuildError, match=r"handout read the studies table.*its tables"):
        tables["studies"]


def test_the_fingerprint_covers_only_the_files_a_document_reads(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    handout = by_name("handout").tables
    dataset = Dataset.read(data)
    assert "evidence_notes.csv" not in {name for name, _ in dataset.files_for(handout)}
    before = dataset.meta(handout).sha256
    set_cell(data / "evidence_notes.csv", {}, "finding", "Changed.")
    after = Dataset.read(data)
    assert after.meta(handout).sha256 == before
    assert after.meta().sha256 != dataset.meta().sha256, "the whole package's hash sees the edit"
    assert by_name("briefing", REGISTRY).tables is None
    # Every file but the translations, which only the translated documents read.
    assert after.files_for(None) == tuple(f for f in after.files if f[0] != "translations.csv")


def test_a_build_reads_the_descriptor_at_most_twice(tmp_path: Path) -> None:
    """Once to hash and describe the package, once for the validator's strict schema."""
    data = copy_data(tmp_path / "data")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "everything.html.j2").write_text("everything")
    code = f"""
import sys
from pathlib import Path
opened = []
sys.addaudithook(
    lambda event, args: opened.append(str(args[0]))
    if event == "open" and str(args[0]).endswith("datapackage.json") else None
)
from pipeline.build.run import build
from pipeline.settings import Settings
from tests.documents.test_documents import DOCUMENTS
settings = Settings(
    data_dir=Path({str(data)!r}), out_dir=Path({str(tmp_path / "out")!r}),
    templates_dir=Path({str(templates)!r}),
)
build(settings.with_overrides(only=("everything",)), documents=DOCUMENTS)
print(len(opened))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout.split()[-1]) <= 2, out.stdout


def test_resources_with_the_same_file_name_in_two_folders_do_not_collide(tmp_path: Path) -> None:
    for folder, value in (("a", "1"), ("b", "2")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "t.csv").write_text(f"x\n{value}\n")
    resources = [{"name": "first", "path": "a/t.csv"}, {"name": "second", "path": "b/t.csv"}]
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": resources}))
    dataset = Dataset.read(tmp_path)
    assert [name for name, _ in dataset.files] == ["datapackage.json", "a/t.csv", "b/t.csv"]
    assert [name for name, _ in dataset.files_for(("second",))] == ["datapackage.json", "b/t.csv"]
    assert dataset.meta(("first",)).sha256 != dataset.meta(("second",)).sha256


def test_editing_the_charts_probe_template_rebuilds_the_chart(tmp_path: Path) -> None:
    """The probe decides the limits the chart is fitted with, though the chart never includes it."""
    from pipeline.build.manifest import document_inputs
    from pipeline.settings import PROJECT_ROOT, TEMPLATES_DIR

    templates = shutil.copytree(TEMPLATES_DIR, tmp_path / "templates")
    chart, dataset = by_name("comparison-chart"), Dataset.read(PROJECT_ROOT / "data")
    before = document_inputs(chart, dataset, templates, {}).key()
    probe = templates / "chart-probe.html.j2"
    probe.write_text(probe.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert document_inputs(chart, dataset, templates, {}).key() != before
