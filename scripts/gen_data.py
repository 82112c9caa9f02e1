"""Generate a valid k2brief data package of any size, optionally with planted errors.

Usage: python scripts/gen_data.py OUT_DIR [--foods N] [--studies M] [--seed S] [--plant-errors]
                                   [--wide]

The foods table is built column by column with pyarrow string kernels, so a million rows take
about a second. With --plant-errors a known set of defects is written into the tables and the
findings a validator must report are written to OUT_DIR/expected.json. With --wide every
food name carries a description and every row a long note (about 280 bytes a row, not 110).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_fixed import D_FORMS, FOOD_SOURCES, K2_FORMS, MICRO_G
from gen_tables import PACKAGE_JSON, Finding, Plant, csv_line, headers, small_tables, write_table
from gen_wide import wide_names, wide_notes

FOODS_COLUMNS = ("food_id", "food", "category", "vitamin", "form", "amount_per_100g", "unit")
FOODS_COLUMNS += ("serving", "serving_g", "source_id", "confidence", "note")
# slug, name, category, serving, serving_g
FOOD_TEMPLATES = (
    ("natto", "Natto, fermented soybeans", "Legumes", "3 oz", "85"),
    ("kale", "Kale, raw", "Vegetables", "1 cup chopped", "21"),
    ("spinach", "Spinach, boiled, drained", "Vegetables", "1/2 cup", "90"),
    ("collards", "Collard greens, boiled", "Vegetables", "1/2 cup", "95"),
    ("broccoli", "Broccoli, chopped, boiled", "Vegetables", "1/2 cup", "78"),
    ("edamame", "Edamame, frozen, prepared", "Legumes", "1/2 cup", "78"),
    ("gouda", "Cheese, gouda, aged", "Dairy", "1.5 oz", "42.5"),
    ("brie", "Cheese, brie", "Dairy", "1 oz", "28.4"),
    ("cheddar", "Cheese, cheddar, sharp", "Dairy", "1.5 oz", "42.5"),
    ("butter", "Butter, salted", "Dairy", "1 tbsp", "14.2"),
    ("egg-yolk", "Egg, yolk, raw, fresh", "Eggs", "1 large yolk", "17"),
    ("chicken-thigh", "Chicken, thigh, meat only, roasted", "Meat", "3 oz", "85"),
    ("beef-liver", "Beef, liver, pan-fried", "Meat", "3 oz", "85"),
    ("salmon", "Fish, salmon, sockeye, cooked", "Fish", "3 oz", "85"),
    ("herring", "Fish, herring, Atlantic, pickled", "Fish", "3 oz", "85"),
    ("cod-liver-oil", "Fish oil, cod liver", "Oils", "1 tbsp", "13.6"),
    ("soybean-oil", "Oil, soybean, salad or cooking", "Oils", "1 tbsp", "13.6"),
    (
        "mushrooms-uv",
        "Mushrooms, portabella, exposed to UV light, grilled",
        "Vegetables",
        "1/2 cup",
        "60",
    ),
    ("milk-fortified", "Milk, 2% milkfat, with added vitamin D", "Dairy", "1 cup", "244"),
    ("sauerkraut", "Sauerkraut, canned, solids and liquids", "Vegetables", "1/2 cup", "71"),
)
NOTES = (
    "Single analysis; value varies with product and strain.",
    "Per-100 g value derived from a per-serving figure.",
    "Menaquinones not reported by the source database.",
    "Value for the edible portion, as purchased.",
)


def _s(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _cells(options: Sequence[str], index: np.ndarray, suffix: str = "") -> pa.Array:
    """Return the options, CSV-encoded, picked by index: one take, no per-cell quoting."""
    encoded = [csv_line([option])[:-1] + suffix for option in options]
    return pc.take(pa.array(encoded, pa.large_string()), pa.array(index))


def foods_cells(n: int, seed: int, wide: bool = False) -> list[pa.Array | pa.Scalar]:
    """Return the foods table as CSV-encoded columns; the last cell of a row ends the line."""
    rng = np.random.default_rng(seed)
    row = np.arange(n)
    food_no, slot = row // 3, row % 3  # three rows per food: K1, a K2 form, a D form
    template = rng.integers(len(FOOD_TEMPLATES), size=n // 3 + 1)[food_no]
    slug, name, category, serving, grams = (
        _cells([t[k] for t in FOOD_TEMPLATES], template) for k in range(5)
    )
    number = pc.cast(pa.array(food_no), pa.large_string())
    k2, d = rng.integers(len(K2_FORMS), size=n), rng.integers(len(D_FORMS), size=n)
    form = np.where(slot == 0, 0, np.where(slot == 1, 1 + k2, 1 + len(K2_FORMS) + d))
    amount = np.round(rng.random(n) * np.array([800.0, 300.0, 20.0])[slot], 1)
    note = np.where(rng.random(n) < 0.1, rng.integers(1, len(NOTES) + 1, size=n), 0)
    confidence = rng.choice(3, size=n, p=[0.5, 0.35, 0.15])
    if wide:  # drawn after the narrow table's draws, which stay the same
        name = wide_names(tuple(t[1] for t in FOOD_TEMPLATES), template, food_no, rng)
        notes = wide_notes(n, rng)
    else:
        notes = _cells(("", *NOTES), note, suffix="\n")
    return [
        pc.binary_join_element_wise(slug, number, _s("-")),
        name,
        category,
        _cells(("K1", "K2", "D"), slot),
        _cells(("phylloquinone", *K2_FORMS, *D_FORMS), form),
        pc.cast(pa.array(amount), pa.large_string()),
        _s(MICRO_G),
        serving,
        grams,
        _cells(FOOD_SOURCES, rng.integers(len(FOOD_SOURCES), size=n)),
        _cells(("high", "medium", "low"), confidence),
        notes,
    ]


def _lines(n: int, seed: int, wide: bool) -> tuple[memoryview, np.ndarray]:
    """Render every row to CSV text; return the bytes and each row's start offset."""
    lines = pc.binary_join_element_wise(*foods_cells(n, seed, wide), _s(","))
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[: n + 1]
    return memoryview(lines.buffers()[2]), offsets


