"""Benchmark section on engine overhead: k2brief's cold build against WeasyPrint alone."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench_build import cold_build, failures, render_errors, shown_command, succeeded, wall
from bench_common import (
    ROOT,
    at_most,
    busy_note,
    load_average,
    machine,
    ratio,
    render_machine,
    runs_of,
    seconds_range,
    spread,
    timed,
    times,
    verdict,
    wait_for_quiet,
)

ENGINE_TARGET = 1.10
TEMPLATES = ROOT / "templates"
CHART = "comparison-chart"

# The engine's limit: one fresh process, WeasyPrint imported once, each document's HTML
# rendered with the options k2brief passes (tagged PDF, custom metadata). render() and
# write_pdf() are what HTML.write_pdf() does in one call; render() also gives the page count.
ENGINE = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
import weasyprint
imported = time.perf_counter() - start
documents = {}
for path in map(Path, sys.argv[2:]):
    html = path.read_text(encoding="utf-8")
    start = time.perf_counter()
    document = weasyprint.HTML(string=html, base_url=sys.argv[1]).render()
    pdf = document.write_pdf(pdf_tags=True, custom_metadata=True)
    seconds = time.perf_counter() - start
    documents[path.stem] = {"seconds": seconds, "pages": len(document.pages), "bytes": len(pdf)}
print(json.dumps({"import_seconds": imported, "documents": documents}))
"""

# The chart writes no HTML file, so its final (fitted) HTML is asked of the pipeline. This is
# the benchmark's only coupling to k2brief's internals: if their names change, change it here.
CHART_HTML = """
import sys
from pathlib import Path
from pipeline.chart.produce import render_chart
from pipeline.documents import by_name
from pipeline.dataset import load_meta
from pipeline.settings import Settings
from pipeline.validate.package import validate_package
data, target = Path(sys.argv[1]), Path(sys.argv[2])
settings = Settings(data_dir=data, out_dir=target.parent)
chart = by_name("comparison-chart")
tables = validate_package(data).tables
chart = render_chart(chart, tables, load_meta(data), settings)
target.write_text(chart.html, encoding="utf-8")
"""


def python_of(k2brief: str) -> str:
    """Return the interpreter beside the k2brief command (the venv's), which has WeasyPrint."""
    beside = Path(k2brief).parent / "python"
    return str(beside) if beside.exists() else "python3"


