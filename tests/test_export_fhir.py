"""FHIR export: the Bundle passes an independent validator (fhir.resources, R4B models)."""

from __future__ import annotations

import json
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from magcheck.core.model import COMPONENT_IDS
from magcheck.exports import export
from magcheck.store import Store

from .export_support import fill_store


def test_fhir_bundle_validates(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=2)
    with Store.open(tmp_path / "a") as store:
        [path] = export(store, "fhir", tmp_path / "out.fhir.json", pseudonymize=True)
    doc = json.loads(path.read_text("utf-8"))
    bundle = Bundle.model_validate(doc)
    kinds = [e.resource.__resource_type__ for e in bundle.entry]
    assert kinds.count("Group") == 2
    assert kinds.count("Questionnaire") == 2
    assert kinds.count("QuestionnaireResponse") == 4 * 5
    statuses = {
        e.resource.status
        for e in bundle.entry
        if e.resource.__resource_type__ == "QuestionnaireResponse"
    }
    assert statuses == {"completed", "in-progress"}


def test_fhir_answers_are_codings_inside_component_groups(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=1, sessions=1)
    with Store.open(tmp_path / "a") as store:
        [path] = export(store, "fhir", tmp_path / "out.fhir.json")
    doc = json.loads(path.read_text("utf-8"))
    responses = [
        e["resource"]
        for e in doc["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    first = responses[0]
    assert first["questionnaire"] == "urn:magcheck:questionnaire:member|2"
    component = first["item"][0]
    assert component["linkId"] in COMPONENT_IDS
    answered = [i for i in component["item"] if "answer" in i]
    assert answered and answered[0]["answer"][0]["valueCoding"]["code"] in {"1", "2", "3", "4", "5"}
