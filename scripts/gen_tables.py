"""The small tables of a generated package: how they are written, studies, doses and plants."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import gen_fixed as fixed
import numpy as np

PACKAGE_JSON = Path(__file__).resolve().parent.parent / "data" / "datapackage.json"
Row = dict[str, str]


@dataclass(frozen=True)
class Finding:
    """One finding a validator must report: where, and which code."""

    file: str
    line: int
    column: int | None
    code: str
    defect: str

    def as_dict(self) -> dict[str, object]:
        """Return the finding as a JSON-ready dict."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "defect": self.defect,
        }


@dataclass(frozen=True)
class Plant:
    """A defect written into one data row (rows count from 0, after the header)."""

    row: int
    cells: Row
    column: str | None
    code: str | None
    defect: str
    copy_key_of: int | None = None
    extra: str | None = None

    def findings(self, file: str, header: Sequence[str], line: int) -> list[Finding]:
        """Return what a validator must report for this plant at the given physical line."""
        if self.code is None:
            return []
        column = len(header) + 1 if self.column is None else header.index(self.column) + 1
        return [Finding(file, line, column, self.code, self.defect)]

    def apply(self, values: Row) -> list[str]:
        """Return the row's cells with the defect written in."""
        cells = list((values | self.cells).values())
        return cells if self.extra is None else [*cells, self.extra]


@dataclass(frozen=True)
class Table:
    """A small table to write: its rows (by column name) and the defects to plant."""

    name: str
    rows: list[Row]
    plants: list[Plant] = field(default_factory=list)


def headers() -> dict[str, tuple[str, ...]]:
    """Return each table's column names, in order, from the bundled datapackage.json."""
    package = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    return {
        resource["name"]: tuple(f["name"] for f in resource["schema"]["fields"])
        for resource in package["resources"]
    }


