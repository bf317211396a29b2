"""Form posts from the case page: approvals, notes, tasks, consents, documents. Each redirects
back to the case page; every create carries the form's idempotency key."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.cases import actions, documents, record_actions
from routecare.cases.record_schemas import ConsentIn, CorrectionIn, NoteIn, TaskIn
from routecare.cases.schemas import ApprovalIn
from routecare.cases.vocabulary import DocumentKind
from routecare.errors import InvalidInput
from routecare.web.case_pages import form_values, validated

router = APIRouter(include_in_schema=False)


def _back(reference: str) -> Response:
    return RedirectResponse(f"/cases/{reference}", status_code=303)


def _key(values: dict[str, object]) -> str | None:
    return str(values.get("idempotency_key") or "") or None


@router.post("/cases/{reference}/approvals")
async def approve(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    approval = validated(ApprovalIn, await form_values(request))
    await run_in_threadpool(actions.approve, deployment, principal, reference, approval)
    return _back(reference)


@router.post("/cases/{reference}/notes")
async def add_note(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    values = await form_values(request)
    note = validated(NoteIn, values)
    await run_in_threadpool(
        record_actions.add_note, deployment, principal, reference, note, _key(values)
    )
    return _back(reference)


@router.post("/cases/{reference}/corrections")
async def correct_child(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    values = {k: v for k, v in (await form_values(request)).items() if v != ""}
    correction = validated(CorrectionIn, values)
    await run_in_threadpool(
        record_actions.correct_child, deployment, principal, reference, correction, _key(values)
    )
    return _back(reference)


@router.post("/cases/{reference}/tasks")
async def add_task(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    values = await form_values(request)
    if values.get("due_date"):
        values["due_at"] = f"{values['due_date']}T12:00:00Z"
    task = validated(TaskIn, values)
    await run_in_threadpool(
        record_actions.add_task, deployment, principal, reference, task, _key(values)
    )
    return _back(reference)


@router.post("/cases/{reference}/tasks/{task_id}/done")
def complete_task(
    reference: str, task_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    record_actions.complete_task(deployment, principal, reference, task_id)
    return _back(reference)


@router.post("/cases/{reference}/consents")
async def record_consent(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    values = await form_values(request)
    values["child_assent"] = values.get("child_assent") == "true"
    values["interpreter_used"] = values.get("interpreter_used") == "true"
    consent = validated(ConsentIn, values)
    await run_in_threadpool(
        record_actions.record_consent, deployment, principal, reference, consent, _key(values)
    )
    return _back(reference)


@router.post("/cases/{reference}/consents/{consent_id}/withdrawal")
def withdraw_consent(
    reference: str, consent_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    record_actions.withdraw_consent(deployment, principal, reference, consent_id)
    return _back(reference)


@router.post("/cases/{reference}/documents")
async def upload_document(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    form = await request.form()
    upload = form.get("file")
    kind = str(form.get("kind") or DocumentKind.OTHER.value)
    if kind not in set(DocumentKind):
        raise InvalidInput("check these fields: kind")
    file = upload if isinstance(upload, UploadFile) else None
    content = await file.read(documents.MAX_DOCUMENT_BYTES + 1) if file else b""
    await run_in_threadpool(
        lambda: documents.add_document(
            deployment,
            principal,
            reference,
            kind=DocumentKind(kind),
            filename=(file and file.filename) or "upload",
            declared_type=(file and file.content_type) or "application/octet-stream",
            content=content,
            idempotency_key=str(form.get("idempotency_key") or "") or None,
        )
    )
    return _back(reference)


@router.get("/cases/{reference}/documents/{document_id}")
def download_document(
    reference: str, document_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    _name, content_type, content = documents.read_document(
        deployment, principal, reference, document_id
    )
    return Response(
        content,
        media_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="document-{document_id}"'},
    )
