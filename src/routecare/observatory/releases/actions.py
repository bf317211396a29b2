"""Recording a release, and spending privacy budget for a noisy one, in one transaction with
its audit entry: a release that is not recorded does not leave (the CLI renames its output
into place only after this commits)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from routecare import audit
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Conflict
from routecare.observatory.releases.models import ObservatoryRelease, PrivacyBudget
from routecare.observatory.releases.tables import ReleasedTable

# Float sums of decimal epsilons (0.1 + 0.2) must not refuse a release that fits exactly.
TOLERANCE = 1e-9


def record_release(
    deployment: Deployment,
    principal: Principal | None,
    *,
    dataset: str,
    table: ReleasedTable,
    content: str,
    operator: str = "operator",
) -> int:
    """Record `table` (released as `content`) on `dataset`; a noisy table first spends its
    epsilon from the dataset's budget, or the release is refused (Conflict) and nothing is
    recorded. `principal`: the analyst releasing, or None for a batch command run by
    `operator` on the server. Returns the release's id."""
    if principal is not None:
        require(principal, Permission.AGGREGATES_READ)
    if table.epsilon is not None:
        _open_budget(deployment, dataset)
    with deployment.database.transaction() as session:
        if table.epsilon is not None:
            spent = session.execute(
                update(PrivacyBudget)
                .where(PrivacyBudget.dataset == dataset)
                .where(PrivacyBudget.spent + table.epsilon <= PrivacyBudget.budget + TOLERANCE)
                .values(spent=PrivacyBudget.spent + table.epsilon)
            )
            if spent.rowcount != 1:  # type: ignore[attr-defined]
                budget = session.get(PrivacyBudget, dataset)
                assert budget is not None
                raise Conflict(
                    f"the privacy budget of this dataset is spent: {budget.spent:g} of "
                    f"{budget.budget:g} used, this release needs {table.epsilon:g}"
                )
        release = ObservatoryRelease(
            dataset=dataset,
            dimensions=",".join(table.dimensions),
            k=table.k,
            epsilon=table.epsilon,
            released_at=utcnow(),
            released_by_user_id=principal.user_id if principal else None,
            released_by=f"user:{principal.user_id}" if principal else operator[:120],
            content_sha256=hashlib.sha256(content.encode()).hexdigest(),
            content=content,
        )
        session.add(release)
        session.flush()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="observatory.release",
            actor_user_id=principal.user_id if principal else None,
            actor_organisation_id=principal.organisation_id if principal else None,
            subject_type="observatory_release",
            subject_id=release.id,
            detail={
                "dataset": dataset,
                "dimensions": release.dimensions,
                "k": table.k,
                "epsilon": table.epsilon,
            },
        )
        return release.id


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
