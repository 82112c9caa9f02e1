"""k2brief serve: pages on 127.0.0.1 that follow each save, problems over the last good page."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.build import serve as serve_module
from pipeline.build.pages import RELOAD_SCRIPT, served_document
from pipeline.build.preview import Snapshot
from pipeline.settings import Settings
from tests.support import copy_data, set_cell

NATTO = {"food_id": "natto", "vitamin": "K2", "form": "MK-7"}


def wait_for(predicate: Callable[[], object], timeout: float = 15.0) -> bool:
    """Poll predicate until it is true or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def fetch(base: str, path: str) -> str:
    """GET a page of the server and return its text."""
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return response.read().decode("utf-8")


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, Path]]:
    """Serve a copy of the bundled data in a thread (HTML only) and yield its URL and data.

    A test parametrised indirectly with languages serves those languages' documents too.
    """
    data = copy_data(tmp_path / "data")
    langs = tuple(getattr(request, "param", ()))
    settings = Settings(data_dir=data, out_dir=tmp_path / "out", langs=langs)
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_module.serve,
        args=(settings, lines.append),
        kwargs={"port": 0, "pdfs": False, "stop": stop},
    )
    thread.start()
    try:
        assert wait_for(lambda: any(line.startswith("serving on") for line in lines)), lines
        url = next(line.split()[2] for line in lines if line.startswith("serving on"))
        yield url.rstrip("/"), data
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert lines[-1] == "stopped"


def test_index_lists_every_document_with_status_pages_and_links(served) -> None:
    base, _ = served
    index = fetch(base, "/")
    for name in ("briefing", "handout", "comparison-chart"):
        assert f"<td>{name}</td>" in index or f'href="/{name}.html">{name}' in index
    assert "of at most 2" in index
    assert 'href="/output/handout.pdf"' in index


def test_a_saved_value_shows_in_the_served_html(served) -> None:
    base, data = served
    before = fetch(base, "/handout.html")
    assert "k2brief-reload" in before
    set_cell(data / "foods.csv", NATTO, "food", "Natto edited for the test")
    assert wait_for(lambda: "Natto edited for the test" in fetch(base, "/handout.html"))


@pytest.mark.parametrize("served", [("es",)], indirect=True)
def test_serve_shows_the_spanish_handout_and_a_saved_translation(served) -> None:
    base, data = served
    index = fetch(base, "/")
    assert "handout.es" in index
    page = fetch(base, "/handout.es.html")
    assert '<html lang="es">' in page
    assert "Natto (soya fermentada)" in page
    key = {"key": "natto/K2/MK-7", "field": "food", "lang": "es"}
    set_cell(data / "translations.csv", key, "text", "Natto (editado para la prueba)")
    assert wait_for(lambda: "Natto (editado para la prueba)" in fetch(base, "/handout.es.html"))


def test_a_broken_cell_shows_its_finding_over_the_last_good_page(served) -> None:
    base, data = served
    set_cell(data / "foods.csv", NATTO, "food", "Natto last good")
    assert wait_for(lambda: "Natto last good" in fetch(base, "/handout.html"))
    set_cell(data / "foods.csv", NATTO, "amount_per_100g", "12,5")
    assert wait_for(lambda: "k2brief-problems" in fetch(base, "/handout.html"))
    page = fetch(base, "/handout.html")
    assert re.search(r"data/foods\.csv:\d+:\d+: type-error: &quot;12,5&quot;", page)
    assert "decimal comma" in page  # the hint
    assert "Natto last good" in page
    assert "type-error" in fetch(base, "/")
    set_cell(data / "foods.csv", NATTO, "amount_per_100g", "1000.0")
    assert wait_for(lambda: "k2brief-problems" not in fetch(base, "/handout.html"))


def test_a_lock_file_is_not_a_change(served) -> None:
    base, data = served
    token = re.search(r"v=(\d+)", fetch(base, "/handout.html"))[1]
    (data / ".~lock.foods.csv#").write_text("lock")
    (data / "~$foods.csv").write_text("owner")
    assert fetch(base, f"/_k2brief/poll?page=handout&v={token}&timeout=1") == token
    assert re.search(r"v=(\d+)", fetch(base, "/handout.html"))[1] == token


def test_unknown_paths_and_files_outside_the_outputs_are_not_served(served) -> None:
    base, _ = served
    for path in ("/nothing", "/comparison-chart.html", "/output/../data/foods.csv"):
        with pytest.raises(urllib.error.HTTPError) as raised:
            fetch(base, path)
        assert raised.value.code == 404


def test_the_reload_script_goes_only_into_served_pages() -> None:
    html = "<html><body><p>x</p></body></html>"
    page = served_document(html, "handout", Snapshot(3, ()))
    assert page.startswith("<html><body><p>x</p>")
    assert page.endswith("</script>\n</body></html>")
    assert RELOAD_SCRIPT.split("(")[0] in page


def test_the_server_listens_on_loopback_only() -> None:
    from pipeline.build.preview import Preview

    server = serve_module.start_server(Preview(Settings()), 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.shutdown()
        server.server_close()


def test_sigint_stops_serve_cleanly(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    command = [sys.executable, "-m", "pipeline", "serve", "--port", "0", "--no-open"]
    command += ["--data", str(data), "--out", str(tmp_path / "out")]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        line = ""
        deadline = time.monotonic() + 30
        while not line.startswith("serving on") and time.monotonic() < deadline:
            line = process.stdout.readline()
        assert line.startswith("serving on"), line
        assert "<title>" in fetch(line.split()[2].rstrip("/"), "/handout.html")
        time.sleep(1)  # the background PDF build is under way: Ctrl-C must stop it too
        os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert out.rstrip().endswith("stopped")
    assert not list((tmp_path / "out").glob(".*.tmp"))
