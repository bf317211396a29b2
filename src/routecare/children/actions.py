"""Writes to children's records: register, share part of one, end a share, erase.

Each is one transaction with its audit entry; identities are encrypted before they reach the
session, so plaintext never touches the database.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.models import Organisation
from routecare.auth.policy import (
    IDENTITY_FIELDS,
    Permission,
    child_fields_visible,
    may_manage_child,
    require,
)
from routecare.auth.principal import Principal
from routecare.cases.models import Case
from routecare.children.erasure import scrub_child
from routecare.children.models import Child, ChildShare
from routecare.children.records import present, visible_child
from routecare.children.schemas import ChildIn, ChildOut, ShareIn, ShareOut
from routecare.clock import utcnow
from routecare.crypto.keystore import new_cipher, store_of
from routecare.deployment import Deployment
from routecare.errors import InvalidInput, NotFound
from routecare.exchange.erasure import request_erasure
from routecare.linkage.store import store_encoding
from routecare.references import new_reference


def register_child(deployment: Deployment, principal: Principal, data: ChildIn) -> ChildOut:
    """Create a child's record owned by the user's organisation."""
    require(principal, Permission.CHILD_REGISTER)
    with deployment.database.transaction() as session:
        child = add_child(session, deployment, principal, data)
        fields = child_fields_visible(principal, child.owner_organisation_id, [], child.created_at)
        return present(deployment.keyring, child, fields)


def add_child(
    session: Session, deployment: Deployment, principal: Principal, data: ChildIn
) -> Child:
    """Add and audit a child's record inside the caller's transaction (opening a case does
    this too, so the record and its case commit together). Callers check permission."""
    uid = uuid.uuid4().hex
    cipher = new_cipher(deployment.keyring, uid)
    identity = data.model_dump(include=set(IDENTITY_FIELDS))
    if identity.get("birth_date") is not None:
        identity["birth_date"] = identity["birth_date"].isoformat()
    child = Child(
        uid=uid,
        reference=new_reference(principal.country),
        owner_organisation_id=principal.organisation_id,
        sex=data.sex.value,
        age=data.age,
        nationality=data.nationality,
        unaccompanied=data.unaccompanied,
        created_at=utcnow(),
        created_by_user_id=principal.user_id,
        **{field: cipher.encrypt(field, value) for field, value in identity.items()},
    )
    session.add(child)
    session.flush()
    store_encoding(session, deployment.keyring, child, identity)
    audit.record(
        session,
        deployment.keyring.audit_key,
        action="child.register",
        actor_user_id=principal.user_id,
        actor_organisation_id=principal.organisation_id,
        subject_type="child",
        subject_id=child.id,
    )
    return child


def share_child(
    deployment: Deployment, principal: Principal, reference: str, grant: ShareIn
) -> ShareOut:
    """Grant another organisation part of a record, for a named purpose."""
    require(principal, Permission.CHILD_SHARE)
    now = utcnow()
    if grant.ends_at is not None and grant.ends_at <= now:
        raise InvalidInput("ends_at must be in the future")
    with deployment.database.transaction() as session:
        child, _ = visible_child(session, principal, reference, now)
        if not may_manage_child(principal, child.owner_organisation_id):
            raise NotFound("no child record with that reference")
        if grant.organisation_id == child.owner_organisation_id:
            raise InvalidInput("a record cannot be shared with its own organisation")
        if session.get(Organisation, grant.organisation_id) is None:
            raise InvalidInput(f"organisation {grant.organisation_id} does not exist")
        share = ChildShare(
            child_id=child.id,
            organisation_id=grant.organisation_id,
            fields=" ".join(grant.fields),
            purpose=grant.purpose,
            granted_at=now,
            granted_by_user_id=principal.user_id,
            ends_at=grant.ends_at,
        )
        session.add(share)
        session.flush()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="child.share",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="child",
            subject_id=child.id,
            detail={
                "share_id": share.id,
                "to_organisation_id": grant.organisation_id,
                "purpose": grant.purpose,
                "fields": grant.fields,
            },
        )
        return _share_out(share)


def end_share(
    deployment: Deployment, principal: Principal, reference: str, share_id: int
) -> ShareOut:
    """Revoke a grant at once: the other organisation's next read answers 404."""
    require(principal, Permission.CHILD_SHARE)
    now = utcnow()
    with deployment.database.transaction() as session:
        child, _ = visible_child(session, principal, reference, now)
        share = session.get(ChildShare, share_id)
        if (
            not may_manage_child(principal, child.owner_organisation_id)
            or share is None
            or (share.child_id != child.id)
        ):
            raise NotFound("no such share of that record")
        if share.revoked_at is None:
            share.revoked_at = now
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="child.share.end",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="child",
            subject_id=child.id,
            detail={"share_id": share.id},
        )
        return _share_out(share)


def erase_child(deployment: Deployment, principal: Principal, reference: str) -> None:
    """Erase a record: destroy every data key about the child (every ciphertext, in the
    database and in any backup taken before, becomes unreadable at once) and remove what could
    identify the child without one (routecare.children.erasure)."""
    require(principal, Permission.CHILD_ERASE)
    with deployment.database.transaction() as session:
        child = session.execute(select(Child).where(Child.reference == reference)).scalar()
        if (
            child is None
            or child.erased_at is not None
            or not may_manage_child(principal, child.owner_organisation_id)
        ):
            raise NotFound("no child record with that reference")
        case_id = session.scalar(select(Case.id).where(Case.child_id == child.id))
        if case_id is not None:
            # Partners that were sent the case are asked to erase their copies too.
            request_erasure(session, deployment, case_id)
        scrub_child(session, deployment.keyring, child)
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="child.erase",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="child",
            subject_id=child.id,
        )
    deployment.database.forget_old_pages()


def replay_erasures(deployment: Deployment) -> int:
    """Erase again, in a restored database, every child erased after its backup was taken
    (the key store's tombstones): their keys are gone already; this clears the rest and
    records it. Returns how many children were erased again."""
    erased = store_of(deployment.keyring).erased()
    now = utcnow()
    replayed = 0
    with deployment.database.transaction() as session:
        for start in range(0, len(erased), 500):
            chunk = erased[start : start + 500]
            children = session.execute(
                select(Child).where(Child.uid.in_(chunk), Child.erased_at.is_(None))
            ).scalars()
            for child in children:
                scrub_child(session, deployment.keyring, child, now)
                audit.record(
                    session,
                    deployment.keyring.audit_key,
                    action="child.erase.replay",
                    subject_type="child",
                    subject_id=child.id,
                )
                replayed += 1
    return replayed


def _share_out(share: ChildShare) -> ShareOut:
    return ShareOut(
        id=share.id,
        organisation_id=share.organisation_id,
        fields=share.fields.split(),
        purpose=share.purpose,
        granted_at=share.granted_at,
        ends_at=share.ends_at,
        revoked_at=share.revoked_at,
    )
