"""Reads of stored screenings; every read is audited and explained again with the exact
catalogue version it was scored against."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import object_session

from routecare import audit
from routecare.auth.policy import Permission, may_see_screening, of_own_organisation, require
from routecare.auth.principal import Principal
from routecare.children.models import Child
from routecare.crypto.keystore import cipher_of
from routecare.deployment import Deployment
from routecare.errors import NotFound
from routecare.screening.engine import AgeBasis
from routecare.screening.engines import engine_for
from routecare.screening.models import Screening
from routecare.screening.schemas import ScreeningOut


def present(deployment: Deployment, screening: Screening, language: str = "en") -> ScreeningOut:
    """Decrypt and re-explain a stored screening (called inside the caller's transaction)."""
    cipher = cipher_of(deployment.keyring, screening.uid)  # NotFound once erased
    answers: dict[str, bool] = json.loads(cipher.decrypt("answers", screening.answers) or "{}")
    basis = AgeBasis(screening.age_basis)
    engine = engine_for(deployment.settings.data_dir, screening.catalogue_version)
    result = engine.score(answers, screening.age, basis, language).as_dict()
    child_reference = None
    if screening.child_id is not None:
        session = object_session(screening)
        child = session.get(Child, screening.child_id) if session else None
        child_reference = child.reference if child else None
    return ScreeningOut(
        reference=screening.reference,
        screened_at=screening.screened_at,
        organisation_id=screening.organisation_id,
        source=screening.source,
        location=cipher.decrypt("location", screening.location),
        interpreter_language=screening.interpreter_language,
        admin_area=screening.admin_area,
        country_of_origin=screening.country_of_origin,
        transit_countries=screening.transit_countries.split(),
        age=screening.age,
        age_basis=basis,
        answers=answers,
        result=result,
        child_reference=child_reference,
        no_case_reason=cipher.decrypt("no_case_reason", screening.no_case_reason),
    )


def read_screening(
    deployment: Deployment, principal: Principal, reference: str, language: str = "en"
) -> ScreeningOut:
    require(principal, Permission.SCREENING_READ)
    with deployment.database.transaction() as session:
        screening = session.execute(
            select(Screening).where(Screening.reference == reference)
        ).scalar()
        if (
            screening is None
            or screening.answers is None  # the screened child's record was erased
            or not may_see_screening(principal, screening.organisation_id)
        ):
            raise NotFound("no screening with that reference")
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="screening.read",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="screening",
            subject_id=screening.id,
            children=[] if screening.child_id is None else [screening.child_id],
        )
        return present(deployment, screening, language)


def awaiting_decision(deployment: Deployment, principal: Principal, limit: int = 20) -> list[str]:
    """References of the organisation's screenings with neither a case nor a reason yet."""
    require(principal, Permission.SCREENING_READ)
    with deployment.database.transaction() as session:
        rows = session.execute(
            select(Screening.reference)
            .where(
                of_own_organisation(principal, Screening.organisation_id),
                Screening.decided_at.is_(None),
                Screening.outcome != "no_indicators",
            )
            .order_by(Screening.screened_at.desc())
            .limit(limit)
        ).scalars()
        return list(rows)