def write_chart_html(python: str, data: Path, target: Path) -> None:
    """Write the comparison chart's final HTML, exactly as k2brief renders it, to target."""
    argv = [python, "-c", CHART_HTML, str(data), str(target)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = " / ".join(done.stderr.strip().splitlines()[-4:])
        raise RuntimeError(f"could not get the chart's HTML from the pipeline: {tail}")


def collect_html(python: str, data: Path, built: Path, folder: Path) -> list[Path]:
    """Gather each document's HTML in k2brief's build order: two from a build, the chart's."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in ("briefing", "handout"):
        shutil.copyfile(built / f"{name}.html", folder / f"{name}.html")
        paths.append(folder / f"{name}.html")
    write_chart_html(python, data, folder / f"{CHART}.html")
    return [*paths, folder / f"{CHART}.html"]


def engine_alone(python: str, html: list[Path], log: Path) -> dict:
    """Render every HTML file with WeasyPrint alone in one fresh process; time it."""
    base_url = TEMPLATES.resolve().as_uri() + "/"
    run = timed([python, "-c", ENGINE, base_url, *map(str, html)], log)
    result = run.__dict__
    if run.exit_code == 0:
        result |= json.loads(log.read_text(encoding="utf-8"))
    else:
        stderr = log.with_suffix(".stderr").read_text(encoding="utf-8", errors="replace")
        result["stderr_tail"] = " / ".join(stderr.strip().splitlines()[-8:])
    return result


def run_engine(args: argparse.Namespace) -> dict:
    """Alternate k2brief serial cold builds with WeasyPrint-alone runs on the same HTML."""
    wait_for_quiet(args.quiet_below, args.quiet_wait)
    before = machine()
    python = python_of(args.k2brief)
    k2brief, engine = [], []
    with tempfile.TemporaryDirectory(prefix="k2brief-bench-") as tmp:
        scratch = Path(tmp)
        html: list[Path] = []
        problems: list[str] = []
        for index in range(args.runs):
            run, out = cold_build(args.k2brief, args.data, 1, scratch)
            k2brief.append(run)
            if not html and not problems and run["exit_code"] == 0:
                try:
                    html = collect_html(python, args.data, out, scratch / "html")
                except RuntimeError as error:
                    problems.append(str(error))
            if html:
                engine.append(engine_alone(python, html, scratch / f"engine-{index}.json"))
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": before,
        "load_average_after": load_average(),
        "command": shown_command(args.k2brief, args.data, 1),
        "k2brief": k2brief,
        "engine": engine,
        "errors": problems
        + failures("k2brief build", k2brief)
        + failures("WeasyPrint alone", engine),
    }


def per_document(r: dict) -> list[dict]:
    """Return, per document, k2brief's and the engine's seconds, their ratio and the pages."""
    ours, theirs = succeeded(r["k2brief"]), succeeded(r["engine"])
    names = list(ours[0]["documents"]) if ours else []
    rows = []
    for name in names:
        engine_docs = [run["documents"][name] for run in theirs if name in run["documents"]]
        k = spread([run["documents"][name]["seconds"] for run in ours])
        e = spread([doc["seconds"] for doc in engine_docs])
        pages = (
            ours[0]["documents"][name]["pages"],
            engine_docs[0]["pages"] if engine_docs else None,
        )
        rows.append({"name": name, "k2brief": k, "engine": e, "ratio": ratio(k, e), "pages": pages})
    return rows


def render_engine(r: dict) -> str:
    """Return the engine-overhead section: per document and for the whole command."""
    ours, theirs = succeeded(r["k2brief"]), succeeded(r["engine"])
    k_wall, e_wall = wall(r["k2brief"]), wall(r["engine"])
    total = ratio(k_wall, e_wall)
    docs = per_document(r)
    k_rest = spread([run["seconds"] - _doc_sum(run) for run in ours])
    e_rest = spread([run["seconds"] - _doc_sum(run) for run in theirs])
    e_import = spread([run["import_seconds"] for run in theirs])
    lines = [
        f"Measured {r['measured_at']}, {runs_of(len(r['k2brief']))} of each, alternating. "
        f"k2brief: `{r['command']}`, wall time of the whole command; its seconds per document "
        "come from the build's summary and include everything the document needs (context, "
        "templates, fitting, PDF, images; the first one also imports WeasyPrint). WeasyPrint "
        "alone: one fresh Python process that imports WeasyPrint and renders the same final "
        "HTML of each document with the same options "
        "(`HTML(string=html, base_url=templates/).render().write_pdf(pdf_tags=True, "
        "custom_metadata=True)`): the briefing's and handout's HTML is the `.html` file the "
        "build wrote; the chart's is the fitted HTML k2brief renders.",
        "",
        render_machine(r["machine"]),
        f"- Load average when it ended: {r['load_average_after']}",
        "",
        "| part | pages (k2brief / engine) | k2brief, median (min – max) "
        "| WeasyPrint alone, median (min – max) | ratio |",
        "|---|---|---|---|---|",
    ]
    for d in docs:
        pages = " / ".join("?" if p is None else str(p) for p in d["pages"])
        lines.append(
            f"| {d['name']} | {pages} | {seconds_range(d['k2brief'])} "
            f"| {seconds_range(d['engine'])} | {times(d['ratio'])} |"
        )
    lines += [
        "| everything else: starting Python, imports, and for k2brief validation and writing "
        f"| | {seconds_range(k_rest)} | {seconds_range(e_rest)} | {times(ratio(k_rest, e_rest))} |",
        "| of which importing WeasyPrint | | counted in the first document "
        f"| {seconds_range(e_import)} | |",
        f"| **whole command** | | {seconds_range(k_wall)} | {seconds_range(e_wall)} "
        f"| **{times(total)}** |",
        "",
        "| target | result |",
        "|---|---|",
        f"| k2brief serial cold build ≤ {ENGINE_TARGET:.2f}× WeasyPrint alone (whole process) "
        f"| {times(total)}: {verdict(at_most(total, ENGINE_TARGET))} |",
    ]
    return "\n".join(lines) + busy_note(r) + render_errors(r["errors"])


def _doc_sum(run: dict) -> float:
    return sum(doc["seconds"] for doc in run["documents"].values())
