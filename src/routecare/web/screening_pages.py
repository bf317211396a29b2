"""The screening interview on a phone: one section of questions per screen, every section asked
(protection depends on all of them, not only the outcome), then the result with its reasons and
the decision (case or not).

The answers so far travel in hidden fields, so nothing half-finished is stored and a dropped
connection loses at most one screen.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from routecare.admin_areas import admin_areas
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.auth.policy import Permission, allows
from routecare.cases.actions import create_case
from routecare.cases.schemas import CaseIn
from routecare.cases.vocabulary import Exploitation, VictimStatus
from routecare.children.schemas import Sex
from routecare.errors import InvalidInput
from routecare.screening import actions, queries
from routecare.screening.catalogue import DEFAULT_CATALOGUE
from routecare.screening.engine import SECTIONS, AgeBasis, Engine
from routecare.screening.engines import engine_for
from routecare.screening.schemas import NoCaseIn, ScreeningIn
from routecare.web.forms import FormInvalid, field_problems
from routecare.web.i18n import language_of
from routecare.web.labels import ROUTE_LANGUAGES
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)
TRANSIT_SLOTS = 4  # transit countries the form asks for (the API takes up to 8)


def _answers(form: FormData, engine: Engine) -> dict[str, bool]:
    answers: dict[str, bool] = {}
    for indicator_id in engine.catalogue.by_id:
        value = form.get(f"a.{indicator_id}")
        if value in ("yes", "no"):
            answers[indicator_id] = value == "yes"
    return answers


def _age(form: FormData) -> tuple[int | None, AgeBasis]:
    try:
        basis = AgeBasis(str(form.get("age_basis") or "unknown"))
        raw = str(form.get("age") or "").strip()
        age = int(raw) if raw and basis is not AgeBasis.UNKNOWN else None
    except ValueError as error:
        raise InvalidInput("age must be a whole number between 0 and 30") from error
    if age is not None and not 0 <= age <= 30:
        raise InvalidInput("age must be a whole number between 0 and 30")
    return age, basis


def _route(form: FormData) -> dict[str, object]:
    """Where the person is screened and the route they took, as the form sent them (codes from
    selects; validated by ScreeningIn like the API's)."""
    return {
        "admin_area": str(form.get("admin_area") or "") or None,
        "country_of_origin": str(form.get("country_of_origin") or "") or None,
        "transit_countries": [str(c) for c in form.getlist("transit_countries") if c][:8],
    }


@router.get("/screening")
def start(request: Request, deployment: DeploymentDep, principal: CurrentPrincipal) -> Response:
    return pages_of(request).render(
        request,
        "screening/start.html",
        {
            "bases": list(AgeBasis),
            "interview_languages": ROUTE_LANGUAGES,
            "admin_areas": admin_areas(principal.country),
            "transit_slots": TRANSIT_SLOTS,
        },
    )


@router.post("/screening")
async def interview(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    """Take the screen's answers; show the next group that matters, or store and show the result."""
    form = await request.form()
    engine = engine_for(deployment.settings.data_dir, DEFAULT_CATALOGUE)
    age, basis = _age(form)
    route = _route(form)
    try:  # checked on every screen, so a bad route stops the interview at once
        ScreeningIn.model_validate(route)
    except ValidationError as error:
        raise FormInvalid(field_problems(error.errors())) from error
    answers = _answers(form, engine)
    for shown in str(form.get("shown") or "").split():
        if shown in engine.catalogue.by_id and shown not in answers:
            answers[shown] = False  # shown and left unticked: the answer was no
    remaining = engine.questions_to_ask(answers)
    if not remaining:
        try:
            data = ScreeningIn(
                age=age,
                age_basis=basis,
                answers=answers,
                catalogue=engine.catalogue.key,
                language=language_of(request).code,
                location=str(form.get("location") or "").strip() or None,
                interpreter_language=str(form.get("interpreter_language") or "") or None,
                **route,
            )
        except ValidationError as error:
            raise FormInvalid(field_problems(error.errors())) from error
        stored = actions.record_screening(deployment, principal, data, source="web")
        return RedirectResponse(f"/screenings/{stored.reference}", status_code=303)
    element = engine.catalogue.by_id[remaining[0]].element
    questions = [
        engine.catalogue.by_id[i] for i in remaining if engine.catalogue.by_id[i].element is element
    ]
    current = engine.score(answers, age, basis, language_of(request).code)
    return pages_of(request).render(
        request,
        "screening/questions.html",
        {
            "element": element.value,
            "questions": questions,
            "answers": answers,
            "age": age,
            "basis": basis.value,
            "location": form.get("location") or "",
            "interpreter_language": form.get("interpreter_language") or "",
            "route": {key: value or "" for key, value in route.items()},
            "current": current,
            "section_number": SECTIONS.index(element) + 1,
            "section_count": len(SECTIONS),
        },
    )


@router.get("/screenings/{reference}")
def result(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    screening = queries.read_screening(deployment, principal, reference, language_of(request).code)
    return pages_of(request).render(
        request,
        "screening/result.html",
        {"screening": screening, "sexes": list(Sex), "exploitation_forms": list(Exploitation)},
    )


@router.post("/screenings/{reference}/case")
def open_case(
    request: Request,
    reference: str,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    given_name: Annotated[str, Form(min_length=1, max_length=120)],
    family_name: Annotated[str, Form(max_length=120)] = "",
    sex: Annotated[Sex, Form()] = Sex.UNKNOWN,
    nationality: Annotated[str, Form(max_length=3)] = "",
    exploitation_forms: Annotated[list[Exploitation] | None, Form()] = None,
) -> Response:
    """One action from the result to a case: the child's record, the case, the link. The forms
    of exploitation are those the case worker ticked, reviewing what the child described."""
    screening = queries.read_screening(deployment, principal, reference)
    result = screening.result
    presumed = result["outcome"] == "presumed_trafficking"
    try:
        case_in = CaseIn(
            given_name=given_name,
            family_name=family_name or None,
            sex=sex,
            age=screening.age,
            nationality=nationality.upper() or None,
            unaccompanied=screening.answers.get("vulnerability.unaccompanied"),
            victim_status=VictimStatus.POSSIBLE if presumed else None,
            exploitation_forms=sorted(set(exploitation_forms or [])) or None,
        )
    except ValidationError as error:
        raise FormInvalid(field_problems(error.errors())) from error
    case = create_case(deployment, principal, case_in, idempotency_key=f"screening-{reference}")
    actions.link_case(deployment, principal, reference, case.child.reference)
    # A screener hands over here; those who manage cases go straight to the new case.
    target = (
        f"/cases/{case.reference}"
        if allows(principal, Permission.CASE_READ)
        else f"/screenings/{reference}"
    )
    return RedirectResponse(target, status_code=303)


@router.post("/screenings/{reference}/no-case")
def no_case(
    request: Request,
    reference: str,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reason: Annotated[str, Form(max_length=2000)],
) -> Response:
    """The reason, trimmed, must say something (three characters at least), as in the API."""
    try:
        decision = NoCaseIn(reason=reason)
    except ValidationError as error:
        raise InvalidInput(
            "check this field: reason (at least 3 characters besides spaces)"
        ) from error
    actions.record_no_case(deployment, principal, reference, decision.reason)
    return RedirectResponse(f"/screenings/{reference}", status_code=303)