def food_plants(n: int) -> list[Plant]:
    """Return the defects planted into foods.csv, spread over start, middle and end."""
    if n < 100:
        raise ValueError("--plant-errors needs at least 100 food rows")
    at = lambda share: int(n * share)  # noqa: E731
    amount, serving_g = "amount_per_100g", "serving_g"
    plants = [
        Plant(0, {amount: "12,5"}, amount, "type-error", "decimal comma"),
        Plant(1, {"note": "Measured twice;\nsee the lab report"}, None, None, "quoted newline"),
        Plant(3, {amount: "1\u00a0250"}, amount, "type-error", "non-breaking space in number"),
        Plant(at(0.1), {amount: "12 µg"}, amount, "type-error", "unit inside the number"),
        Plant(at(0.2), {amount: "NaN"}, amount, "type-error", "NaN in a number field"),
        Plant(at(0.25), {"unit": "\u03bcg"}, "unit", "unit-spelling", "Greek mu, not micro"),
        Plant(at(0.4), {amount: "-3.5"}, amount, "constraint-error", "negative amount"),
        Plant(at(0.5), {"confidence": "very high"}, "confidence", "constraint-error", "bad enum"),
        Plant(at(0.6), {}, "food_id", "primary-key", "duplicate primary key", at(0.3)),
        Plant(
            at(0.7), {"source_id": "no-such-source"}, "source_id", "foreign-key", "unknown source"
        ),
        Plant(
            at(0.75), {"vitamin": "D", "form": "MK-7"}, "vitamin", "foreign-key", "form not of D"
        ),
        Plant(at(0.8), {"category": ""}, "category", "constraint-error", "blank required cell"),
        Plant(at(0.9), {}, None, "extra-cell", "ragged row: one cell too many", extra="surplus"),
        Plant(at(0.95), {"food": "=SUM(B2:B9)"}, "food", "formula-like", "formula-like text"),
        Plant(n - 2, {serving_g: "1,250"}, serving_g, "type-error", "thousands separator"),
        Plant(n - 1, {serving_g: "inf"}, serving_g, "type-error", "infinity in a number field"),
    ]
    rows = [p.row for p in plants] + [at(0.3)]
    assert len(set(rows)) == len(rows), "planted rows must be distinct"
    return plants


