"""The dossier statuses are written in four places that cannot share one list: the model's choices
(DossierStatus, ENDED_STATUSES, OPEN_STATUSES), the pure rule module (quality.STATUSES, ENDED: no
model import), the reader of dossier files (its Vietnamese labels) and the register's wording.
These tests hold them equal (issue 19, item 6)."""

from django.utils import translation

from core.text import fold
from procedures import quality
from procedures.dossier_file import STATUS_LABELS
from procedures.models import ENDED_STATUSES, OPEN_STATUSES, RECORD_FIELDS, Dossier, DossierStatus


def test_the_pure_module_has_the_models_statuses():
    assert set(quality.STATUSES) == set(DossierStatus.values) and len(quality.STATUSES) == len(DossierStatus.values)
    assert set(ENDED_STATUSES) == quality.ENDED
    assert set(OPEN_STATUSES) == set(DossierStatus.values) - set(ENDED_STATUSES)


def test_a_file_may_give_every_status_by_its_vietnamese_label():
    with translation.override("vi"):
        labels = {value: fold(str(label)) for value, label in DossierStatus.choices}
    assert {value: STATUS_LABELS.get(label) for value, label in labels.items()} == {v: v for v in labels}


def test_the_records_fields_are_the_models():
    names = {f.attname for f in Dossier._meta.concrete_fields}
    assert set(RECORD_FIELDS) <= names and RECORD_FIELDS[:4] == ("code", "received_at", "due_date", "status")
