"""Replaying a recorded release: the same query on the same dataset makes the same table again,
byte for byte. This is how a release in the ledger is shown to be reproducible, and how an
auditor checks that what left is what the query gave (not something edited after).

Tables with noise are not replayed: their noise was drawn once and is not kept (keeping it
would let anyone holding the ledger subtract it); the ledger keeps the noisy table itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from routecare.deployment import Deployment
from routecare.errors import Conflict, InvalidInput, NotFound
from routecare.observatory.age_bands import CTDC, scheme_named
from routecare.observatory.facts_files import categories, content_hash, count_facts
from routecare.observatory.queries import protected_crosstab
from routecare.observatory.rates import RATES, protected_rates
from routecare.observatory.releases.actions import Kind
from routecare.observatory.releases.models import ObservatoryRelease
from routecare.observatory.releases.output import release_csv
from routecare.observatory.releases.tables import release_table
from routecare.observatory.schemas import CrossTabQuery
from routecare.observatory.store import last_refresh, snapshot


def replay_release(deployment: Deployment, release_id: int, facts: Path | None = None) -> str:
    """The content release `release_id` gives when made again from its dataset: the fact
    store's current snapshot, or the facts file `facts` for a CLI release. Compare it with
    `releases.queries.release_content`. Raises NotFound, or Conflict when the dataset is no
    longer the one released from or the release had noise."""
    with deployment.database.transaction() as session:
        release = session.scalar(
            select(ObservatoryRelease).where(ObservatoryRelease.id == release_id)
        )
        if release is None:
            raise NotFound(f"no release {release_id}")
        session.expunge(release)
    if release.epsilon is not None or release.kind == Kind.SYNTHETIC:
        raise Conflict("a release with noise is shown as it was kept, not drawn again")
    query = json.loads(release.query)
    if release.kind == Kind.FACTS_FILE:
        if facts is None:
            raise InvalidInput("a release from a facts file is replayed from that file")
        if content_hash(facts) != release.dataset:
            raise Conflict(f"{facts.name} is not the facts file this release was made from")
        dimensions = list(query["by"])
        scheme = scheme_named(query.get("age_bands", CTDC.name))
        table = release_table(
            count_facts(facts, dimensions, scheme),
            dimensions,
            release.k,
            None,
            categories(dimensions, scheme),
        )
        return release_csv(table, hxl=bool(query["hxl"]))
    if snapshot(last_refresh(deployment)) != release.dataset:
        raise Conflict("the fact store was refreshed since this release")
    if release.kind == Kind.RATES:
        return RATES.dump_json(protected_rates(deployment, release.k)).decode()
    crosstab = CrossTabQuery.model_validate(query)
    return protected_crosstab(deployment, crosstab, release.k).model_dump_json()
