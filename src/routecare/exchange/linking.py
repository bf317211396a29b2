"""Accepting a package into a case the coordinator's organisation already has, instead of
opening a new one: the package's provenance goes on that case exactly as on a new one (the
received package row points at it), but its values never overwrite the case. The coordinator
sees each field where the package and the case differ before linking, and the fields kept
that way are named (never their values) in the audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from routecare.auth.principal import Principal
from routecare.cases.models import Case
from routecare.cases.records import audit_case, managed_case
from routecare.children.models import Child
from routecare.children.records import cipher_for
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.exchange.models import ExchangePackage, ExchangePartner
from routecare.exchange.package_schema import FIELDS
from routecare.exchange.sending import case_field_value


@dataclass(frozen=True)
class Difference:
    """One field where the package says something the case does not; the case keeps its own."""

    field: str  # the package field name
    received: Any  # the package's value, as JSON
    kept: Any  # the case's value (None: the case has none), as JSON


@dataclass(frozen=True)
class Comparison:
    reference: str
    differences: list[Difference]


def compare(
    session: Session,
    deployment: Deployment,
    principal: Principal,
    reference: str,
    received: dict[str, Any],
) -> tuple[Case, Comparison]:
    """The case (one of the principal's organisation; any other answers NotFound, as a hidden
    case does everywhere) and the fields where `received` (package field -> value) differs."""
    case, child = managed_case(session, principal, reference, utcnow())
    return case, Comparison(reference, _differences(deployment, case, child, received))


def link_case(
    session: Session,
    deployment: Deployment,
    principal: Principal,
    row: ExchangePackage,
    partner: ExchangePartner,
    received: dict[str, Any],
    reference: str,
) -> Case:
    """Record the package as a source of the existing case (its provenance: the package row,
    now pointing at the case) without touching the case's data; audited with the fields kept."""
    case, comparison = compare(session, deployment, principal, reference, received)
    row.case_id, row.status, row.token = case.id, "accepted", None
    audit_case(
        session,
        deployment,
        principal,
        "exchange.package.link",
        case,
        {
            "package": row.package_id,
            "partner": partner.name,
            "purpose": row.purpose,
            "agreement": partner.agreement,
            "fields": sorted(received),
            "kept": [difference.field for difference in comparison.differences],
        },
    )
    return case


def _differences(
    deployment: Deployment, case: Case, child: Child, received: dict[str, Any]
) -> list[Difference]:
    cipher = cipher_for(deployment.keyring, child)
    differences = []
    for name, value in sorted(received.items()):
        adapter: TypeAdapter[Any] = TypeAdapter(FIELDS[name].annotation | None)
        theirs = adapter.dump_python(value, mode="json")
        ours = _as_json(adapter, case_field_value(cipher, case, child, name))
        if theirs != ours:
            differences.append(Difference(name, theirs, ours))
    return differences


def _as_json(adapter: TypeAdapter[Any], value: object) -> Any:
    if value in (None, []):
        return None
    try:
        return adapter.dump_python(adapter.validate_python(value), mode="json")
    except ValidationError:
        return str(value)  # a value recorded before the vocabulary changed: shown as it is
