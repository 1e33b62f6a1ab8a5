"""The application's fields are declared once: the form, storage, review and export agree."""

from __future__ import annotations

import dataclasses

from bot.applications import fields, service
from skills import apply


def test_the_form_asks_the_declared_steps_in_order():
    assert apply.APPLY.steps == fields.STEPS
    assert [s.name for s in fields.STEPS] == [f.step.name for f in fields.FIELDS]


def test_every_declared_column_is_an_application_attribute_and_an_export_column():
    attributes = {f.name for f in dataclasses.fields(service.Application)}
    assert set(fields.NAMES) <= attributes
    row = service.Application.blank().row()
    assert list(row)[4:4 + len(fields.NAMES)] == list(fields.NAMES)


def test_stored_columns_come_from_the_answers():
    answers = {
        "bizno": {"number": "1208147521", "kind": "corporation"},
        "business_name": "단골상회", "representative": "홍길동", "revenue": fields.REVENUE_NEW,
        "channel": "@danggol", "business_channel": True, "bizwallet": False,
        "phone": "01012345678", "privacy": {"agreed": True, "at": 1.5},
        "alerts": {"agreed": False, "at": None},
    }
    assert fields.stored(answers) == {
        "business_number": "1208147521", "entity_kind": "corporation",
        "business_name": "단골상회", "representative": "홍길동", "revenue_band": "new_business",
        "channel": "@danggol", "business_channel": True, "bizwallet": False,
        "phone": "01012345678", "privacy_consent_at": 1.5, "alerts_consent_at": None,
    }


def test_every_review_display_kind_has_wording_in_the_review_template():
    from bot.core.config import ROOT

    review = (ROOT / "templates" / "apply" / "review.yaml").read_text(encoding="utf-8")
    shown = {s.show for s in fields.STEPS} - {fields.Show.TEXT}
    assert all(f"f.show == '{kind}'" in review for kind in shown), shown
