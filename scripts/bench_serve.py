"""Benchmark section on k2brief serve: from a saved table to the refreshed HTML, and to the PDF."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench_change import Edit, set_cell
from bench_common import (
    at_most,
    busy_note,
    load_average,
    machine,
    render_machine,
    runs_of,
    seconds_range,
    spread,
    verdict,
    wait_for_quiet,
)

HTML_TARGET = 1.0  # seconds from the save to the refreshed HTML
PDF_TIMEOUT = 180.0  # seconds a PDF may take before the run counts as failed

EDITS = (
    Edit(
        "one food's name (foods.csv, read by every document)",
        "foods.csv",
        "food",
        lambda rows: next(i for i, row in enumerate(rows) if row["food_id"] == "natto"),
        # A new value each run, so every save changes what both documents show.
        lambda old, run: f"{old.split(' #')[0]} #{run + 1}",
        ("briefing", "handout"),
    ),
    Edit(
        "one evidence note's finding (evidence_notes.csv, read by the briefing only)",
        "evidence_notes.csv",
        "finding",
        lambda rows: min(range(len(rows)), key=lambda i: len(rows[i]["finding"])),
        lambda old, run: f"{old.split(' Serve edit')[0]} Serve edit {run + 1}.",
        ("briefing",),
    ),
)


def _get(url: str, timeout: float = 30) -> str:
    """GET a URL and return its text."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def _token(base: str, name: str) -> int:
    """Return the reload token a served page carries."""
    return int(re.search(r"v=(\d+)", _get(f"{base}/{name}.html"))[1])


def _settled(base: str) -> bool:
    """Tell whether no document is waiting for or in the middle of a build."""
    index = _get(f"{base}/")
    return 'class="rebuilding"' not in index and 'class="waiting"' not in index


def _wait(predicate, timeout: float) -> bool:
    """Poll predicate every 50 ms until it holds or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _one_save(base: str, data: Path, out: Path, edit: Edit, run: int) -> dict:
    """Save one edit and time each affected document's HTML and PDF from the save."""
    tokens = {name: _token(base, name) for name in edit.expected}
    pdfs = {name: (out / f"{name}.pdf").stat().st_mtime_ns for name in edit.expected}
    html: dict[str, float | None] = {}

    def watch_html(name: str, saved: float) -> None:
        got = _get(f"{base}/_k2brief/poll?page={name}&v={tokens[name]}", timeout=30)
        html[name] = time.perf_counter() - saved if int(got) != tokens[name] else None

    saved = time.perf_counter()
    set_cell(data / edit.table, edit.column, edit.pick_row, edit.new_value, run)
    threads = [threading.Thread(target=watch_html, args=(n, saved)) for n in edit.expected]
    for thread in threads:
        thread.start()
    pdf: dict[str, float | None] = {}
    for name in edit.expected:
        path = out / f"{name}.pdf"
        done = _wait(lambda p=path, n=name: p.stat().st_mtime_ns != pdfs[n], PDF_TIMEOUT)
        pdf[name] = time.perf_counter() - saved if done else None
    for thread in threads:
        thread.join(30)
    _wait(lambda: _settled(base), PDF_TIMEOUT)
    return {"html": html, "pdf": pdf}


def run_serve(args: argparse.Namespace) -> dict:
    """Serve a copy of the data, then save each edit several times, timing HTML and PDF."""
    wait_for_quiet(args.quiet_below, args.quiet_wait)
    before = machine()
    results, errors = [], []
    with tempfile.TemporaryDirectory(prefix="k2brief-bench-serve-") as tmp:
        data, out = Path(tmp) / "data", Path(tmp) / "out"
        shutil.copytree(args.data, data)
        command = [args.k2brief, "serve", "--data", str(data), "--out", str(out)]
        command += ["--port", "0", "--no-open"]
        server = subprocess.Popen(
            command, stdout=subprocess.PIPE, text=True, start_new_session=True
        )
        try:
            line = server.stdout.readline()
            while line and not line.startswith("serving on"):
                line = server.stdout.readline()
            base = line.split()[2].rstrip("/")
            if not _wait(lambda: (out / "manifest.json").exists() and _settled(base), 300):
                errors.append("the first build did not finish in 300 s")
            for edit in EDITS:
                runs = [_one_save(base, data, out, edit, run) for run in range(args.runs)]
                results.append({"label": edit.label, "expected": list(edit.expected), "runs": runs})
        finally:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                errors.append("serve did not stop within 30 s of SIGINT")
    if server.returncode not in (0, None):
        errors.append(f"serve exited with {server.returncode} after SIGINT")
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": before,
        "load_average_after": load_average(),
        "command": f"k2brief serve --data <a copy of {Path(args.data).name}/> --port 0",
        "edits": results,
        "errors": errors,
    }


def _figures(runs: list[dict], kind: str, name: str) -> tuple[dict | None, int]:
    """Return the spread of one document's times and how many runs missed it."""
    values = [run[kind].get(name) for run in runs]
    measured = [v for v in values if v is not None]
    return spread(measured), len(values) - len(measured)


def render_serve(r: dict) -> str:
    """Return the serve section: save-to-HTML and save-to-PDF for each edit and document."""
    lines = [
        f"Measured {r['measured_at']}. `{r['command']}` runs as a separate process; each edit "
        f"saves one changed value ({runs_of(len(r['edits'][0]['runs']))}, a new value each "
        "time, the next save only once every PDF is written). Save to HTML: from just before "
        "the file is written to the answer of the page's reload poll (the page's new HTML is "
        "then served). Save to PDF: to the moment the document's PDF is renamed into output/ "
        "(the build writes every rebuilt document at once, when the slowest is done).",
        "",
        render_machine(r["machine"]),
        f"- Load average when it ended: {r['load_average_after']}",
        "",
        "| change | document | save to HTML, median (min – max) | save to PDF, median "
        "(min – max) | HTML ≤ 1 s |",
        "|---|---|---|---|---|",
    ]
    for edit in r["edits"]:
        for name in edit["expected"]:
            html, html_missed = _figures(edit["runs"], "html", name)
            pdf, pdf_missed = _figures(edit["runs"], "pdf", name)
            missed = html_missed + pdf_missed
            note = f" ({missed} run(s) timed out)" if missed else ""
            ok = at_most(html["median"] if html else None, HTML_TARGET)
            lines.append(
                f"| {edit['label']} | {name} | {seconds_range(html)} | {seconds_range(pdf)}"
                f"{note} | {verdict(ok)} |"
            )
    errors = "".join(f"\n- error: {e}" for e in r["errors"])
    return "\n".join(lines) + busy_note(r) + ("\n" + errors if errors else "")
