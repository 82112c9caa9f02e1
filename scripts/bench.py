"""Measure k2brief and write docs/benchmarks.md: python scripts/bench.py [--only SECTION ...].

Each section measures one thing and stores its raw figures in docs/bench-results.json, so a
partial run keeps the other sections' latest results; docs/benchmarks.md is then rebuilt from
all of them. Generated data goes to bench-data/ (ignored by git). Trial runs can write
elsewhere with --results and --doc.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import default_jobs, render_build, render_parallel, run_build
from bench_change import render_change, run_change
from bench_common import K2BRIEF, ROOT
from bench_engine import render_engine, run_engine
from bench_floor import render_floor, run_floor
from bench_growth import FOODS_SIZES, STUDIES_SIZES, WIDE_SIZES, render_growth, run_growth
from bench_serve import render_serve, run_serve
from bench_validate import render_validate, run_validate

RESULTS = ROOT / "docs" / "bench-results.json"
DOC = ROOT / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class Section:
    """One part of the benchmark: how to measure it and how to show its results."""

    title: str
    run: Callable[[argparse.Namespace], dict] | None
    render: Callable[[dict], str]
    source: str | None = None  # another section whose runs this one reads, instead of its own


SECTIONS = {
    "validate": Section(
        "Validation: the whole command on a large foods.csv", run_validate, render_validate
    ),
    "floor": Section(
        "Validation beside the parse floor: pyarrow, pandas and k2brief, narrow and wide",
        run_floor,
        render_floor,
    ),
    "build": Section("Build: cold (serial and parallel) and no-op", run_build, render_build),
    "parallel": Section(
        "Parallel rendering: all cores against one", None, render_parallel, source="build"
    ),
    "engine": Section(
        "Engine overhead: k2brief against WeasyPrint alone", run_engine, render_engine
    ),
    "change": Section(
        "One-change builds: what one edited value rebuilds", run_change, render_change
    ),
    "growth": Section(
        "Growth: build time, memory and pages as the data grows", run_growth, render_growth
    ),
    "serve": Section(
        "Serve: from a save to the refreshed HTML and to the PDF", run_serve, render_serve
    ),
}

INTRO = """# Benchmarks

Measured by `make bench` (`scripts/bench.py`); regenerate with `make bench`, or some sections
with `.venv/bin/python scripts/bench.py --only build engine`. Raw figures are in
`docs/bench-results.json`. Every figure is the median of several runs of the whole command as
a separate process, with the fastest and slowest run beside it; each section records the
machine, the software versions, the commit and the load average, and shows each target as
**met** or **missed**. Timings depend on what else the machine is doing.

- **Validation**: `k2brief validate` on a million-row foods.csv with known planted defects
  (decimal comma, unit in a number, non-breaking space, NaN, infinity, thousands separator,
  negative amount, bad enum, Greek mu for the micro sign, blank required cell, duplicate
  primary key, unknown and composite foreign keys, ragged row, formula-like text, and
  cross-field rules in studies) spread over the start, middle and end of the file, with a
  quoted newline near the top so that physical line numbers differ from row numbers.
- **Validation beside the parse floor**: the same package, and a wide one whose food names
  and notes are long free text (`gen_data.py --wide`, about 290 MB), each read by pyarrow
  alone (every column a string: the floor), by pandas and by `k2brief validate`, as whole
  processes, interleaved; the ratio to the floor, memory and the planted errors found.
- **Build**: a cold build of the bundled `data/` with one job and with all cores, and a no-op
  build (nothing changed).
- **Parallel rendering**: the cold build with all cores against one, from the *Build* runs.
- **Engine overhead**: k2brief's serial cold build against WeasyPrint alone rendering the
  same HTML, per document and for the whole command.
- **One-change builds**: change one value in one table and rebuild; which documents are
  rebuilt, and how long it takes.
- **Growth**: cold builds of generated data from 1,000 to 1,000,000 foods (and 1,000,000
  wide foods) and from 10 to 1,000 studies: time, time per added row, peak memory and page
  counts.
