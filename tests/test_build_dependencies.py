"""Each document depends on the tables it reads: editing another leaves it up to date."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from pipeline import documents
from pipeline.build import manifest
from pipeline.build import run as build_module
from pipeline.dataset import load_meta
from pipeline.documents import DeclaredTables
from pipeline.errors import BuildError
from pipeline.outputs import Artifact
from pipeline.settings import Settings
from tests.test_briefing_support import copy_data, set_cell

FINGERPRINTS: dict[str, str] = {}


def fake_producer(name: str):
    """Make a producer that records the data fingerprint it was handed, via the real wrapper."""

    def produce(tables: Mapping, meta, settings: Settings) -> list[Artifact]:
        FINGERPRINTS[name] = meta.sha256
        return [Artifact(f"{name}.txt", meta.sha256.encode(), pages=1)]

    return produce


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    data = tmp_path / "data"
    data.mkdir()
    resources = [{"name": "notes", "path": "notes.csv"}, {"name": "foods", "path": "foods.csv"}]
    (data / "datapackage.json").write_text(json.dumps({"resources": resources}))
    (data / "notes.csv").write_text("a\n1\n")
    (data / "foods.csv").write_text("b\n1\n")
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in ("everything", "foods-only"):
        (templates / f"{name}.html.j2").write_text(name)
    registry = {"everything": "fake:everything", "foods-only": "fake:foods-only"}
    monkeypatch.setattr(documents, "REGISTRY", registry)
    monkeypatch.setattr(build_module, "REGISTRY", registry)
    monkeypatch.setattr(documents, "TABLES", {"everything": None, "foods-only": ("foods",)})
    monkeypatch.setattr(manifest, "ENTRY_TEMPLATES", {n: f"{n}.html.j2" for n in registry})
    monkeypatch.setattr(documents, "import_module", lambda module: _FakeModule())
    monkeypatch.setattr(build_module, "_validated_tables", lambda settings: {})
    FINGERPRINTS.clear()
    return Settings(data_dir=data, out_dir=tmp_path / "out", templates_dir=templates)


class _FakeModule:
    """Stands in for a document module: each attribute is a fake producer of that name."""

    def __getattr__(self, function: str):
        return fake_producer(function)


def statuses(result: build_module.BuildResult) -> dict[str, str]:
    return {doc.name: doc.status for doc in result.documents}


def test_editing_a_table_a_document_does_not_read_leaves_it_up_to_date(project: Settings) -> None:
    build_module.build(project)
    first = dict(FINGERPRINTS)
    assert first["everything"] != first["foods-only"], "each fingerprint covers its own files"
    (project.data_dir / "notes.csv").write_text("a\n2\n")
    result = build_module.build(project)
    assert statuses(result) == {"everything": "built", "foods-only": "up to date"}
    assert FINGERPRINTS["everything"] != first["everything"]


def test_editing_a_table_both_read_rebuilds_both(project: Settings) -> None:
    build_module.build(project)
    (project.data_dir / "foods.csv").write_text("b\n2\n")
    assert set(statuses(build_module.build(project)).values()) == {"built"}


def test_editing_the_descriptor_rebuilds_every_document(project: Settings) -> None:
    build_module.build(project)
    descriptor = project.data_dir / "datapackage.json"
    descriptor.write_text(descriptor.read_text().replace("[", '[{"name": "x", "path": "x.csv"}, '))
    assert set(statuses(build_module.build(project)).values()) == {"built"}


def test_a_document_reading_an_undeclared_table_fails_clearly(monkeypatch) -> None:
    monkeypatch.setattr(documents, "TABLES", {"handout": ("foods",)})
    tables = DeclaredTables("handout", {"foods": "F", "studies": "S"})
    assert tables["foods"] == "F" and list(tables) == ["foods"]
    with pytest.raises(BuildError, match=r"handout read the studies table.*TABLES"):
        tables["studies"]


def test_the_fingerprint_covers_only_the_files_a_document_reads(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    meta = load_meta(data)
    handout = documents.data_files_used("handout", data)
    assert handout is not None and "evidence_notes.csv" not in handout
    before = meta.limited_to(handout).sha256
    set_cell(data / "evidence_notes.csv", {}, "finding", "Changed.")
    after = load_meta(data)
    assert after.limited_to(handout).sha256 == before
    assert after.sha256 != meta.sha256, "the whole package's hash still sees the edit"
    assert documents.data_files_used("briefing", data) is None
