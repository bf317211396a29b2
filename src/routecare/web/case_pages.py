"""Case pages: the list with search, opening a case, the case page with its stage, next step,
tasks, notes, consents and documents, and the edit form that shows a conflict to merge.

Forms are read whole (`form_values`) and validated by the same schemas as the API; actions run
in the thread pool, as FastAPI does for plain handlers.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.auth.policy import Permission, allows, may_manage_child
from routecare.auth.principal import Principal
from routecare.cases import actions, queries
from routecare.cases.schemas import CaseIn, CaseOut, CasePatch, CaseSearch, StageChange
from routecare.cases.vocabulary import (
    ClosureReason,
    DecisionOrg,
    DurableSolution,
    Exploitation,
    FamilyTracing,
    RiskLevel,
    Stage,
    VictimStatus,
)
from routecare.children.schemas import Sex
from routecare.deployment import Deployment
from routecare.errors import PreconditionFailed
from routecare.exchange import queries as exchange_queries
from routecare.linkage import queries as linkage_queries
from routecare.placement import queries as placement_queries
from routecare.referrals import queries as referral_queries
from routecare.web.forms import Model, parse_form
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)
LIST_FIELDS = frozenset({"exploitation_forms"})
SEARCH_FIELDS = ("name", "age", "nationality", "stage")
CHOICES = {
    "sex": list(Sex),
    "risk_level": list(RiskLevel),
    "victim_status": list(VictimStatus),
    "victim_decision_org": list(DecisionOrg),
    "exploitation_forms": list(Exploitation),
    "family_tracing_status": list(FamilyTracing),
    "durable_solution": list(DurableSolution),
    "closure_reason": [r for r in ClosureReason if r is not ClosureReason.DUPLICATE],
    "stages": list(Stage),
}


async def form_values(request: Request) -> dict[str, object]:
    """The submitted form as a dict; repeated fields (checkboxes) as lists, blanks as None.
    A JSON object is read the same way, for scripts and tests driving the pages."""
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        return {str(k): v for k, v in body.items()} if isinstance(body, dict) else {}
    form = await request.form()
    values: dict[str, object] = {}
    for key in set(form.keys()) - {"csrf_token"}:
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        if key in LIST_FIELDS:
            values[key] = [v for v in items if v]
        else:
            values[key] = items[-1].strip() or None if items else None
    return values


def validated(model: type[Model], values: dict[str, object]) -> Model:
    """Validate a case form; a blank field is sent as blank (an edit clears with it)."""
    return parse_form(model, values, blank_is_unset=False)


def new_form_key() -> str:
    """An idempotency key per rendered form: submitting it twice creates one record."""
    return secrets.token_urlsafe(16)


@router.get("/cases")
def case_list(request: Request, deployment: DeploymentDep, principal: CurrentPrincipal) -> Response:
    """The newest cases, filtered by age, nationality or stage given in the URL."""
    chosen = {k: request.query_params.get(k, "") for k in SEARCH_FIELDS if k != "name"}
    return _render_list(request, deployment, principal, chosen)


@router.post("/cases/search")
async def case_search(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    """Search by name too: posted, so a child's name never appears in a URL or access log."""
    values = await form_values(request)
    chosen = {k: str(values.get(k) or "") for k in SEARCH_FIELDS}
    return await run_in_threadpool(_render_list, request, deployment, principal, chosen)


def _render_list(
    request: Request, deployment: Deployment, principal: Principal, chosen: dict[str, str]
) -> Response:
    chosen["nationality"] = chosen.get("nationality", "").upper()
    criteria = validated(CaseSearch, {k: v for k, v in chosen.items() if v})
    cases = queries.search_cases(deployment, principal, criteria)
    context = {
        "cases": cases,
        "chosen": chosen,
        "choices": CHOICES,
        "may_write": allows(principal, Permission.CASE_WRITE),
    }
    return pages_of(request).render(request, "cases/list.html", context)


@router.get("/cases/new")
def new_case(request: Request, principal: CurrentPrincipal) -> Response:
    context = {"choices": CHOICES, "form_key": new_form_key()}
    return pages_of(request).render(request, "cases/new.html", context)


@router.post("/cases")
async def create_case(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    values = await form_values(request)
    values["unaccompanied"] = values.get("unaccompanied") == "true"
    data = validated(CaseIn, values)
    key = str(values.get("idempotency_key") or "") or None
    case = await run_in_threadpool(actions.create_case, deployment, principal, data, key)
    return RedirectResponse(f"/cases/{case.reference}", status_code=303)


@router.get("/cases/{reference}")
def case_page(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    case = queries.read_case(deployment, principal, reference)
    context = {
        "case": case,
        "choices": CHOICES,
        "form_key": new_form_key(),
        "owner": may_manage_child(principal, case.owner_organisation_id),
        "may_write": allows(principal, Permission.CASE_WRITE),
        "may_approve": allows(principal, Permission.CASE_APPROVE),
        "referrals": referral_queries.list_referrals(deployment, principal, case=reference)
        if allows(principal, Permission.REFERRAL_READ)
        else [],
    }
    context["exchange"] = exchange_queries.case_packages(deployment, principal, reference)
    if allows(principal, Permission.PLACEMENT_REQUEST):
        context["beds"], context["placement_requests"] = placement_queries.case_placements(
            deployment, principal, case.reference
        )
    if context["owner"] and allows(principal, Permission.MATCH_REVIEW):
        context["possible_matches"] = linkage_queries.possible_matches(
            deployment, principal, reference
        )
    return pages_of(request).render(request, "cases/case.html", context)


@router.get("/cases/{reference}/edit")
def edit_form(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    case = queries.read_case(deployment, principal, reference)
    context = {"case": case, "mine": editable(case), "version": case.version}
    return pages_of(request).render(request, "cases/edit.html", {**context, "choices": CHOICES})


def editable(case: CaseOut) -> dict[str, Any]:
    """The values the edit form shows: the case's fields and the child's names."""
    names = {"given_name": case.child.given_name, "family_name": case.child.family_name}
    return {**case.model_dump(mode="json"), **names}


@router.post("/cases/{reference}/edit")
async def save_edit(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    """Save; when someone saved first, show their values beside ours to merge (409)."""
    values = await form_values(request)
    values["separated"] = {"true": True, "false": False}.get(str(values.get("separated")))
    values.setdefault("exploitation_forms", [])
    sent = {k: values[k] for k in CasePatch.model_fields if k in values}
    patch = validated(CasePatch, sent)
    version = int(str(values["version"])) if str(values.get("version")).isdigit() else 0
    try:
        await run_in_threadpool(
            actions.update_case, deployment, principal, reference, version, patch
        )
    except PreconditionFailed:
        current = await run_in_threadpool(queries.read_case, deployment, principal, reference)
        mine = patch.model_dump(mode="json", include=patch.model_fields_set)
        theirs = editable(current)
        conflicts = [name for name in mine if mine[name] != theirs.get(name)]
        context = {
            "case": current,
            "mine": mine,
            "theirs": theirs,
            "conflicts": conflicts,
            "version": current.version,
            "choices": CHOICES,
        }
        return pages_of(request).render(request, "cases/edit.html", context, status_code=409)
    return RedirectResponse(f"/cases/{reference}", status_code=303)


@router.post("/cases/{reference}/stage")
async def move_stage(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    values = await form_values(request)
    change = validated(StageChange, values)
    await run_in_threadpool(actions.change_stage, deployment, principal, reference, change)
    return RedirectResponse(f"/cases/{reference}", status_code=303)
