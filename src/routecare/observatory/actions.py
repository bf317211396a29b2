"""Writes of the observatory: importing flow-monitoring counts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from routecare import audit
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.observatory.flow_files import read_flow_file
from routecare.observatory.models import FlowCount

COUNTS = ("men", "women", "boys", "girls", "unaccompanied_children")


@dataclass(frozen=True)
class FlowImport:
    added: int
    updated: int
    unchanged: int


def import_flows(deployment: Deployment, path: Path) -> FlowImport:
    """Import a flow-monitoring file (server administrators, through the CLI). Idempotent per
    (date, point, direction, nationality): a key imported again takes the file's counts. The
    file is checked whole first (FlowFileError, nothing written) and stored in one transaction
    with its audit entry, so an import is all or nothing."""
    rows = read_flow_file(path).rows
    now = utcnow()
    added = updated = unchanged = 0
    with deployment.database.transaction() as session:
        dates = {row.date for row in rows}
        existing = {
            (flow.observed_on, flow.point, flow.direction, flow.nationality): flow
            for flow in session.scalars(select(FlowCount).where(FlowCount.observed_on.in_(dates)))
        }
        for row in rows:
            values = {
                "country": row.country,
                "admin_area": row.admin_area,
                **{name: getattr(row, name) for name in COUNTS},
            }
            flow = existing.get(row.key)
            if flow is None:
                session.add(
                    FlowCount(
                        observed_on=row.date,
                        point=row.point,
                        direction=row.direction.value,
                        nationality=row.nationality,
                        imported_at=now,
                        **values,
                    )
                )
                added += 1
            elif any(getattr(flow, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(flow, name, value)
                flow.imported_at = now
                updated += 1
            else:
                unchanged += 1
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="observatory.flows_imported",
            subject_type="flow_counts",
            detail={"added": added, "updated": updated, "unchanged": unchanged},
        )
    return FlowImport(added=added, updated=updated, unchanged=unchanged)
