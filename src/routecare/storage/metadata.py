"""Every domain's tables in one MetaData, for Alembic and for tests.

A new domain adds its models module here, so autogenerate sees its tables.
"""

from sqlalchemy import MetaData

from routecare.storage.base import Base


def all_tables_metadata() -> MetaData:
    import routecare.audit.models
    import routecare.auth.models
    import routecare.cases.models
    import routecare.children.models
    import routecare.crypto.models
    import routecare.exchange.models
    import routecare.linkage.models
    import routecare.observatory.models
    import routecare.observatory.releases.models
    import routecare.placement.models
    import routecare.referrals.models
    import routecare.screening.models
    import routecare.services.models
    import routecare.storage.idempotency  # noqa: F401

    return Base.metadata
