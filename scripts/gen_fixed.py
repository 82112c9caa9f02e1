"""The fixed rows of a generated package: base sources, forms, roles, intakes and prose tables."""

from __future__ import annotations

MICRO_G = "\u00b5g"  # the MICRO SIGN, which the schema's enum holds; never the Greek mu
K_SHEET, D_SHEET = "nih-ods-vitamin-k", "nih-ods-vitamin-d"
REVIEW = "vermeer-2018-k2-review"
EFSA_K, EFSA_D = "efsa-2017-vitamin-k", "efsa-2012-vitamin-d-ul"
FOOD_SOURCES = ("usda-fdc-sr-legacy", K_SHEET, D_SHEET, "fineli-2024", "nevo-2023", "fu-2017")
EFSA_PANEL = "EFSA Panel on Dietetic Products, Nutrition and Allergies"
# source_id | kind | authors | title | container | year | url
BASE_SOURCES = """
usda-fdc-sr-legacy|food-database|US Department of Agriculture|FoodData Central: SR Legacy|\
USDA Agricultural Research Service|2019|https://fdc.nal.usda.gov/
nih-ods-vitamin-k|fact-sheet|NIH Office of Dietary Supplements|Vitamin K: Fact Sheet for \
Health Professionals|National Institutes of Health|2021|https://ods.od.nih.gov/factsheets/\
VitaminK-HealthProfessional/
nih-ods-vitamin-d|fact-sheet|NIH Office of Dietary Supplements|Vitamin D: Fact Sheet for \
Health Professionals|National Institutes of Health|2024|https://ods.od.nih.gov/factsheets/\
VitaminD-HealthProfessional/
fineli-2024|food-database|Finnish Institute for Health and Welfare|Fineli food composition \
database|THL|2024|https://fineli.fi/
nevo-2023|food-database|RIVM|Dutch food composition database NEVO|RIVM|2023|\
https://nevo-online.rivm.nl/
fu-2017|food-database|Fu X, Harshman SG, Shen X, et al.|Multiple vitamin K forms exist \
in dairy foods|Current Developments in Nutrition|2017|https://doi.org/10.3945/cdn.117.000638
vermeer-2018-k2-review|narrative-review|Vermeer C, Raes J, van 't Hoofd C, et al.|\
Menaquinone content of cheese|Nutrients|2018|https://www.mdpi.com/
efsa-2017-vitamin-k|reference-values|EFSA Panel|Dietary reference values for vitamin K|\
EFSA Journal|2017|https://www.efsa.europa.eu/
efsa-2012-vitamin-d-ul|reference-values|EFSA Panel|Scientific opinion on the tolerable upper \
intake level of vitamin D|EFSA Journal|2012|https://www.efsa.europa.eu/
"""
ASPECTS = (
    "primary-role",
    "key-action",
    "food-sources",
    "absorption",
    "half-life",
    "deficiency-impact",
    "calcification-link",
    "cardiovascular-impact",
    "reference-intake",
    "upper-limit",
    "safety",
)
K2_FORMS = ("MK-4", "MK-5", "MK-6", "MK-7", "MK-8", "MK-9", "MK-10", "MK-11", "MK-12", "MK-13")
D_FORMS = ("D2", "D3", "D-total")
Row = dict[str, str]


def base_sources() -> list[Row]:
    """Return the sources every generated package cites, whatever its size."""
    keys = ("source_id", "kind", "authors", "title", "container", "year", "url")
    rows = [
        dict(zip(keys, line.split("|"), strict=True)) for line in BASE_SOURCES.strip().split("\n")
    ]
    for row in rows:
        row["authors"] = row["authors"].replace("EFSA Panel", EFSA_PANEL)
        row["verification"] = "secondary"
    return rows


def forms() -> list[Row]:
    """Return every (vitamin, form) pair the schema allows."""
    pairs = [("K1", "phylloquinone", "Phylloquinone (K1)")]
    pairs += [("K2", form, f"Menaquinone-{form[3:]}") for form in K2_FORMS]
    pairs += [("K2", "MK-total", "All menaquinones"), ("D", "D2", "Ergocalciferol (D2)")]
    pairs += [("D", "D3", "Cholecalciferol (D3)"), ("D", "D-total", "Vitamin D, all forms")]
    return [
        {"vitamin": v, "form": f, "label": label, "source_id": D_SHEET if v == "D" else K_SHEET}
        for v, f, label in pairs
    ]


