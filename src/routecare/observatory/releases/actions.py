"""Recording a release, and spending privacy budget for a noisy one, in one transaction with
its audit entry: a release that is not recorded does not leave (the CLI renames its output
into place only after this commits; the API and pages answer only after it).

Every release goes through `record_release`, whichever door it leaves by (API, page, download,
CLI), so the ledger is the one record of what left: who, what query, which k or epsilon, when,
and the content itself; the audit entry is written here and nowhere else."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from routecare import audit
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Conflict
from routecare.observatory.releases.models import ObservatoryRelease, PrivacyBudget

# Float sums of decimal epsilons (0.1 + 0.2) must not refuse a release that fits exactly.
TOLERANCE = 1e-9


class Kind(StrEnum):
    """What a release was made from, which says how to replay it (`observatory/replay.py`)."""

    CROSSTAB = "crosstab"  # the fact store, through the API, a page or a download
    RATES = "rates"  # identification rates: the fact store joined with flow counts
    FACTS_FILE = "facts_file"  # a person-level CSV, through `routecare observatory release`
    SYNTHETIC = "synthetic"  # synthetic people drawn from a facts file


@dataclass(frozen=True)
class Release:
    """One release as the ledger keeps it. `dataset` names the data it was computed from (a
    facts file's hash, or the fact store's snapshot), `query` the parameters that make the same
    table again from it, `content` the release exactly as it left."""

    kind: Kind
    dataset: str
    dimensions: tuple[str, ...]
    k: int
    epsilon: float | None
    released_as: str
    content: str
    query: Mapping[str, object] = field(default_factory=dict)
    # Figures about the release worth reading in the audit trail (cells, suppressed …).
    summary: Mapping[str, object] = field(default_factory=dict)


def record_release(
    deployment: Deployment,
    principal: Principal | None,
    release: Release,
    *,
    operator: str = "operator",
) -> int:
    """Record `release`; a noisy one first spends its epsilon from its dataset's budget, or
    the release is refused (Conflict) and nothing is recorded. `principal`: the analyst
    releasing, or None for a batch command run by `operator` on the server. Returns the
    release's id."""
    if principal is not None:
        require(principal, Permission.AGGREGATES_READ)
    dataset = release.dataset
    if release.epsilon is not None:
        _open_budget(deployment, dataset)
    with deployment.database.transaction() as session:
        if release.epsilon is not None:
            spent = session.execute(
                update(PrivacyBudget)
                .where(PrivacyBudget.dataset == dataset)
                .where(PrivacyBudget.spent + release.epsilon <= PrivacyBudget.budget + TOLERANCE)
                .values(spent=PrivacyBudget.spent + release.epsilon)
            )
            if spent.rowcount != 1:  # type: ignore[attr-defined]
                budget = session.get(PrivacyBudget, dataset)
                assert budget is not None
                raise Conflict(
                    f"the privacy budget of this dataset is spent: {budget.spent:g} of "
                    f"{budget.budget:g} used, this release needs {release.epsilon:g}"
                )
        row = ObservatoryRelease(
            kind=release.kind,
            dataset=dataset,
            dimensions=",".join(release.dimensions),
            k=release.k,
            epsilon=release.epsilon,
            query=json.dumps(release.query, sort_keys=True),
            released_as=release.released_as,
            released_at=utcnow(),
            released_by_user_id=principal.user_id if principal else None,
            released_by=f"user:{principal.user_id}" if principal else operator[:120],
            content_sha256=hashlib.sha256(release.content.encode()).hexdigest(),
            content=release.content,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="observatory.release",
            actor_user_id=principal.user_id if principal else None,
            actor_organisation_id=principal.organisation_id if principal else None,
            subject_type="observatory_release",
            subject_id=row.id,
            detail={
                "kind": release.kind,
                "dataset": dataset,
                "dimensions": row.dimensions,
                "query": dict(release.query),
                "k": release.k,
                "epsilon": release.epsilon,
                "format": release.released_as,
                **release.summary,
            },
        )
        return row.id


def _open_budget(deployment: Deployment, dataset: str) -> None:
    """The dataset's budget row, created at the deployment's budget on first use (a parallel
    first release creating it too is harmless: one insert wins)."""
    with deployment.database.transaction() as session:
        if session.scalar(select(PrivacyBudget.dataset).where(PrivacyBudget.dataset == dataset)):
            return
    try:
        with deployment.database.transaction() as session:
            session.add(
                PrivacyBudget(
                    dataset=dataset,
                    budget=deployment.settings.observatory_privacy_budget,
                    spent=0.0,
                )
            )
    except IntegrityError:
        pass
