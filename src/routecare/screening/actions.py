"""Writes of screenings: one scored at first contact, a batch from ODK/Kobo, and the decision
that follows (a case opened, or the reason why not)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.admin_areas import country_of_area
from routecare.auth.policy import Permission, may_manage_child, may_see_screening, require
from routecare.auth.principal import Principal
from routecare.children.models import Child
from routecare.clock import utcnow
from routecare.crypto import ChildCipher
from routecare.crypto.keystore import cipher_of, new_cipher, new_ciphers
from routecare.deployment import Deployment
from routecare.errors import Conflict, InvalidInput, NotFound
from routecare.references import new_reference
from routecare.screening.engine import Engine, Result
from routecare.screening.engines import engine_for
from routecare.screening.models import Screening
from routecare.screening.queries import present
from routecare.screening.schemas import ImportReport, ScreeningIn, ScreeningOut
from routecare.screening.submissions import Submission, parse_submissions

IMPORT_BATCH = 2000


def _values(
    engine: Engine,
    result: Result,
    *,
    uid: str,
    cipher: ChildCipher,
    answers: dict[str, bool],
    age: int | None,
    age_basis: str,
    location: str | None,
    language: str | None,
    organisation_id: int | None,
    user_id: int | None,
    source: str,
    instance_id: str | None = None,
    admin_area: str | None = None,
    country_of_origin: str | None = None,
    transit_countries: list[str] | None = None,
) -> dict[str, object]:
    """The columns of one new screening, its answers and location encrypted under its own
    data key (`cipher`, made for `uid` in the key store)."""
    encrypted_answers = cipher.encrypt("answers", json.dumps(answers, sort_keys=True))
    assert encrypted_answers is not None
    return dict(
        reference=new_reference("SCR"),
        uid=uid,
        organisation_id=organisation_id,
        screener_user_id=user_id,
        screened_at=utcnow(),
        source=source,
        instance_id=instance_id,
        catalogue_version=engine.catalogue.key,
        catalogue_sha256=engine.catalogue.sha256,
        decision_table_version=engine.table.version,
        age=age,
        age_basis=age_basis,
        treated_as_child=result.treated_as_child,
        outcome=result.outcome,
        rule=result.rule,
        forms=" ".join(result.forms),
        smuggling=result.smuggling,
        interpreter_language=language,
        admin_area=admin_area,
        country_of_origin=country_of_origin,
        transit_countries=" ".join(transit_countries or []),
        answers=encrypted_answers,
        location=cipher.encrypt("location", location),
    )


def record_screening(
    deployment: Deployment, principal: Principal, data: ScreeningIn, source: str = "api"
) -> ScreeningOut:
    """Score and store one screening, owned by the screener's organisation."""
    require(principal, Permission.SCREENING_RECORD)
    if data.admin_area is not None and country_of_area(data.admin_area) != principal.country:
        raise InvalidInput(
            f"admin_area: {data.admin_area} is not an admin area of {principal.country}, "
            "where this screening is recorded"
        )
    engine = engine_for(deployment.settings.data_dir, data.catalogue)
    result = engine.score(data.answers, data.age, data.age_basis, data.language)
    uid = uuid.uuid4().hex
    cipher = new_cipher(deployment.keyring, uid)
    with deployment.database.transaction() as session:
        screening = Screening(
            **_values(
                engine,
                result,
                uid=uid,
                cipher=cipher,
                answers=data.answers,
                age=data.age,
                age_basis=data.age_basis.value,
                location=data.location,
                language=data.interpreter_language,
                organisation_id=principal.organisation_id,
                user_id=principal.user_id,
                source=source,
                admin_area=data.admin_area,
                country_of_origin=data.country_of_origin,
                transit_countries=data.transit_countries,
            )
        )
        session.add(screening)
        session.flush()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="screening.record",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="screening",
            subject_id=screening.id,
            detail={"outcome": result.outcome},
        )
        return present(deployment, screening, data.language)


