"""The record functions' twins for lists: SQL conditions that select the rows a user may see,
so a list (and a count) never holds a row its record function in `records` would refuse.
Lists still present each row through the record functions (e.g. `child_fields_visible`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import QueryableAttribute

from routecare.auth.principal import Principal


def of_own_organisation(
    principal: Principal, *organisation_columns: QueryableAttribute[Any]
) -> ColumnElement[bool]:
    """Rows one of whose organisation columns is the user's organisation (a referral's sender
    or receiver, a bed hold's reserving organisation or shelter, a record's owner)."""
    if not organisation_columns:
        return false()
    return or_(*(column == principal.organisation_id for column in organisation_columns))


def of_own_country(
    principal: Principal, country_column: QueryableAttribute[Any]
) -> ColumnElement[bool]:
    """Rows of the user's country (national coordinators' queues and notices, possible
    matches at registration)."""
    return country_column == principal.country