- **Serve**: `k2brief serve` on a copy of the bundled data; save one value and time the
  refreshed HTML of the handout and the briefing (target: at most 1 s) and their PDFs.

The generated data is synthetic and deterministic: `scripts/gen_data.py` writes a valid
package of any size and, with `--plant-errors`, the defects above.
"""


READING = """## Reading the misses

What the measurements say about where the time goes, from profiling the builds
(`pyinstrument -m pipeline build --jobs 1 --force`):

- **Parallel rendering** is bounded by the briefing. A WeasyPrint document lays out in one
  process, so no number of cores makes the build faster than its serial time less every
  document but the longest; the *Parallel rendering* section prints that bound. Every
  saving in the handout or the chart lowers the serial time and leaves the bound where it
  is, so the ratio grows as they get cheaper. Meeting 0.65× on two cores would take
  splitting the briefing into parts laid out in separate processes and joined afterwards,
  which WeasyPrint cannot do for one document without losing its page numbers,
  cross-references, bookmarks and tagged structure across the join.
- **Engine overhead** is now mostly the comparison chart's fitting. Fitting a page means
  laying out more than the page itself: one layout of the chart at its most compact
  statements on a tall page, one of every statement the other budgets would show (the
  probe), then the chosen version on the real page, which is written as the PDF. That is
  three layouts where WeasyPrint alone does one, about a second more, plus the chart's PNG
  drawn from its PDF by PDFium (about 0.25 s). The briefing costs about half a
  second over its render (context, Jinja, the HTML file; its row also carries the
  WeasyPrint import, which the engine's column counts under everything else). On this
  shared 2-core machine the same WeasyPrint render also varies by about ±15 % from run to
  run. Meeting 1.10× would need the chart's fitting to cost nothing, for example a cache of
  the fitted limits keyed by the data, which a cold build by definition does not have.
- **Growth with foods** costs only loading, validation and the vectorised food sums; pages
  and rendering stay the same. Validation is most of it: the *Validation beside the parse
  floor* section times it alone, and the wide file's million rows cost more than the
  narrow file's for the same reason pyarrow's parse does, the bytes.
- **Validation beside the parse floor.** The floor is pyarrow's reader alone, every column
  a string, on both cores. `k2brief validate` does the same parse (in pieces cut at record
  boundaries, one pyarrow reader per core) and, around it, what the stage table shows:
  start-up and imports (click, `pyarrow.compute` and the validator's own modules, about a
  tenth of a second more than `import pyarrow.csv`); the physical-line scan, a numpy pass
  over every byte for newlines, quotes and control bytes, then which newlines end a record
  and the line each record starts on; the column checks; and the keys and row rules. The
  scan is the price of what pyarrow does not give: the physical line of every row through
  quoted newlines, the exact line of a ragged row (pyarrow numbers an invalid row only "if
  known"), and the proof that pyarrow's quoting agrees with Python's csv module before its
  cells are trusted. On the wide file it costs about half of the parse; the column checks
  cost about as much again, the keys (dictionary encoding and a sort of a million keys)
  a little less and run beside the foreign keys and the rules. Whatever is not on two
  cores at once (imports, the record pass, the keys' sort) adds its whole time to the wall
  time, where the floor has almost nothing but its parse. With the machine shared, as here,
  every reader slows and the ratios move together; the CPU columns are the steadier figure.
  The narrow file is the harder target: the floor's cost follows the bytes, but most of
  k2brief's own work follows the rows and columns (start-up, twelve columns of checks, a
  million keys to encode and sort, a million records to place), and the two files have the
  same rows and columns. On the wide file that work is spread over 2.6 times the bytes,
  so the ratio is lower. Meeting 2× on the narrow file would take the keys and the
  record pass off the critical path (both single-threaded, about a quarter of the
  validation's CPU time in the stage table) or a cheaper line scan than numpy's, which
  means code compiled for it; nothing in the stage table alone is large enough.
- **Growth with studies**: each summary-of-findings table shows at most its 12 strongest
  studies, the effects figure 12 per panel, and uncited sources are counted rather than
  listed beyond 30. A small data set shows everything and so has fewer pages; once every
  table is full the page count stops growing (a run at commit `dd88074` with
  `--studies-sizes 10 100 1000 10000` gave 22 pages for both 1,000 and 10,000). Identical
  counts at every size would mean padding a small briefing with empty space, which no
  reader is served by, so this miss is by design.

## What each optimisation bought

Each was profiled before and measured after; the outputs stayed the same unless said.

Validation (issue #19), each step checked by instruction counts (`valgrind --tool=callgrind`,
all threads) of `k2brief validate` on 100,000 generated rows with the planted errors, where
starting Python and the imports are about 1.2 G instructions of every run: in all, the
validation itself went from 2.48 G to 1.67 G instructions on the wide file (−33 %) and from
1.88 G to 1.46 G on the narrow one (−22 %). Its JSON report on both million-row files is
byte-identical before and after.

- **A few cells of a chunked column read chunk by chunk** (`pipeline.arrow.take`): Arrow's
  take on a chunked column first joins every chunk, so wording the one formula-like cell of
  the wide notes column copied the whole column (0.14 s; 0.5 s for two cells of a 225 MB
  column in three chunks).
- **Byte tests on the text buffers with numpy**: cell lengths from the offsets, the cells
  holding a "?" from one pass over the text instead of a substring kernel per cell, C1
  controls from the C2 lead bytes, and first, last and fourth-from-last bytes gathered with
  `np.take(mode="clip")` instead of fancy indexing with `clip` and `where`; the mojibake
  pattern is searched from the first C3 byte, found by memchr.
- **A "?" looked for once per file**: the byte scan notes whether the file holds one at all;
  without one, no text cell is searched for a lost character.
- **The enum check reuses the unit-spelling check's membership test** instead of testing
  every cell of an enum column twice.
- **Repeated keys found by `isin` over the few repeated codes** instead of a second sort
  with an inverse.
- **Keys beside the foreign keys and the row rules**: a million-row primary key had the
  second core idle; the integrity checks now run in a thread pool for a large table.

- **Food sums vectorised** (numpy on factorised codes, shared by the documents): context for
  a 1,000,000-row foods table from about 8 s to 0.2 s per document.
- **Studies bounded per table** (the 12 strongest by design, never by result; sources
  counted beyond 30): 1,000 studies gave a 154-page briefing in 143 s, now 22 pages;
  10,000 studies still give 22.
- **Data files hashed once per build**, not once for the keys and again for the fingerprint.
- **Worker-pool modules imported only when a pool starts**: about 35 ms of a 0.2 s no-op
  build.
- **Chart body in two floats instead of flexbox**: each chart layout about twice as fast,
  PNG pixel-identical.
- **Chart PDF written from the layout that fitted**: one chart layout (0.6 to 0.8 s) less.
- **Chart fitting predicted from a probe of its cells** instead of a binary search over
  layouts: five chart layouts to three for the bundled data, about 1.4 s; the same limits
  chosen and the PNG byte-identical.
- **Probe cells packed several to a row**: the probe's layout about a quarter cheaper
  (0.81 s to 0.60 s).
- **Clear predictions trusted until chosen**: a level predicted to fit with room is laid
  out only if it is the one chosen, and a probe with nothing to measure (no statement cut
  at any budget) is skipped. Generated data with short statements: six chart layouts to
  four.
- **The chart's food picks made once per vitamin and count**, not once per fitting try:
  each try had been ranking the whole foods table again, about 0.2 s a try at a million
  foods. A million foods now cost 2.7 s over a thousand (11.96 s against 9.23 s), down
  from 5.3 s.
- **Study cards in `minmax(0, 1fr)` grid columns**: about 9 % off each chart layout
  (0.73 s to 0.66 s), PNG byte-identical.
- **Briefing figures drawn by the templates** (tables of text with small inline SVG marks)
  instead of matplotlib: about 1.5 s per cold build, matplotlib's import and two
  constrained-layout draws; the figures' labels are now real, tagged text.

Considered and not kept:

- **Finding positions of newlines and quotes word by word** (a uint64 view, then the bytes
  of the words that hold one): slower than numpy's `flatnonzero` on the boolean array.
- **One multi-threaded pyarrow parse of the whole file, with the lines counted from the
  cells afterwards**, which would spare the byte scan: a threaded read skips empty lines
  silently and cannot number a ragged row, and without the scan a quote that pyarrow and
  Python's csv module read differently would go unnoticed. The scan is what makes every
  line number exact, so it stays.

- **One WeasyPrint `FontConfiguration` per worker**: the stylesheets declare no
  `@font-face`, so creating one costs a few milliseconds per render; nothing to share.
- **Reading only the columns a document needs**: validation reads every column of every
  table anyway, and the documents are given the validated tables, so there is no second
  read to narrow.
- **Freezing the garbage collector or raising its thresholds** while WeasyPrint renders:
  no change beyond the run-to-run noise.
- **A cache of the chart's fitted limits between builds**: a cold build, which the target
  measures, has none; a rebuild would still have to lay out the cached level and its more
  generous neighbour to trust it, two layouts against the prediction's three.
"""


def render_section(name: str, results: dict) -> str:
    """Return one section's heading and body from the results it reads."""
    section = SECTIONS[name]
    key = section.source or name
    body = section.render(results[key]) if key in results else "Not measured yet."
    return f"## {section.title}\n\n{body}\n"


def render_doc(results: dict) -> str:
    """Return docs/benchmarks.md from the latest results of every section."""
    sections = [render_section(name, results) for name in SECTIONS]
    return "\n".join([INTRO, *sections, READING])


def to_run(only: list[str]) -> list[str]:
    """Return the sections to measure for the ones asked, each once, in document order."""
    wanted = {SECTIONS[name].source or name for name in only}
    return [name for name in SECTIONS if name in wanted]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--only", nargs="+", choices=list(SECTIONS), default=list(SECTIONS))
    add("--runs", type=int, default=5, help="timed runs per command")
    add("--rows", type=int, default=1_000_000, help="rows in foods.csv (validate)")
    add("--studies", type=int, default=1000, help="rows in studies.csv (validate)")
    add("--foods-sizes", type=int, nargs="+", default=list(FOODS_SIZES), help="growth: foods")
    add("--studies-sizes", type=int, nargs="+", default=list(STUDIES_SIZES), help="growth")
    add("--wide-sizes", type=int, nargs="*", default=list(WIDE_SIZES), help="growth: wide foods")
    add("--seed", type=int, default=20261120, help="seed of the generated growth data")
    add("--jobs", type=int, default=default_jobs(), help="parallel builds' --jobs [cores]")
    add("--data", type=Path, default=ROOT / "data", help="the bundled data to build")
    add("--quiet-below", type=float, help="wait for a load average below this")
    add("--quiet-wait", type=float, default=600, help="at most this many seconds")
    add("--k2brief", default=str(K2BRIEF), help="the command to measure")
    add("--results", type=Path, default=RESULTS, help="raw figures, JSON [%(default)s]")
    add("--doc", type=Path, default=DOC, help="the Markdown written [%(default)s]")
    add("--render-only", action="store_true", help="rebuild the doc, no runs")
    return parser.parse_args(argv)


def failed(result: dict) -> bool:
    """Tell whether a section's run went wrong (not whether it met its targets)."""
    return bool(result.get("errors")) or not result.get("correctness", {}).get("ok", True)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections, store their figures and rewrite the benchmarks document."""
    args = parse_args(argv)
    path = args.results
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    bad = False
    for name in [] if args.render_only else to_run(args.only):
        print(f"bench: {name} ...", flush=True)
        results[name] = SECTIONS[name].run(args)
        bad |= failed(results[name])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    args.doc.parent.mkdir(parents=True, exist_ok=True)
    args.doc.write_text(render_doc(results), encoding="utf-8")
    print("\n".join(render_section(name, results) for name in args.only))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
