"""Fixtures shared by the tests: data packages, a fake-document project, the bundled build."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.settings import Settings
from tests.support import CALLS, DATA, build_package, outputs, run_build, write_package


@pytest.fixture
def make_package(tmp_path: Path) -> Callable[..., Path]:
    """Return a function building a package in a fresh folder, from a case folder or none."""
    return lambda case=None, name="data": build_package(tmp_path / name, case)


@pytest.fixture
def project(tmp_path: Path) -> Settings:
    """Return settings for a tiny project to build the fake documents "one" and "two" of."""
    data = tmp_path / "data"
    data.mkdir()
    write_package(data)
    (data / "t.csv").write_text("a\n1\n")
    templates = tmp_path / "templates"
    (templates / "css").mkdir(parents=True)
    (templates / "css" / "shared.css").write_text("body{}")
    (templates / "one.html.j2").write_text('{% include "css/shared.css" %} one')
    (templates / "two.html.j2").write_text("two")
    CALLS.clear()
    return Settings(data_dir=data, out_dir=tmp_path / "out", templates_dir=templates)


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., dict[str, bytes]]:
    """Return a function building the briefing and handout from the bundled data, strictly.

    The builds are slow (WeasyPrint), so each distinct set of flags builds once per session.
    """
    built: dict[tuple[str, ...], dict[str, bytes]] = {}

    def build(*flags: str) -> dict[str, bytes]:
        if flags not in built:
            out = tmp_path_factory.mktemp("bundled-build")
            result = run_build(DATA, out, "--strict", *flags)
            assert result.exit_code == 0, result.output
            built[flags] = outputs(out)
        return built[flags]

    return build
