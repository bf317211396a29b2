"""Reading the release ledger: a dataset's remaining budget, and past releases."""

from __future__ import annotations

from sqlalchemy import select

from routecare.deployment import Deployment
from routecare.observatory.releases.models import ObservatoryRelease, PrivacyBudget


def remaining_budget(deployment: Deployment, dataset: str) -> float:
    """Epsilon still available on `dataset` (the whole budget if it was never used)."""
    with deployment.database.transaction() as session:
        budget = session.get(PrivacyBudget, dataset)
        if budget is None:
            return deployment.settings.observatory_privacy_budget
        return max(0.0, budget.budget - budget.spent)


def release_content(deployment: Deployment, release_id: int) -> str | None:
    """The table exactly as release `release_id` left, or None when there is no such release."""
    with deployment.database.transaction() as session:
        return session.scalar(
            select(ObservatoryRelease.content).where(ObservatoryRelease.id == release_id)
        )
