"""Incremental builds: skip what is up to date, rebuild what changed, refuse concurrent builds."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
from pathlib import Path

import pytest

from pipeline.build import run as build_module
from pipeline.documents import Document
from pipeline.errors import BuildError
from pipeline.outputs import Artifact
from pipeline.settings import Settings
from tests.support import CALLS, DOCUMENTS, fake_documents, fake_producer, statuses, write_package


def build(settings: Settings, documents=DOCUMENTS, **options) -> build_module.BuildResult:
    """Build the fake documents."""
    return build_module.build(settings, documents=documents, **options)


def test_second_build_builds_nothing(project: Settings) -> None:
    assert statuses(build(project)) == {"one": "built", "two": "built"}
    CALLS.clear()
    result = build(project)
    assert statuses(result) == {"one": "up to date", "two": "up to date"}
    assert CALLS == []
    assert result.written == ()


def test_changing_one_template_rebuilds_only_its_document(project: Settings) -> None:
    build(project)
    CALLS.clear()
    (project.templates_dir / "css" / "shared.css").write_text("body{color:red}")
    assert statuses(build(project)) == {"one": "built", "two": "up to date"}
    assert CALLS == ["one"]


def test_changing_data_or_options_rebuilds_all(project: Settings) -> None:
    build(project)
    (project.data_dir / "t.csv").write_text("a\n2\n")
    assert set(statuses(build(project)).values()) == {"built"}
    letter = project.with_overrides(paper="letter")
    assert set(statuses(build(letter)).values()) == {"built"}


def test_deleted_output_is_rebuilt_and_force_rebuilds_all(project: Settings) -> None:
    build(project)
    (project.out_dir / "two.txt").unlink()
    assert statuses(build(project)) == {"one": "up to date", "two": "built"}
    assert set(statuses(build(project, force=True)).values()) == {"built"}


def test_manifest_and_sums_verify(project: Settings) -> None:
    build(project)
    data = json.loads((project.out_dir / "manifest.json").read_text())
    assert set(data["outputs"]) == {"one.txt", "two.txt"}
    assert {entry["path"] for entry in data["inputs"]} >= {"data/t.csv", "templates/one.html.j2"}
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=project.out_dir, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_failed_build_leaves_outputs_and_manifest(project: Settings) -> None:
    build(project)
    before = {p.name: p.read_bytes() for p in project.out_dir.iterdir() if p.is_file()}
    (project.templates_dir / "two.html.j2").write_text("changed")

    def broken(*args: object) -> list[Artifact]:
        raise BuildError("renderer failed")

    with pytest.raises(BuildError):
        build(project, fake_documents(broken))
    after = {p.name: p.read_bytes() for p in project.out_dir.iterdir() if p.is_file()}
    assert after == before


def test_parallel_build_keeps_order_and_matches_serial(project: Settings) -> None:
    serial = build(project, force=True, jobs=1)
    first = {p.name: p.read_bytes() for p in project.out_dir.iterdir() if p.is_file()}
    parallel = build(project, force=True, jobs=2)
    second = {p.name: p.read_bytes() for p in project.out_dir.iterdir() if p.is_file()}
    assert [d.name for d in parallel.documents] == [d.name for d in serial.documents]
    assert first == second


def test_concurrent_build_is_refused(project: Settings) -> None:
    project.out_dir.mkdir()
    fd = os.open(project.out_dir / build_module.LOCK, os.O_CREAT | os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(BuildError, match="another k2brief build"):
            build(project)
    finally:
        os.close(fd)


def test_clean_removes_only_generated_files(project: Settings) -> None:
    from pipeline.build.clean import clean

    build(project)
    (project.out_dir / "notes.txt").write_text("mine")
    removed = clean(project.out_dir)
    assert sorted(p.name for p in removed) == ["SHA256SUMS", "manifest.json", "one.txt", "two.txt"]
    assert sorted(p.name for p in project.out_dir.iterdir()) == ["notes.txt"]


def test_dist_archive_is_reproducible(project: Settings, tmp_path: Path) -> None:
    import zipfile

    from pipeline.build.dist import make_archive

    write_package(project.data_dir, created="2026-11-20T00:00:00Z")
    build(project)
    first = make_archive(project.out_dir, project.data_dir, tmp_path / "dist1")
    build(project, force=True)
    second = make_archive(project.out_dir, project.data_dir, tmp_path / "dist2")
    assert first.name == "k2brief-briefings-2026-11-20.zip"
    assert first.read_bytes() == second.read_bytes()
    names = zipfile.ZipFile(first).namelist()
    assert names == [
        "k2brief-briefings/one.txt",
        "k2brief-briefings/two.txt",
        "k2brief-briefings/manifest.json",
        "k2brief-briefings/SHA256SUMS",
        "k2brief-briefings/data/datapackage.json",
        "k2brief-briefings/data/t.csv",
    ]
    packed = zipfile.ZipFile(first).read("k2brief-briefings/data/t.csv")
    assert packed == (project.data_dir / "t.csv").read_bytes()


def test_dist_archive_carries_the_data_diff_reads(project: Settings, tmp_path: Path) -> None:
    from pipeline.build.dist import make_archive
    from pipeline.changes.compare import compare_paths

    build(project)
    archive = make_archive(project.out_dir, project.data_dir, tmp_path / "dist")
    assert compare_paths(archive, project.data_dir).changes == ()
    (project.data_dir / "t.csv").write_text("a\n1\n2\n")
    assert [c.change for c in compare_paths(archive, project.data_dir).changes] == ["added"]


def test_dist_refuses_data_edited_since_the_build(project: Settings, tmp_path: Path) -> None:
    from pipeline.build.dist import make_archive

    build(project)
    (project.data_dir / "t.csv").write_text("a\n2\n")
    with pytest.raises(BuildError, match=r"t.csv changed since the outputs .* were built"):
        make_archive(project.out_dir, project.data_dir, tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


def test_a_document_writing_files_it_does_not_declare_fails(project: Settings) -> None:
    wrong = (Document("one", "one.html.j2", None, fake_producer, ("one.pdf",)),)
    with pytest.raises(BuildError, match=r"the one made one.txt; .* says it writes one.pdf"):
        build(project, wrong)
    assert not project.out_dir.joinpath("one.txt").exists()


def test_the_documents_of_one_build_share_the_food_sums(project: Settings, tmp_path: Path) -> None:
    """Each document sums a large foods table once per build, not once per document."""
    from pipeline.context.foods import food_sums
    from tests.support import copy_data

    seen: list[object] = []

    def remember(document: Document, tables, meta, settings: Settings) -> list[Artifact]:
        seen.append(food_sums(tables))
        return fake_producer(document, tables, meta, settings)

    bundled = project.with_overrides(data_dir=copy_data(tmp_path / "bundled"))
    build(bundled, fake_documents(remember), jobs=1)
    assert len(seen) == 2
    assert seen[0] is seen[1], "one cache on the job, used by both documents"


def test_since_is_part_of_the_key_of_documents_that_show_changes(
    project: Settings, tmp_path: Path
) -> None:
    from dataclasses import replace

    one, two = DOCUMENTS
    documents = (replace(one, shows_changes=True), two)
    first, second = tmp_path / "first", tmp_path / "second"
    for old, value in ((first, "1"), (second, "2")):
        old.mkdir()
        write_package(old)
        (old / "t.csv").write_text(f"a\n{value}\n")
    build(project, documents)
    since = project.with_overrides(since=first)
    assert statuses(build(since, documents)) == {"one": "built", "two": "up to date"}
    assert statuses(build(since, documents)) == {"one": "up to date", "two": "up to date"}
    (first / "t.csv").write_text("a\n3\n")
    assert statuses(build(since, documents))["one"] == "built", "OLD's data changed"
    other = project.with_overrides(since=second)
    assert statuses(build(other, documents)) == {"one": "built", "two": "up to date"}
    assert statuses(build(project, documents)) == {"one": "built", "two": "up to date"}


def test_since_an_edition_that_is_not_one_fails_before_building(
    project: Settings, tmp_path: Path
) -> None:
    from pipeline.changes.edition import EditionUsageError

    with pytest.raises(EditionUsageError, match=r"--since .*: no such data folder or zip"):
        build(project.with_overrides(since=tmp_path / "absent"))
    assert not project.out_dir.exists()