def _planted_row(data: memoryview, offsets: np.ndarray, plant: Plant) -> list[str]:
    def cells(row: int) -> dict[str, str]:
        text = bytes(data[offsets[row] : offsets[row + 1]]).decode()
        return dict(zip(FOODS_COLUMNS, next(csv.reader([text])), strict=True))

    values = cells(plant.row)
    if plant.copy_key_of is not None:
        original = cells(plant.copy_key_of)
        values |= {key: original[key] for key in ("food_id", "vitamin", "form")}
    return plant.apply(values)


def write_foods(
    path: Path, n: int, seed: int, plants: list[Plant], wide: bool = False
) -> list[Finding]:
    """Write foods.csv with n rows and the given plants; return the findings they cause."""
    data, offsets = _lines(n, seed, wide)
    findings: list[Finding] = []
    shift, start = 0, 0
    with path.open("wb") as out:
        out.write(csv_line(FOODS_COLUMNS).encode())
        for plant in sorted(plants, key=lambda p: p.row):
            out.write(data[offsets[start] : offsets[plant.row]])
            text = csv_line(_planted_row(data, offsets, plant))
            out.write(text.encode())
            findings.extend(plant.findings("foods.csv", FOODS_COLUMNS, plant.row + 2 + shift))
            shift += text.count("\n") - 1
            start = plant.row + 1
        out.write(data[offsets[start] : offsets[n]])
    return findings


def generate(
    out_dir: Path | str,
    foods: int = 1000,
    studies: int = 10,
    plant_errors: bool = False,
    seed: int = 20261120,
    wide: bool = False,
) -> list[Finding]:
    """Write a data package into out_dir; return the findings planted (empty when valid)."""
    out = Path(out_dir)
    columns = headers()
    if columns["foods"] != FOODS_COLUMNS:
        raise ValueError(f"foods.csv columns changed in {PACKAGE_JSON}; update FOODS_COLUMNS")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PACKAGE_JSON, out / "datapackage.json")
    plants = food_plants(foods) if plant_errors else []
    findings = write_foods(out / "foods.csv", foods, seed, plants, wide)
    for table in small_tables(studies, seed, plant_errors):
        findings.extend(write_table(out / f"{table.name}.csv", columns[table.name], table))
    # No translations: the generated data is for the English documents and the validator.
    (out / "translations.csv").write_text(",".join(columns["translations"]) + "\n", "utf-8")
    expected = out / "expected.json"
    if plant_errors:
        ordered = sorted(findings, key=lambda f: (f.file, f.line, f.column or 0, f.code))
        expected.write_text(json.dumps([f.as_dict() for f in ordered], indent=1) + "\n")
    else:
        expected.unlink(missing_ok=True)
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and generate the package."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--foods", type=int, default=1000, help="rows in foods.csv")
    parser.add_argument("--studies", type=int, default=10, help="rows in studies.csv")
    parser.add_argument("--seed", type=int, default=20261120)
    parser.add_argument("--plant-errors", action="store_true", help="plant known defects")
    parser.add_argument("--wide", action="store_true", help="long food names and notes")
    args = parser.parse_args(argv)
    findings = generate(
        args.out_dir, args.foods, args.studies, args.plant_errors, args.seed, args.wide
    )
    print(
        f"wrote {args.out_dir} ({args.foods} foods, {args.studies} studies, "
        f"{len(findings)} planted findings)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
