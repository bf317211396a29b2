"""Reads of the observatory: protected cross-tabulations of the fact store.

Every table leaves through `protect_counts` with the k of the analyst's country, and every
table that leaves is a release recorded in the release ledger (who, which query, which k,
when, the table itself): the fact store's snapshot plus the recorded query reproduces it
(`observatory/replay.py`).
"""

from __future__ import annotations

from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.deployment import Deployment
from routecare.observatory.disclosure.suppression import protect_counts
from routecare.observatory.releases.actions import Kind, Release, record_release
from routecare.observatory.schemas import (
    CONTAINS_FILTERS,
    EQUAL_FILTERS,
    MULTI_VALUED,
    PER_VALUE,
    CellOut,
    CrossTabOut,
    CrossTabQuery,
)
from routecare.observatory.store import connect, last_refresh, snapshot


def count_facts(deployment: Deployment, query: CrossTabQuery) -> dict[tuple[str, ...], int]:
    """Raw counts by the query's dimensions: internal, never shown before protection.

    An `each_` dimension unnests its multi-valued column, so a fact counts once per value
    (CTDC's boolean columns and GLOTIP's "by form" tables count the same way). Margins are
    then sums of these per-value counts, computed by `protect_counts` from the interior cells
    like any other table: every published figure is a sum of the cells under it, which is the
    only relation the secondary suppression and its audit assume."""
    conditions, parameters = ["true"], []
    for name in EQUAL_FILTERS:
        value = getattr(query, name)
        if value is not None:
            conditions.append(f"{name} = ?")
            parameters.append(value)
    for name, column in CONTAINS_FILTERS.items():
        value = getattr(query, name)
        if value is not None:
            conditions.append(f"list_contains(string_split({column}, ?), ?)")
            parameters.extend([MULTI_VALUED[column], value])
    if query.event is not None:
        conditions.append("event = ?")
        parameters.append(query.event.value)
    if query.month_from is not None:
        conditions.append("month >= ?")
        parameters.append(query.month_from)
    if query.month_to is not None:
        conditions.append("month <= ?")
        parameters.append(query.month_to)
    # Column names come from the Dimension enum and EQUAL_FILTERS, never from the request.
    columns = ", ".join(dimension.value for dimension in query.by)
    source = f"SELECT * FROM facts WHERE {' AND '.join(conditions)}"
    if query.per_value is not None:
        column = PER_VALUE[query.per_value]
        separator = MULTI_VALUED[column].replace("'", "''")
        source = (
            f"SELECT *, unnest(string_split({column}, '{separator}')) AS {query.per_value} "
            f"FROM ({source})"
        )
    sql = f"SELECT {columns}, count(*) FROM ({source}) GROUP BY {columns}"
    with connect(deployment) as facts:
        rows = facts.execute(sql, parameters).fetchall()
    return {tuple(row[:-1]): int(row[-1]) for row in rows}


def protected_crosstab(deployment: Deployment, query: CrossTabQuery, k: int) -> CrossTabOut:
    """The table for `query` as it may leave, not yet recorded: callers release it through
    `crosstab` (or replay a recorded one)."""
    table = protect_counts(count_facts(deployment, query), [d.value for d in query.by], k)
    return CrossTabOut(
        dimensions=list(query.by),
        filters=query.filters(),
        k=k,
        refreshed_at=last_refresh(deployment),
        per_value=query.per_value is not None,
        cells=[
            CellOut(key=list(cell.key), count=cell.count, suppressed=cell.suppressed)
            for cell in table.cells
        ],
    )


def crosstab(
    deployment: Deployment, principal: Principal, query: CrossTabQuery, *, released_as: str
) -> CrossTabOut:
    """The protected table for `query`, recorded in the release ledger before it is returned;
    `released_as` (json, csv, page …) goes in the record."""
    require(principal, Permission.AGGREGATES_READ)
    k = deployment.settings.k_for(principal.country)
    out = protected_crosstab(deployment, query, k)
    record_release(
        deployment,
        principal,
        Release(
            kind=Kind.CROSSTAB,
            dataset=snapshot(out.refreshed_at),
            dimensions=tuple(d.value for d in query.by),
            k=k,
            epsilon=None,
            released_as=released_as,
            content=out.model_dump_json(),
            # the query alone (a download's format is `released_as`)
            query=query.model_dump(
                mode="json", exclude_none=True, include=set(CrossTabQuery.model_fields)
            ),
            summary={
                "cells": len(out.cells),
                "suppressed": sum(cell.suppressed for cell in out.cells),
            },
        ),
    )
    return out