def csv_line(values: Sequence[str]) -> str:
    """Return one CSV record, quoted only where needed, ending in a newline."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def write_table(path: Path, header: tuple[str, ...], table: Table) -> list[Finding]:
    """Write a small table with its plants; return the findings they cause."""
    by_row = {plant.row: plant for plant in table.plants}
    findings: list[Finding] = []
    line = 2
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(csv_line(header))
        for index, row in enumerate(table.rows):
            values = {column: row.get(column, "") for column in header}
            cells = list(values.values())
            if (plant := by_row.get(index)) is not None:
                cells = plant.apply(values)
                findings.extend(plant.findings(path.name, header, line))
            text = csv_line(cells)
            out.write(text)
            line += text.count("\n")
    return findings


DESIGNS = {  # design: (source kind, analyses it may report, weight)
    "rct": ("randomised-trial", ("primary", "secondary", "subgroup", "per-protocol"), 0.35),
    "single-arm": ("single-arm-trial", ("primary",), 0.05),
    "dose-response": ("dose-response-study", ("primary",), 0.05),
    "cohort": ("cohort", ("primary",), 0.15),
    "cross-sectional": ("cross-sectional", ("primary",), 0.1),
    "animal": ("animal-study", ("primary",), 0.1),
    "meta-analysis": ("meta-analysis", ("pooled",), 0.05),
    "systematic-review": ("systematic-review", ("pooled",), 0.1),
    "protocol": ("protocol", ("planned",), 0.05),
}
OBSERVATIONAL = ("cohort", "cross-sectional")
DOSE_FORMS = {  # study vitamin: the (vitamin, form, µg/day) rows a trial gives
    "K1": [("K1", "phylloquinone", "500")],
    "K2": [("K2", "MK-7", "360")],
    "K": [("K1", "phylloquinone", "1000")],
    "D": [("D", "D3", "25")],
    "K2+D": [("K2", "MK-7", "720"), ("D", "D3", "25")],
    "K1+K2": [("K1", "phylloquinone", "500"), ("K2", "MK-4", "45000")],
}
NO_DOSES = ("cohort", "cross-sectional", "meta-analysis", "systematic-review")
AUTHORS = ("Knapen", "Schurgers", "Diederichsen", "Brandenburg", "Shea", "Zwakenberg")
POPULATIONS = (
    "Postmenopausal women aged 55-65 y, healthy, community-dwelling",
    "Men aged 65-74 y with aortic valve calcification score above 300 AU",
    "Adults on haemodialysis with coronary artery calcification",
    "Older adults with type 2 diabetes and peripheral arterial disease",
)
OUTCOMES = (  # outcome_id, the outcome as a study row names it, kind
    ("coronary", "Change in coronary artery calcification score (Agatston units)", "calcification"),
    ("stiffness", "Carotid-femoral pulse wave velocity", "stiffness"),
    ("valve", "Aortic valve calcification progression", "calcification"),
)
#: A result's direction in the words its design allows: an association is not an effect.
WORDS = {
    "trial": {"benefit": "benefit", "null": "no-clear-effect", "harm": "harm"},
    "observational": {
        "benefit": "favourable-association",
        "null": "no-association",
        "harm": "adverse-association",
    },
}


def _result(rng: np.random.Generator, design: str) -> Row:
    """Return an effect with its interval, p value and direction, all consistent."""
    effect, half = int(rng.integers(-80, 80)), int(rng.integers(5, 50))  # tenths, so exact
    spans_zero = effect - half <= 0 <= effect + half
    p_value = rng.uniform(0.06, 0.95) if spans_zero else rng.uniform(0.001, 0.049)
    return {
        "effect": f"{effect / 10:.1f}",
        "effect_unit": "mean difference, %",
        "ci_low": f"{(effect - half) / 10:.1f}",
        "ci_high": f"{(effect + half) / 10:.1f}",
        "p_value": f"{p_value:.3f}",
        "direction": WORDS["observational" if design in OBSERVATIONAL else "trial"][
            "null" if spans_zero else ("benefit" if effect < 0 else "harm")
        ],
    }


def _study(i: int, rng: np.random.Generator) -> Row:
    design = str(rng.choice(list(DESIGNS), p=[d[2] for d in DESIGNS.values()]))
    author, year = AUTHORS[i % len(AUTHORS)], int(rng.integers(1995, 2026))
    vitamin = str(rng.choice(list(DOSE_FORMS)))
    study_id = f"{author.lower()}-{year}-{i + 1:04d}"
    return {
        "study_id": study_id,
        "short_name": f"{author} {year} #{i + 1}",
        "year": str(year),
        "design": design,
        "analysis": str(rng.choice(DESIGNS[design][1])),
        "population": str(rng.choice(POPULATIONS)),
        "n": str(int(rng.integers(12, 5000))),
        "intervention": f"Daily vitamin {vitamin} supplement versus placebo",
        "vitamin": vitamin,
        "dose": " + ".join(f"{form} {dose} µg/day" for _, form, dose in DOSE_FORMS[vitamin]),
        "duration_weeks": str(int(rng.choice([12, 26, 52, 104]))),
        "outcome": OUTCOMES[i % len(OUTCOMES)][1],
        "result": "Synthetic result: progression compared between groups at end of follow-up.",
        "seed_claim": "" if i % 7 else "A seed document calls this result proof.",
        "source_id": study_id,
        "outcome_id": OUTCOMES[i % len(OUTCOMES)][0],
        "funding": "",
        **({"direction": "pending"} if design == "protocol" else _result(rng, design)),
    }


def outcomes() -> list[Row]:
    """Return the outcomes the generated studies report, each with a certainty and its reason."""
    return [
        {
            "outcome_id": outcome_id,
            "intervention": "Vitamin K or D supplements",
            "comparator": "placebo",
            "population": "adults in synthetic trials",
            "outcome": text,
            "outcome_kind": kind,
            "better": "lower",
            "direction": "mixed",
            "certainty": "low",
            "downgrades": "inconsistency;imprecision",
            "certainty_note": "Synthetic benchmark outcome.",
            "effect_summary": "not pooled",
            "source_id": fixed.base_sources()[0]["source_id"],
        }
        for outcome_id, text, kind in OUTCOMES
    ]


def _study_source(study: Row) -> Row:
    study_id = study["study_id"]
    return {
        "source_id": study_id,
        "kind": DESIGNS[study["design"]][0],
        "authors": f"{study['short_name'].split()[0]} A, Smith B, et al.",
        "title": f"Vitamin supplementation and {study['outcome'].lower()}",
        "container": "Synthetic Journal of Nutrition",
        "year": study["year"],
        "doi": f"10.5555/k2brief.{study_id}",
        "pmid": str(30000000 + int(study_id.rsplit("-", 1)[1])),
        "url": f"https://example.org/studies/{study_id}",
        "verification": "not-verified",
        "note": "Synthetic benchmark record.",
    }


def _doses(study: Row) -> list[Row]:
    if study["design"] in NO_DOSES:
        return []
    return [
        {"study_id": study["study_id"], "vitamin": vitamin, "form": form}
        | {"amount_per_day": amount, "unit": fixed.MICRO_G, "source_id": study["source_id"]}
        for vitamin, form, amount in DOSE_FORMS[study["vitamin"]]
    ]


def studies_tables(m: int, seed: int) -> tuple[Table, Table, Table]:
    """Return the sources, studies and doses tables for m studies."""
    rng = np.random.default_rng(seed + 1)
    studies = [_study(i, rng) for i in range(m)]
    sources = fixed.base_sources() + [_study_source(study) for study in studies]
    doses = [dose for study in studies for dose in _doses(study)]
    return Table("sources", sources), Table("studies", studies), Table("doses", doses)


def small_plants(m: int, n_sources: int, n_doses: int) -> dict[str, list[Plant]]:
    """Return the defects planted into the small tables, at first, middle and last rows."""
    no_result = dict.fromkeys(("effect", "effect_unit", "ci_low", "ci_high", "p_value"), "")
    protocol = {"design": "protocol", "analysis": "planned", **no_result, "direction": "benefit"}
    bad_ci = {"design": "rct", "analysis": "primary", "effect": "-2.0", "ci_low": "1.0"}
    bad_ci |= {"ci_high": "3.0", "effect_unit": "mean difference, %", "p_value": "0.010"}
    return {
        "sources": [
            Plant(
                n_sources - 1,
                {"url": "ftp://example.org/a.pdf"},
                "url",
                "constraint-error",
                "url is not http or https",
            )
        ],
        "studies": [
            Plant(0, {"p_value": "1.5"}, "p_value", "constraint-error", "p_value above 1"),
            Plant(
                m // 2,
                bad_ci | {"direction": "benefit"},
                "ci_low",
                "ci-order",
                "ci_low above effect",
            ),
            Plant(m - 1, protocol, "direction", "protocol-pending", "protocol not pending"),
        ],
        "doses": [
            Plant(
                n_doses // 2,
                {"study_id": "no-such-study"},
                "study_id",
                "foreign-key",
                "unknown study_id",
            )
        ],
        "intakes": [
            Plant(
                2,
                {"amount_per_day": "1,000"},
                "amount_per_day",
                "type-error",
                "thousands separator",
            )
        ],
    }


def small_tables(m: int, seed: int, plant_errors: bool) -> list[Table]:
    """Return every table but foods, with their defects planted when asked."""
    sources, studies, doses = studies_tables(m, seed)
    tables = [
        sources,
        Table("forms", fixed.forms()),
        Table("vitamin_roles", fixed.vitamin_roles()),
        Table("outcomes", outcomes()),
        studies,
        doses,
        Table("intakes", fixed.intakes()),
        Table("contributors", fixed.contributors()),
        Table("cautions", fixed.cautions()),
        Table("evidence_notes", fixed.evidence_notes()),
    ]
    if not plant_errors:
        return tables
    if m < 3 or not doses.rows:
        raise ValueError("--plant-errors needs at least 3 studies and one dose row")
    plants = small_plants(m, len(sources.rows), len(doses.rows))
    return [Table(t.name, t.rows, plants.get(t.name, [])) for t in tables]
