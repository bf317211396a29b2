"""Children's encodings at rest: sealed under a key derived from the keyring's linkage key,
so a copy of the database (or a backup) holds no filter to attack; encodings stored in clear
by scheme 2 are renewed on first use, under the same linkage id."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from routecare.crypto.keyring import Keyring
from routecare.linkage.index import LinkageIndex
from routecare.linkage.models import ChildEncoding
from routecare.linkage.records import LinkageInputError
from routecare.linkage.sealing import stored_seal
from tests.conftest import World
from tests.linkage.registrations import open_case, register_population


def _stored(world: World) -> dict[str, str]:
    """linkage_id -> the encoding column, as a copy of the database shows it."""
    with world.deployment.database.transaction() as session:
        rows = session.execute(select(ChildEncoding.linkage_id, ChildEncoding.encoding)).all()
    return dict((linkage_id, text) for linkage_id, text in rows)


def test_a_database_copy_holds_no_encoding_to_attack(world: World) -> None:
    open_case(world.api("case_worker"), "Abdoulaye", "Diallo", "Ibrahima")
    open_case(world.api("case_worker"), "Abdoulaye", "Diallo", "Ibrahima")
    stored = _stored(world)
    assert len(stored) == 2
    for text in stored.values():
        with pytest.raises(ValueError):
            json.loads(text)  # no filter, token or blocking key in clear
        assert "bloom" not in text and "blocks" not in text
    # The same child registered twice: nothing equal to group them by.
    assert len(set(stored.values())) == 2
    # Another deployment's keyring (or a stolen database without the keyring) opens nothing.
    stranger = stored_seal(Keyring.generate().linkage_key)
    for text in stored.values():
        with pytest.raises(LinkageInputError, match="cannot be opened"):
            stranger.open(text, "a copied row")
    # The deployment itself reads them.
    own = stored_seal(world.deployment.keyring.linkage_key)
    opened = [own.open(text, "a row") for text in stored.values()]
    assert all(record["bloom"] for record in opened)


def test_an_encoding_stored_in_clear_is_renewed_and_still_matched(world: World) -> None:
    register_population(world, size=60)
    api = world.api("case_worker")
    open_case(api, "Abdoulaye", "Diallo", "Ibrahima")
    open_case(api, "Abdulai", "Jallow", "Ibrahima")
    stored = _stored(world)
    own = stored_seal(world.deployment.keyring.linkage_key)
    # As scheme 2 left them: every encoding in clear (JSON).
    with world.deployment.database.transaction() as session:
        for linkage_id, text in stored.items():
            session.execute(
                update(ChildEncoding)
                .where(ChildEncoding.linkage_id == linkage_id)
                .values(encoding=json.dumps(own.open(text, "row")))
            )
    index = LinkageIndex(world.deployment.keyring)  # as a deployment starts after the upgrade
    with world.deployment.database.transaction() as session:
        newest = (
            session.execute(select(ChildEncoding.linkage_id).order_by(ChildEncoding.id.desc()))
            .scalars()
            .first()
        )
        assert newest is not None
        found = index.candidates(session, newest)
    renewed = _stored(world)
    assert renewed.keys() == stored.keys()  # the same linkage ids, partners' notices hold
    assert not any(text.startswith("{") for text in renewed.values())
    assert found  # Abdulai Jallow still finds Abdoulaye Diallo
