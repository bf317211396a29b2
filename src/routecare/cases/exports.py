"""Exports of a case (the printable summary and its PDF): a read like the case page, audited
as an export with its format and language, so the DPO can tell a page seen from a file taken
away (docs/operations.md, "Print and export")."""

from __future__ import annotations

from typing import Literal

from routecare.auth.policy import Permission, may_manage_child, require
from routecare.auth.principal import Principal
from routecare.cases.lists import attach_lists
from routecare.cases.records import audit_case, present_case, visible_case
from routecare.cases.schemas import CaseOut
from routecare.clock import utcnow
from routecare.deployment import Deployment

ExportFormat = Literal["print", "pdf"]


def export_case(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    export_format: ExportFormat,
    language: str,
) -> CaseOut:
    """The case as this user may see it, for a summary in `export_format` ("print" or "pdf")
    in `language`; the audit entry (`case.export`) is written in the same transaction."""
    require(principal, Permission.CASE_READ)
    with deployment.database.transaction() as session:
        case, child, fields = visible_case(session, principal, reference, utcnow())
        out = present_case(deployment.keyring, principal, case, child, fields)
        if may_manage_child(principal, child.owner_organisation_id):
            attach_lists(session, deployment.keyring, out, case, child)
        detail: dict[str, object] = {
            "format": export_format,
            "language": language,
            "fields": sorted(fields),
        }
        audit_case(session, deployment, principal, "case.export", case, detail)
        return out
