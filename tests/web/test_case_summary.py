"""The case summary prints and downloads as a PDF in the reader's language (Arabic shaped,
right to left), every export leaves an audit entry, and another organisation gets nothing."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from routecare.audit.models import AuditEntry
from tests.cases.helpers import create_case
from tests.conftest import World


def exports(world: World) -> list[dict[str, object]]:
    with world.deployment.database.transaction() as session:
        rows = session.execute(
            select(AuditEntry).where(AuditEntry.action == "case.export").order_by(AuditEntry.id)
        ).scalars()
        return [{"user": r.actor_user_id, **json.loads(r.detail)} for r in rows]


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ["Case summary", "Female", "Guinea"]), ("ar", ["ملخص الحالة", "الطفل", "غينيا"])],
)
def test_summary_pdf_in_the_page_language_is_audited(
    world: World, language: str, words: list[str]
) -> None:
    reference = create_case(world.api("case_worker"), sex="female", nationality="GIN")["reference"]
    browser = world.browser("case_worker")
    browser.cookies.set("routecare_lang", language)
    page = browser.get(f"/cases/{reference}/summary")
    assert page.status_code == 200 and f'lang="{language}"' in page.text
    pdf = browser.get(f"/cases/{reference}/summary.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert reference in text
    for word in words:
        # pypdf gives Arabic in logical order once shaped glyphs map back to letters.
        assert word in text or word[::-1] in text, (word, text)
    made = exports(world)
    assert [(e["format"], e["language"]) for e in made] == [("print", language), ("pdf", language)]
    assert {e["user"] for e in made} == {world.user_ids["case_worker"]}


def test_another_organisation_cannot_export_the_case(world: World) -> None:
    reference = create_case(world.api("case_worker"))["reference"]
    outsider = world.browser("other_case_worker")
    assert outsider.get(f"/cases/{reference}/summary.pdf").status_code == 404
    assert outsider.get(f"/cases/{reference}/summary").status_code == 404
    assert exports(world) == []