def vitamin_roles() -> list[Row]:
    """Return one row per vitamin and aspect."""
    evidence = ("established", "supported", "mixed", "hypothesis")
    return [
        {
            "vitamin": vitamin,
            "aspect": aspect,
            "summary": f"What the evidence says about vitamin {vitamin} for "
            f"{aspect.replace('-', ' ')}, in a sentence or two written for clinicians.",
            "evidence": evidence[(i + j) % len(evidence)],
            "source_id": D_SHEET if vitamin == "D" else K_SHEET,
            "chart_summary": f"Vitamin {vitamin}, {aspect.replace('-', ' ')}: in short.",
        }
        for i, vitamin in enumerate(("K1", "K2", "D"))
        for j, aspect in enumerate(ASPECTS)
    ]


def intakes() -> list[Row]:
    """Return reference intakes and upper limits."""
    us, efsa = "US National Academies", "EFSA"
    rows = [
        ("k-ai-men-us", "K", "AI", "Men 19 y and older", "120", us, K_SHEET, ""),
        ("k-ai-women-us", "K", "AI", "Women 19 y and older", "90", us, K_SHEET, ""),
        ("k1-ai-adults-efsa", "K1", "AI", "Adults", "70", efsa, EFSA_K, "1 µg per kg, per day."),
        ("k-ul-us", "K", "UL", "Adults", "", us, K_SHEET, "No upper level has been set."),
        ("d-rda-adults-us", "D", "RDA", "Adults 19-70 y", "15", us, D_SHEET, ""),
        ("d-rda-older-us", "D", "RDA", "Adults over 70 y", "20", us, D_SHEET, ""),
        ("d-ul-adults-us", "D", "UL", "Adults", "100", us, D_SHEET, ""),
        ("d-ul-adults-efsa", "D", "UL", "Adults", "100", efsa, EFSA_D, ""),
        ("k-dv-us", "K", "DV", "Adults and children 4 y and older", "120", us, K_SHEET, ""),
        ("d-dv-us", "D", "DV", "Adults and children 4 y and older", "20", us, D_SHEET, ""),
    ]
    keys = ("intake_id", "vitamin", "measure", "population", "amount_per_day", "authority")
    keys += ("source_id", "note")
    return [dict(zip(keys, row, strict=True)) | {"unit": MICRO_G} for row in rows]


def contributors() -> list[Row]:
    """Return the other contributors to ectopic calcification."""
    factors = (
        ("chronic-kidney-disease", "Chronic kidney disease", "established"),
        ("inflammation", "Chronic inflammation", "supported"),
        ("genetics-and-ageing", "Genetics and ageing", "supported"),
        ("diabetes", "Diabetes", "established"),
        ("hyperphosphataemia", "High serum phosphate", "supported"),
    )
    return [
        {
            "factor_id": slug,
            "factor": name,
            "summary": f"{name} promotes ectopic calcification; see the review.",
            "evidence": evidence,
            "source_id": REVIEW,
        }
        for slug, name, evidence in factors
    ]


def cautions() -> list[Row]:
    """Return the warfarin and high-dose vitamin D cautions."""
    keys = ("caution_id", "severity", "title", "summary", "plain", "source_id")
    rows = (
        (
            "warfarin",
            "warning",
            "Vitamin K and warfarin",
            "Vitamin K counteracts warfarin; a change in intake changes the INR.",
            "If you take warfarin, talk to your doctor before taking vitamin K.",
            K_SHEET,
        ),
        (
            "vitamin-d-high-dose",
            "caution",
            "High-dose vitamin D",
            "Intakes above the upper level can raise blood calcium.",
            "Do not take more vitamin D than the label says unless a doctor advises it.",
            EFSA_D,
        ),
    )
    return [dict(zip(keys, row, strict=True)) for row in rows]


def evidence_notes() -> list[Row]:
    """Return where popular claims go beyond the sources."""
    claims = (
        ("K2 reverses arterial calcification in people.", "overstated"),
        ("K2 is better absorbed than K1.", "partly-supported"),
        ("Cheese is the best source of K2.", "hypothesis"),
        ("Vitamin D alone prevents calcification.", "wrong"),
    )
    return [
        {
            "note_id": f"claim-{i + 1:02d}",
            "claim": claim,
            "verdict": verdict,
            "finding": "The primary sources show less than this.",
            "source_id": REVIEW,
        }
        for i, (claim, verdict) in enumerate(claims)
    ]
