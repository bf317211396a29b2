"""/api/v1/cases/{reference}/…: notes, tasks, consents, age assessments, links, documents.
Every create takes an Idempotency-Key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from routecare.api.cases import IdempotencyKey, Reference
from routecare.api.responses import ERROR_SCHEMA, RECORD
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.cases import documents, record_actions
from routecare.cases.record_schemas import (
    AgeAssessmentIn,
    ConsentIn,
    CorrectionIn,
    LinkIn,
    NoteIn,
    TaskIn,
)
from routecare.cases.vocabulary import DocumentKind
from routecare.storage.base import MAX_ID

router = APIRouter(prefix="/cases/{reference}", tags=["cases"])
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
CREATED = {**RECORD, 422: {"description": "Invalid input", "content": ERROR_SCHEMA}}


class Created(BaseModel):
    """The id of the record created (the first one, on a retry with the same key)."""

    id: int


@router.post("/notes", status_code=201, responses=CREATED)
def add_note(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    note: NoteIn,
    idempotency_key: IdempotencyKey = None,
) -> Created:
    """A note; its text is encrypted with the child's key."""
    return Created(
        id=record_actions.add_note(deployment, principal, reference, note, idempotency_key)
    )


@router.post("/tasks", status_code=201, responses=CREATED)
def add_task(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    task: TaskIn,
    idempotency_key: IdempotencyKey = None,
) -> Created:
    return Created(
        id=record_actions.add_task(deployment, principal, reference, task, idempotency_key)
    )


@router.post("/tasks/{task_id}/done", status_code=204, responses=RECORD)
def complete_task(
    deployment: DeploymentDep, principal: CurrentPrincipal, reference: Reference, task_id: RecordId
) -> Response:
    record_actions.complete_task(deployment, principal, reference, task_id)
    return Response(status_code=204)


@router.post("/consents", status_code=201, responses=CREATED)
def record_consent(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    consent: ConsentIn,
    idempotency_key: IdempotencyKey = None,
) -> Created:
    """Consent to one use (scope) for one purpose (snake_case, e.g. `family_tracing`)."""
    return Created(
        id=record_actions.record_consent(deployment, principal, reference, consent, idempotency_key)
    )


@router.post("/consents/{consent_id}/withdrawal", status_code=204, responses=RECORD)
def withdraw_consent(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    consent_id: RecordId,
) -> Response:
    record_actions.withdraw_consent(deployment, principal, reference, consent_id)
    return Response(status_code=204)


@router.post("/corrections", status_code=201, responses=CREATED)
def correct_child(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    correction: CorrectionIn,
    idempotency_key: IdempotencyKey = None,
) -> Created:
    """Correct the child's sex or nationality with a reason; the case lists every correction
    (who, when, why). The age changes only through an age assessment."""
    return Created(
        id=record_actions.correct_child(
            deployment, principal, reference, correction, idempotency_key
        )
    )


@router.post("/age-assessments", status_code=201, responses=CREATED)
def add_age_assessment(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    assessment: AgeAssessmentIn,
    idempotency_key: IdempotencyKey = None,
) -> Created:
    """An age assessment; the child's working age becomes the lowest age of the range."""
    return Created(
        id=record_actions.add_age_assessment(
            deployment, principal, reference, assessment, idempotency_key
        )
    )


@router.post("/links", status_code=201, responses=CREATED)
def link_cases(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    link: LinkIn,
    idempotency_key: IdempotencyKey = None,
) -> Created:
    """Link a sibling's or travelling companion's case."""
    return Created(
        id=record_actions.link_cases(deployment, principal, reference, link, idempotency_key)
    )


@router.post("/documents", status_code=201, responses=CREATED)
def upload_document(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    file: Annotated[UploadFile | None, File(description="PDF, JPEG or PNG")] = None,
    kind: Annotated[DocumentKind, Form()] = DocumentKind.OTHER,
    idempotency_key: IdempotencyKey = None,
) -> Created:
    """Upload a document: its type is checked by content, photos lose EXIF/GPS, the whole
    file is encrypted with the child's key."""
    content = file.file.read(documents.MAX_DOCUMENT_BYTES + 1) if file else b""
    document_id = documents.add_document(
        deployment,
        principal,
        reference,
        kind=kind,
        filename=(file and file.filename) or "upload",
        declared_type=(file and file.content_type) or "application/octet-stream",
        content=content,
        idempotency_key=idempotency_key,
    )
    return Created(id=document_id)


@router.get(
    "/documents/{document_id}",
    responses={**RECORD, 200: {"content": {"application/octet-stream": {}}}},
)
def download_document(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    document_id: RecordId,
) -> Response:
    _filename, content_type, content = documents.read_document(
        deployment, principal, reference, document_id
    )
    return Response(
        content,
        media_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="document-{document_id}"'},
    )