def import_submissions(
    deployment: Deployment,
    path: Path,
    *,
    organisation_id: int | None,
    catalogue: str,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> tuple[ImportReport, list[tuple[Submission, Result]]]:
    """Import an ODK/Kobo export idempotently: the instance id is the key, so importing the
    same file again adds nothing. Structural errors raise before anything is written."""
    engine = engine_for(deployment.settings.data_dir, catalogue)
    parsed = parse_submissions(path, engine.catalogue)
    scored = [(s, engine.score(s.answers, s.age, s.age_basis)) for s in parsed.submissions]
    imported = already = 0
    with deployment.database.transaction() as session:
        existing = _existing_instances(session, organisation_id)
    for start in range(0, len(scored), IMPORT_BATCH):
        batch = scored[start : start + IMPORT_BATCH]
        with deployment.database.transaction() as session:
            new = [(s, r) for s, r in batch if s.instance_id not in existing]
            existing.update(s.instance_id for s, _ in new)
            ciphers = new_ciphers(deployment.keyring, [uuid.uuid4().hex for _ in new])
            rows = [
                _values(
                    engine,
                    r,
                    uid=uid,
                    cipher=cipher,
                    answers=s.answers,
                    age=s.age,
                    age_basis=s.age_basis.value,
                    location=s.location,
                    language=s.interpreter_language,
                    organisation_id=organisation_id,
                    user_id=None,
                    source="odk",
                    instance_id=s.instance_id,
                )
                for (s, r), (uid, cipher) in zip(new, ciphers.items(), strict=True)
            ]
            if rows:
                # One executemany per batch, without ORM objects or RETURNING: both cost more
                # than the encryption on a 100,000-row file; the audit names the references.
                # Core, not the ORM's bulk path: the ORM splits rows by which values are None
                # (location, language…) into hundreds of small statements per batch.
                session.connection().execute(insert(Screening), rows)
                audit.record(
                    session,
                    deployment.keyring.audit_key,
                    action="screening.import",
                    actor_organisation_id=organisation_id,
                    subject_type="screening",
                    detail={"references": [row["reference"] for row in rows]},
                )
            imported += len(rows)
            already += len(batch) - len(new)
        progress(min(start + IMPORT_BATCH, len(scored)), len(scored))
    outcomes: dict[str, int] = {}
    for _, result in scored:
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    report = ImportReport(
        file=path.name,
        catalogue_version=engine.catalogue.key,
        rows=len(parsed.submissions) + len(parsed.row_errors),
        imported=imported,
        already_imported=already,
        rejected_rows=parsed.row_errors,
        outcomes=outcomes,
    )
    return report, scored


def _existing_instances(session: Session, organisation_id: int | None) -> set[str]:
    """Every instance id the organisation already imported, read once per import: a
    per-batch IN (...) query flips to a sequential scan on PostgreSQL once autovacuum has
    analysed a large table, and then dominates the import."""
    query = select(Screening.instance_id).where(
        Screening.instance_id.is_not(None),
        Screening.organisation_id.is_(None)
        if organisation_id is None
        else Screening.organisation_id == organisation_id,
    )
    return {instance for instance in session.execute(query).scalars() if instance is not None}


def _owned_screening(session: Session, principal: Principal, reference: str) -> Screening:
    screening = session.execute(select(Screening).where(Screening.reference == reference)).scalar()
    if screening is None or not may_see_screening(principal, screening.organisation_id):
        raise NotFound("no screening with that reference")
    return screening


def link_case(
    deployment: Deployment, principal: Principal, reference: str, child_reference: str
) -> None:
    """Record that the screened child now has a case (the child's record id, never a name)."""
    require(principal, Permission.SCREENING_RECORD)
    with deployment.database.transaction() as session:
        screening = _owned_screening(session, principal, reference)
        child = session.execute(select(Child).where(Child.reference == child_reference)).scalar()
        if child is None or not may_manage_child(principal, child.owner_organisation_id):
            raise NotFound("no child record with that reference")
        if screening.child_id not in (None, child.id):
            raise Conflict("this screening already opened another case")
        screening.child_id = child.id
        screening.decided_at = utcnow()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="screening.case_opened",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="screening",
            subject_id=screening.id,
            detail={"child_id": child.id},
            children=[child.id],
        )


def record_no_case(
    deployment: Deployment, principal: Principal, reference: str, reason: str
) -> None:
    """Record why no case is opened after this screening (kept encrypted)."""
    require(principal, Permission.SCREENING_RECORD)
    with deployment.database.transaction() as session:
        screening = _owned_screening(session, principal, reference)
        if screening.child_id is not None:
            raise Conflict("a case was already opened after this screening")
        cipher = cipher_of(deployment.keyring, screening.uid)
        screening.no_case_reason = cipher.encrypt("no_case_reason", reason)
        screening.decided_at = utcnow()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="screening.no_case",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="screening",
            subject_id=screening.id,
        )
