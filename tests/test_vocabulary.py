"""The vocabulary against the data contract: every enum code has one label, none is orphaned."""

from __future__ import annotations

import copy
import json

from pipeline.settings import DEFAULT_DATA_DIR
from pipeline.vocabulary import FIELDS, UNLABELLED, VITAMINS, Vocabulary

DESCRIPTOR = json.loads((DEFAULT_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))


def enums(descriptor: dict) -> dict[str, list[str]]:
    """Return every enum-constrained field of a descriptor as 'table.field' → its codes."""
    return {
        f"{resource['name']}.{field['name']}": field["constraints"]["enum"]
        for resource in descriptor["resources"]
        for field in resource["schema"]["fields"]
        if "enum" in field.get("constraints", {})
    }


def missing_labels(descriptor: dict) -> list[str]:
    """Return 'table.field: code' for every enum code no vocabulary labels."""
    return [
        f"{name}: {code}"
        for name, codes in enums(descriptor).items()
        if name not in UNLABELLED
        for code in codes
        if name not in FIELDS or code not in FIELDS[name]
    ]


def orphan_labels(descriptor: dict) -> list[str]:
    """Return the codes a vocabulary labels that none of the fields it serves allows."""
    allowed: dict[int, set[str]] = {}
    fields = enums(descriptor)
    for name, vocabulary in FIELDS.items():
        allowed.setdefault(id(vocabulary), set()).update(fields.get(name, ()))
    vocabularies = {id(v): v for v in FIELDS.values()}
    return [
        code
        for key, vocabulary in vocabularies.items()
        for code in vocabulary.codes
        if code not in allowed[key]
    ]


def test_every_enum_code_of_the_contract_has_a_label():
    assert missing_labels(DESCRIPTOR) == []


def test_no_label_is_orphaned():
    assert orphan_labels(DESCRIPTOR) == []


def test_every_field_the_vocabulary_names_is_an_enum_of_the_contract():
    assert set(FIELDS) <= set(enums(DESCRIPTOR))
    assert set(UNLABELLED) <= set(enums(DESCRIPTOR))
    assert not set(FIELDS) & set(UNLABELLED)


def test_a_new_enum_value_without_a_label_fails_the_contract():
    grown = copy.deepcopy(DESCRIPTOR)
    studies = next(r for r in grown["resources"] if r["name"] == "studies")
    direction = next(f for f in studies["schema"]["fields"] if f["name"] == "direction")
    direction["constraints"]["enum"].append("reversed")
    assert missing_labels(grown) == ["studies.direction: reversed"]


def test_a_new_enum_field_without_a_vocabulary_fails_the_contract():
    grown = copy.deepcopy(DESCRIPTOR)
    cautions = next(r for r in grown["resources"] if r["name"] == "cautions")
    cautions["schema"]["fields"].append({"name": "audience", "constraints": {"enum": ["public"]}})
    assert missing_labels(grown) == ["cautions.audience: public"]


def test_a_label_whose_code_left_the_contract_is_orphaned():
    shrunk = copy.deepcopy(DESCRIPTOR)
    for resource in shrunk["resources"]:
        for field in resource["schema"]["fields"]:
            if field["name"] == "vitamin":
                field["constraints"]["enum"] = [c for c in field["constraints"]["enum"] if c != "K"]
    assert orphan_labels(shrunk) == ["K"]


def test_an_unknown_code_is_labelled_by_the_code_in_words():
    assert VITAMINS.label("K2") == "Vitamin K2"
    assert VITAMINS.label("gut-microbiome") == "Gut microbiome"
    assert VITAMINS.rank("gut-microbiome") == len(VITAMINS.codes)


def test_optional_words_fall_back_to_the_label():
    vocabulary = FIELDS["studies.design"]
    assert isinstance(vocabulary, Vocabulary)
    assert vocabulary.short("rct") == "RCT"
    assert vocabulary.short("animal") == vocabulary.label("animal") == "Animal study"
    assert vocabulary.prose("animal") == "Animal study"
