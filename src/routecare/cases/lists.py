"""The records attached to a case, decrypted for its owner organisation's case page."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from routecare.auth.models import User
from routecare.cases.models import (
    AgeAssessment,
    Case,
    CaseConsent,
    CaseDocument,
    CaseLink,
    CaseNote,
    CaseTask,
)
from routecare.cases.schemas import (
    AgeAssessmentOut,
    CaseOut,
    ConsentSummary,
    CorrectionOut,
    DocumentOut,
    LinkOut,
    NoteOut,
    TaskOut,
)
from routecare.children.models import Child, ChildCorrection
from routecare.children.records import cipher_for
from routecare.clock import utcnow
from routecare.crypto import Keyring

NOTES_SHOWN = 100


def attach_lists(
    session: Session, keyring: Keyring, out: CaseOut, case: Case, child: Child
) -> None:
    cipher = cipher_for(keyring, child)
    now = utcnow()
    tasks = session.execute(
        select(CaseTask).where(CaseTask.case_id == case.id).order_by(CaseTask.due_at)
    ).scalars()
    out.tasks = [
        TaskOut(
            id=t.id,
            kind=t.kind,
            title=cipher.decrypt("case.task", t.title),
            due_at=t.due_at,
            done_at=t.done_at,
            overdue=t.done_at is None and t.due_at < now,
        )
        for t in tasks
    ]
    notes = session.execute(
        select(CaseNote, User.username)
        .join(User, User.id == CaseNote.author_user_id)
        .where(CaseNote.case_id == case.id)
        .order_by(CaseNote.id.desc())
        .limit(NOTES_SHOWN)
    ).all()
    out.notes = [
        NoteOut(
            id=n.id,
            body=cipher.decrypt("case.note", n.body) or "",
            created_at=n.created_at,
            author_user_id=n.author_user_id,
            author=author,
        )
        for n, author in notes
    ]
    consents = session.execute(
        select(CaseConsent).where(CaseConsent.case_id == case.id).order_by(CaseConsent.id)
    ).scalars()
    out.consents = [ConsentSummary.model_validate(c, from_attributes=True) for c in consents]
    documents = session.execute(
        select(CaseDocument).where(CaseDocument.case_id == case.id).order_by(CaseDocument.id)
    ).scalars()
    out.documents = [
        DocumentOut(
            id=d.id,
            kind=d.kind,
            content_type=d.content_type,
            size=d.size,
            filename=cipher.decrypt("case.document.filename", d.filename) or "",
            created_at=d.created_at,
        )
        for d in documents
    ]
    ages = session.execute(
        select(AgeAssessment).where(AgeAssessment.case_id == case.id).order_by(AgeAssessment.id)
    ).scalars()
    out.age_assessments = [AgeAssessmentOut.model_validate(a, from_attributes=True) for a in ages]
    links = session.execute(
        select(CaseLink, Case.reference)
        .join(Case, or_(Case.id == CaseLink.case_id, Case.id == CaseLink.other_case_id))
        .where(or_(CaseLink.case_id == case.id, CaseLink.other_case_id == case.id))
        .where(Case.id != case.id)
    ).all()
    out.links = [
        LinkOut(id=link.id, relation=link.relation, other_reference=ref) for link, ref in links
    ]

    corrections = session.execute(
        select(ChildCorrection, User.username)
        .join(User, User.id == ChildCorrection.corrected_by_user_id)
        .where(ChildCorrection.child_id == child.id)
        .order_by(ChildCorrection.id)
    ).all()
    out.corrections = [
        CorrectionOut(
            id=c.id,
            field=c.field,
            old_value=c.old_value,
            new_value=c.new_value,
            reason=cipher.decrypt("child.correction", c.reason),
            corrected_at=c.corrected_at,
            corrected_by=username,
        )
        for c, username in corrections
    ]
    authors = {case.care_plan_author_user_id, case.care_plan_approved_by_user_id} - {None}
    names = {
        user_id: username
        for user_id, username in session.execute(
            select(User.id, User.username).where(User.id.in_(authors))
        )
    }
    out.care_plan_written_by = names.get(case.care_plan_author_user_id)
    out.care_plan_approved_by = names.get(case.care_plan_approved_by_user_id)
